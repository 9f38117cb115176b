import { ExternalCallError } from '../../errors.js';
import { Incident } from '../../models/incident.js';
import type { Logger } from '../../logger.js';
import type { Settings } from '../../settings/schema.js';
import { updateReminderMessage } from '../../views/reminder-messages.js';
import type { SlackGateway, SlackMessage } from '../slack/slack-gateway.js';
import { claimReminder, releaseReminder, updateReminderKey } from './reminder-claims.js';
import { REMINDER_PROJECTION, rereadIncident, toReminderFacts, type ScannedIncident } from './reminder-facts.js';
import { nextUpdateReminderDue, remindedPriorities, UPDATE_REMINDER_STATUSES } from './reminder-schedule.js';

export interface ReminderDeps {
  settings: Settings;
  slack: Pick<SlackGateway, 'postMessage'>;
  logger: Logger;
  /**
   * A claim this old whose reminder was never recorded belongs to a worker that stopped between claiming and
   * recording: the reminder is then taken as posted (it may have been), so the schedule moves on without a double.
   */
  claimStaleMs?: number;
}

export const DEFAULT_CLAIM_STALE_MS = 5 * 60_000;

export type ReminderOutcome = 'posted' | 'taken' | 'failed';

export interface ReminderScan {
  /** Incidents the query returned (open, reminded priority, live channel). */
  scanned: number;
  due: number;
  posted: number;
  /** Due, but another worker had claimed it. */
  taken: number;
  failed: number;
}

/**
 * The update reminder job's work: finds the open incidents whose update reminder is due at `now` and posts each one
 * once. The query does the filtering (status, priority, live channel) and reads only the fields the schedule and the
 * message need; the due time is computed here by `nextUpdateReminderDue`.
 */
export async function sendDueReminders(deps: ReminderDeps, now: Date): Promise<ReminderScan> {
  const { settings } = deps;
  const candidates = (await Incident.find(updateReminderFilter(settings), REMINDER_PROJECTION).lean()) as unknown as ScannedIncident[];

  const scan: ReminderScan = { scanned: candidates.length, due: 0, posted: 0, taken: 0, failed: 0 };
  const isDue = (incident: ScannedIncident | null) => {
    const dueAt = incident && nextUpdateReminderDue(incident, settings);
    return dueAt && dueAt.getTime() <= now.getTime() ? dueAt : null;
  };
  for (const scanned of candidates) {
    if (!isDue(scanned)) continue;
    const incident = await rereadIncident(scanned._id);
    const dueAt = isDue(incident);
    if (!incident || !dueAt) continue;
    scan.due++;
    const outcome = await postOnce(deps, incident, {
      key: updateReminderKey(incident._id.toString(), dueAt),
      message: updateReminderMessage(settings, toReminderFacts(incident), { dueAt }),
      recordField: 'reminders.lastReminderAt',
      now,
      what: 'update reminder',
    });
    scan[outcome]++;
  }
  return scan;
}

/**
 * The incidents that may owe an update: being worked on, of a priority with a channel, and that channel live. On
 * MongoDB the { status, priority } index bounds it to the open P1–P3 incidents; FerretDB filters a full scan.
 */
export function updateReminderFilter(settings: Settings) {
  return {
    status: { $in: [...UPDATE_REMINDER_STATUSES] },
    priority: { $in: remindedPriorities(settings) },
    'channel.id': { $ne: null },
    'channel.archived': { $ne: true },
  };
}

/**
 * Claims, posts and records one reminder. Never posts twice for one claim key: a duplicate key means another worker
 * has it; a post whose outcome is unknown, or that Slack refused for good, is recorded as done (the next reminder
 * comes a cadence later); only a post Slack clearly did not make (rate limit, outage) gives the claim back.
 */
export async function postOnce(
  deps: ReminderDeps,
  incident: ScannedIncident,
  reminder: { key: string; message: SlackMessage; recordField: 'reminders.lastReminderAt' | 'reminders.postmortemReminderAt'; now: Date; what: string },
): Promise<ReminderOutcome> {
  const { key, now, recordField } = reminder;
  const log = deps.logger.child({ incident: incident.number, job: 'reminders' });
  // $max: the record only moves forward, whoever writes last.
  const record = (at: Date) => Incident.updateOne({ _id: incident._id }, { $max: { [recordField]: at } });

  const claim = await claimReminder(key, incident._id.toString(), now);
  if (!claim.claimed) {
    const staleMs = deps.claimStaleMs ?? DEFAULT_CLAIM_STALE_MS;
    if (claim.claimedAt && now.getTime() - claim.claimedAt.getTime() > staleMs) {
      await record(claim.claimedAt);
      log.warn(`${reminder.what} claimed but never recorded; taken as posted`, { claimedAt: claim.claimedAt.toISOString() });
    }
    return 'taken';
  }

  const channel = incident.channel!.id!;
  try {
    await deps.slack.postMessage(channel, reminder.message);
  } catch (error) {
    const details = error instanceof ExternalCallError ? error.details : null;
    if (details?.retryable && !details.outcomeUnknown) {
      await releaseReminder(key);
      log.warn(`${reminder.what} not posted; next scan tries again`, { error: (error as Error).message });
      return 'failed';
    }
    await record(now);
    if (details?.apiError === 'is_archived') await Incident.updateOne({ _id: incident._id }, { $set: { 'channel.archived': true } });
    log.error(`${reminder.what} may not have been posted; not retried for this due time`, { error: (error as Error).message });
    return 'failed';
  }
  await record(now);
  log.info(`${reminder.what} posted`);
  return 'posted';
}
