import type { Types } from 'mongoose';
import { Incident } from '../../models/incident.js';
import type { ReminderFacts } from '../../views/reminder-messages.js';
import { lastUpdateOf, type ReminderSubject } from './reminder-schedule.js';

/** What the reminder scans read of an incident: the schedule's fields and what the messages show, nothing more. */
export const REMINDER_PROJECTION = {
  number: 1,
  title: 1,
  status: 1,
  priority: 1,
  environments: 1,
  roles: 1,
  channel: 1,
  'milestones.declared': 1,
  'milestones.mitigated': 1,
  lastUpdateAt: 1,
  reminders: 1,
} as const;

export interface ScannedIncident extends ReminderSubject {
  _id: Types.ObjectId;
  number: number;
  title: string;
  roles?: Array<{ role?: string | null; slackId?: string | null }> | null;
}

export function toReminderFacts(incident: ScannedIncident): ReminderFacts {
  return {
    id: incident._id.toString(),
    number: incident.number,
    title: incident.title,
    priority: incident.priority,
    status: incident.status,
    commanderSlackId: incident.roles?.find((r) => r.role === 'commander')?.slackId ?? null,
    lastUpdateAt: lastUpdateOf(incident),
  };
}

/**
 * The incident as it is now, by `_id` (the one lookup FerretDB answers from its primary key): a scan of many incidents
 * takes a while, and someone may have posted an update meanwhile.
 */
export async function rereadIncident(id: Types.ObjectId): Promise<ScannedIncident | null> {
  return (await Incident.findById(id, REMINDER_PROJECTION).lean()) as unknown as ScannedIncident | null;
}
