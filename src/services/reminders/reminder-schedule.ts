import type { IncidentStatus } from '../../models/incident.js';
import type { Settings } from '../../settings/schema.js';
import { needsPostmortem } from '../incidents/status-transitions.js';

/**
 * When reminders are due: pure functions of an incident and the settings, so every worker computes the same due
 * time from the same state (the due time is part of the claim key that makes a reminder post once).
 */

/** Statuses in which an incident is still being worked on and owes its channel regular updates. */
export const UPDATE_REMINDER_STATUSES = ['OPEN', 'INVESTIGATING', 'MITIGATING'] as const satisfies readonly IncidentStatus[];
/** Statuses in which a mitigated incident still owes its post-mortem. */
export const POSTMORTEM_REMINDER_STATUSES = ['MITIGATED', 'POST_MORTEM'] as const satisfies readonly IncidentStatus[];

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** The fields the schedule reads; the reminder scans project exactly these (plus what the messages show). */
export interface ReminderSubject {
  status: string;
  priority: number;
  environments?: string[] | null;
  channel?: { id?: string | null; archived?: boolean | null } | null;
  milestones: { declared: Date; mitigated?: Date | null };
  lastUpdateAt?: Date | null;
  reminders?: { lastReminderAt?: Date | null; snoozedUntil?: Date | null; postmortemReminderAt?: Date | null } | null;
}

/** Priorities whose incidents get a channel (P1–P3 in the default settings), hence update reminders. */
export function remindedPriorities(settings: Settings): number[] {
  return settings.priorities.filter((p) => p.responseType === 'critical').map((p) => p.value);
}

export function updateCadenceMinutes(settings: Settings, priority: number): number | null {
  return settings.priorities.find((p) => p.value === priority)?.updateCadenceMinutes ?? null;
}

function hasLiveChannel(incident: ReminderSubject): boolean {
  return Boolean(incident.channel?.id) && !incident.channel?.archived;
}

/** The last update, or the declaration when nobody has posted one yet: what "no update for…" counts from. */
export function lastUpdateOf(incident: ReminderSubject): Date {
  return incident.lastUpdateAt ?? incident.milestones.declared;
}

const later = (a: Date, b: Date | null | undefined): Date => (b && b.getTime() > a.getTime() ? b : a);

/**
 * When the next "time to post an update" reminder is due, or null when none is.
 *
 * - None unless the incident is being worked on (OPEN, INVESTIGATING, MITIGATING), its priority is one that gets a
 *   channel (P1–P3 by default) and that channel exists and is not archived.
 * - Otherwise one cadence (the priority's `updateCadenceMinutes`) after the later of the last update (else the
 *   declaration) and the last reminder: reminders repeat every cadence until someone posts an update, and an update
 *   starts the count again.
 * - Never before a snooze ends: a snooze is a quiet period, so it can only push the reminder later, never bring it
 *   sooner than ignoring the reminder would.
 */
export function nextUpdateReminderDue(incident: ReminderSubject, settings: Settings): Date | null {
  if (!(UPDATE_REMINDER_STATUSES as readonly string[]).includes(incident.status)) return null;
  if (!remindedPriorities(settings).includes(incident.priority)) return null;
  if (!hasLiveChannel(incident)) return null;
  const cadence = updateCadenceMinutes(settings, incident.priority);
  if (!cadence) return null;
  const anchor = later(lastUpdateOf(incident), incident.reminders?.lastReminderAt);
  const due = new Date(anchor.getTime() + cadence * MINUTE_MS);
  return later(due, incident.reminders?.snoozedUntil);
}

/**
 * When the post-mortem reminder is due, or null when none is: `postmortemAfterDays` after MITIGATED, once, for an
 * incident that needs a post-mortem, still in MITIGATED or POST_MORTEM, with a live channel.
 */
export function postmortemReminderDue(incident: ReminderSubject, settings: Settings): Date | null {
  if (incident.reminders?.postmortemReminderAt) return null;
  if (!(POSTMORTEM_REMINDER_STATUSES as readonly string[]).includes(incident.status)) return null;
  if (!incident.milestones.mitigated || !hasLiveChannel(incident)) return null;
  if (!needsPostmortem(settings, { priority: incident.priority, environments: incident.environments ?? [] })) return null;
  return new Date(incident.milestones.mitigated.getTime() + settings.reminders.postmortemAfterDays * DAY_MS);
}
