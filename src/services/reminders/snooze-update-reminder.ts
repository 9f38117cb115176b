import { AppError, RefusedError } from '../../errors.js';
import { Incident } from '../../models/incident.js';
import type { Logger } from '../../logger.js';
import type { Settings } from '../../settings/schema.js';
import type { ReminderFacts } from '../../views/reminder-messages.js';
import { authorize } from '../incidents/authorize.js';
import { REMINDER_PROJECTION, toReminderFacts, type ScannedIncident } from './reminder-facts.js';
import { nextUpdateReminderDue } from './reminder-schedule.js';

export interface SnoozeInput {
  /** The incident channel the reminder was posted in. */
  channelId: string;
  actor: string;
  minutes: number;
}

export interface SnoozeResult {
  incident: ReminderFacts;
  snoozedUntil: Date;
  /** When the next reminder is due after the snooze, or null when none is. */
  nextDueAt: Date | null;
}

/**
 * Snoozes the update reminders of the channel's incident: none before `now + minutes` (the latest snooze wins).
 * Open to anyone who may change the incident; throws RefusedError (not_allowed, invalid_change) otherwise.
 */
export async function snoozeUpdateReminder(deps: { settings: Settings; logger: Logger; now?: () => Date }, input: SnoozeInput): Promise<SnoozeResult> {
  const { settings } = deps;
  if (!settings.reminders.snoozeMinutes.includes(input.minutes)) {
    throw new RefusedError('invalid_change', [`Reminders can be snoozed for ${settings.reminders.snoozeMinutes.join(' or ')} minutes only.`]);
  }
  const projection = { ...REMINDER_PROJECTION, reporter: 1, members: 1 };
  const incident = (await Incident.findOne({ 'channel.id': input.channelId }, projection).lean()) as unknown as
    | (ScannedIncident & { reporter: { slackId: string }; members?: string[] })
    | null;
  if (!incident) throw new AppError('incident_not_found', `no incident has channel ${input.channelId}`);
  authorize(
    settings,
    { number: incident.number, reporter: incident.reporter, roles: incident.roles ?? [], members: incident.members ?? [] },
    input.actor,
    'change',
  );
  const now = (deps.now ?? (() => new Date()))();
  const snoozedUntil = new Date(now.getTime() + input.minutes * 60_000);
  await Incident.updateOne({ _id: incident._id }, { $set: { 'reminders.snoozedUntil': snoozedUntil } });
  const snoozed: ScannedIncident = { ...incident, reminders: { ...incident.reminders, snoozedUntil } };
  deps.logger.info('update reminders snoozed', { incident: incident.number, slackUser: input.actor, minutes: input.minutes });
  return { incident: toReminderFacts(snoozed), snoozedUntil, nextDueAt: nextUpdateReminderDue(snoozed, settings) };
}
