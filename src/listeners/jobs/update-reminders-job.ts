import { sendDueReminders, type ReminderDeps } from '../../services/reminders/send-due-reminders.js';

/**
 * Every minute (JobSettings.updateRemindersEveryMs): posts the update reminders that are due. Safe to run twice at
 * once: each reminder is claimed by its incident and due time before it is posted.
 */
export function updateRemindersJob(deps: ReminderDeps) {
  return async (): Promise<void> => {
    const scan = await sendDueReminders(deps, new Date());
    if (scan.due) deps.logger.info('update reminders', { ...scan });
  };
}
