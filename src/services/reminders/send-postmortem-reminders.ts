import { Incident } from '../../models/incident.js';
import { postmortemReminderMessage } from '../../views/reminder-messages.js';
import { postmortemReminderKey } from './reminder-claims.js';
import { REMINDER_PROJECTION, rereadIncident, toReminderFacts, type ScannedIncident } from './reminder-facts.js';
import { postmortemReminderDue, POSTMORTEM_REMINDER_STATUSES } from './reminder-schedule.js';
import { postOnce, type ReminderDeps, type ReminderScan } from './send-due-reminders.js';

const DAY_MS = 24 * 60 * 60_000;

/**
 * The post-mortem reminder job's work: every incident that needs a post-mortem, mitigated `postmortemAfterDays` ago
 * and still in MITIGATED or POST_MORTEM, gets one reminder in its channel, once in its lifetime.
 */
export async function sendPostmortemReminders(deps: ReminderDeps, now: Date): Promise<ReminderScan> {
  const { settings } = deps;
  const days = settings.reminders.postmortemAfterDays;
  const candidates = (await Incident.find(
    {
      status: { $in: [...POSTMORTEM_REMINDER_STATUSES] },
      priority: { $in: settings.priorities.filter((p) => p.needsPostmortem).map((p) => p.value) },
      'milestones.mitigated': { $lte: new Date(now.getTime() - days * DAY_MS) },
      'channel.id': { $ne: null },
      'channel.archived': { $ne: true },
      'reminders.postmortemReminderAt': null,
    },
    REMINDER_PROJECTION,
  ).lean()) as unknown as ScannedIncident[];

  const scan: ReminderScan = { scanned: candidates.length, due: 0, posted: 0, taken: 0, failed: 0 };
  // The production environment is checked here (needsPostmortem); the query narrowed the rest.
  const isDue = (incident: ScannedIncident | null) => {
    const dueAt = incident && postmortemReminderDue(incident, settings);
    return dueAt && dueAt.getTime() <= now.getTime() ? dueAt : null;
  };
  for (const scanned of candidates) {
    if (!isDue(scanned)) continue;
    const incident = await rereadIncident(scanned._id);
    if (!incident || !isDue(incident)) continue;
    scan.due++;
    const outcome = await postOnce(deps, incident, {
      key: postmortemReminderKey(incident._id.toString()),
      message: postmortemReminderMessage(settings, toReminderFacts(incident), { mitigatedAt: incident.milestones.mitigated!, days }),
      recordField: 'reminders.postmortemReminderAt',
      now,
      what: 'post-mortem reminder',
    });
    scan[outcome]++;
  }
  return scan;
}
