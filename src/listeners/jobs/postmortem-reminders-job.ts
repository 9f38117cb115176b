import { purgeReminderClaims } from '../../services/reminders/reminder-claims.js';
import type { ReminderDeps } from '../../services/reminders/send-due-reminders.js';
import { sendPostmortemReminders } from '../../services/reminders/send-postmortem-reminders.js';

/** Claims older than this are kept no longer: their due times are recorded on the incidents long since. */
const CLAIM_RETENTION_MS = 30 * 24 * 60 * 60_000;

/**
 * Every hour (JobSettings.postmortemRemindersEveryMs): posts the post-mortem reminders that are due, once per
 * incident, and drops old reminder claims. Safe to run twice at once (claims).
 */
export function postmortemRemindersJob(deps: ReminderDeps) {
  return async (): Promise<void> => {
    const now = new Date();
    const scan = await sendPostmortemReminders(deps, now);
    if (scan.due) deps.logger.info('post-mortem reminders', { ...scan });
    await purgeReminderClaims(new Date(now.getTime() - CLAIM_RETENTION_MS));
  };
}
