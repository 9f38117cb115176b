import type { ReminderDeps } from '../../services/reminders/send-due-reminders.js';
import { sendPostmortemReminders } from '../../services/reminders/send-postmortem-reminders.js';

/**
 * Every hour (JobSettings.postmortemRemindersEveryMs): posts the post-mortem reminders that are due, once per
 * incident. Safe to run twice at once (claims). Old reminder claims go with the hourly purge (purge-expired-job.ts).
 */
export function postmortemRemindersJob(deps: ReminderDeps) {
  return async (): Promise<void> => {
    const now = new Date();
    const scan = await sendPostmortemReminders(deps, now);
    if (scan.due) deps.logger.info('post-mortem reminders', { ...scan });
  };
}
