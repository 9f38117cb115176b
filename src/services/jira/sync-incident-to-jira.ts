import type { Logger } from '../../logger.js';
import { Incident, INCIDENT_STATUSES, type IncidentDocument, type IncidentStatus } from '../../models/incident.js';
import { IncidentUpdate } from '../../models/incident-update.js';
import { JiraTicket } from '../../models/jira-ticket.js';
import type { Settings } from '../../settings/schema.js';
import { needsPostmortem } from '../incidents/status-transitions.js';
import type { SlackGateway } from '../slack/slack-gateway.js';
import { adfFromText } from './adf.js';
import { createPostmortem } from './create-postmortem.js';
import { forgetUnsyncedChanges } from './jira-sync-backlog.js';
import type { JiraGateway } from './jira-gateway.js';
import { fieldMarkerId, type SyncMarkers } from './sync-markers.js';
import { walkToStatus } from './walk-transitions.js';

export interface JiraSyncDeps {
  settings: Settings;
  jira: JiraGateway;
  slack: SlackGateway;
  markers: SyncMarkers;
  logger: Logger;
  now?: () => Date;
}

/** The incident fields that have a Jira counterpart, as `IncidentUpdate.changes` names them. */
export const SYNCED_FIELDS = ['title', 'description', 'priority', 'status', 'role:commander'] as const;
type SyncedField = (typeof SYNCED_FIELDS)[number];

export function hasSyncedChange(changes: Record<string, unknown> | null | undefined): boolean {
  return SYNCED_FIELDS.some((f) => changes?.[f] !== undefined);
}

/**
 * The Jira status for an incident status. The ticket closes (FireFighter's closing rules): an incident that needs a
 * post-mortem only at CLOSED; any other at MITIGATED or CLOSED; POST_MORTEM never closes it.
 */
export function jiraStatusFor(settings: Settings, incident: { priority: number; environments: string[] }, status: IncidentStatus): string {
  const map = settings.jira.statuses;
  if (status === 'CLOSED') return map.closed;
  if (status === 'MITIGATED' && !needsPostmortem(settings, incident)) return map.closed;
  return map.toJira[status];
}

/** The Jira statuses in the incident's order, then the closed one: the walk's sense of "further along". */
export function jiraStatusOrder(settings: Settings): string[] {
  const names = [...INCIDENT_STATUSES.filter((s) => s !== 'CLOSED').map((s) => settings.jira.statuses.toJira[s as Exclude<IncidentStatus, 'CLOSED'>]), settings.jira.statuses.closed];
  return names.filter((n, i) => names.findIndex((m) => m.toLowerCase() === n.toLowerCase()) === i);
}

/** Jira's own priority and the settings' priority custom field (`{ value: "n" }`, FireFighter's customfield_11064). */
export function jiraPriorityFields(settings: Settings, priority: number): { priorityId: string; fields: Record<string, unknown> } {
  const setting = settings.priorities.find((p) => p.value === priority);
  if (!setting) throw new PermanentSyncError(`priority ${priority} is not in the settings`);
  const fields: Record<string, unknown> = { priority: { id: setting.jiraPriorityId } };
  if (settings.jira.fields.priority) fields[settings.jira.fields.priority] = { value: String(priority) };
  return { priorityId: setting.jiraPriorityId, fields };
}

/** A change that can never be written (no ticket, bad mapping): recorded as failed instead of retried. */
export class PermanentSyncError extends Error {
  readonly permanent = true;
}

/** Not an error of Jira: the ticket is still being created by its declare step; come back later. */
export class TicketNotReadyError extends Error {}

const isPermanent = (error: unknown): boolean => {
  const e = error as { permanent?: boolean; details?: { retryable?: boolean } };
  return e.permanent === true || e.details?.retryable === false;
};

/** Called when the job is queued, so a later change's job can find and write this one first if it is still waiting. */
export async function markJiraSyncPending(updateId: string): Promise<void> {
  await IncidentUpdate.updateOne({ _id: updateId, 'effects.jiraSync': { $ne: 'done' } }, { $set: { 'effects.jiraSync': 'pending' } });
}


/**
 * Writes one recorded change of an incident to its Jira ticket: summary, description, priority (and its custom field),
 * assignee (the commander), status (walked through the workflow). Changes of the same incident still waiting (an
 * earlier job backing off) are written first, in the order they were made, so Jira never sees them out of order.
 * What has been written is recorded on the update field by field: a retry does not redo it. A P1/P2 reaching
 * MITIGATED also gets its post-mortem issue.
 */
export async function syncIncidentChangeToJira(deps: JiraSyncDeps, incidentId: string, updateId: string, attempt: number): Promise<{ synced: string[] }> {
  const update = await IncidentUpdate.findById(updateId);
  if (!update || update.incidentId.toString() !== incidentId) return { synced: [] };
  const incident = await Incident.findById(incidentId);
  if (!incident) return { synced: [] };

  const waiting = await IncidentUpdate.find({ incidentId: update.incidentId, 'effects.jiraSync': 'pending', eventAt: { $lte: update.eventAt } }).sort({ eventAt: 1, _id: 1 });
  const queue = waiting.filter((u) => u._id.toString() !== updateId);
  if (update.effects?.jiraSync !== 'done' && update.effects?.jiraSync !== 'failed') queue.push(update);

  const synced: string[] = [];
  for (const item of queue) {
    if (item.origin === 'jira') continue;
    try {
      synced.push(...(await syncOneUpdate(deps, incident, item._id.toString(), attempt)));
      await IncidentUpdate.updateOne({ _id: item._id }, { $set: { 'effects.jiraSync': 'done' } });
    } catch (error) {
      if (!isPermanent(error)) throw error;
      deps.logger.error('incident change cannot be written to Jira; skipped', { incident: incident.number, update: item._id.toString(), error: (error as Error).message });
      await IncidentUpdate.updateOne({ _id: item._id }, { $set: { 'effects.jiraSync': 'failed' } });
    }
  }

  await forgetUnsyncedChanges(incidentId);

  // The post-mortem follows the change that made the incident MITIGATED, whatever happened to the ticket's status.
  const mitigated = [...queue, update].some((u) => ((u.changes ?? {}) as Record<string, { to?: unknown } | undefined>).status?.to === 'MITIGATED');
  if (mitigated && needsPostmortem(deps.settings, incident)) {
    await createPostmortem(deps, incidentId);
  }
  return { synced };
}

async function ticketKeyOf(incident: IncidentDocument): Promise<string | null> {
  if (incident.jira?.key) return incident.jira.key;
  const ticket = await JiraTicket.findOne({ incidentId: incident._id });
  if (ticket) return ticket.key;
  if (incident.steps?.jira_ticket?.state === 'pending') throw new TicketNotReadyError(`incident #${incident.number} has no Jira ticket yet`);
  return null;
}

async function syncOneUpdate(deps: JiraSyncDeps, incident: IncidentDocument, updateId: string, attempt: number): Promise<SyncedField[]> {
  const { settings, jira, markers, logger } = deps;
  const update = await IncidentUpdate.findById(updateId);
  if (!update) return [];
  const changes = (update.changes ?? {}) as Record<string, { from?: unknown; to?: unknown } | undefined>;
  const done = new Set(update.effects?.jiraSyncedFields ?? []);
  const todo = SYNCED_FIELDS.filter((f) => changes[f] !== undefined && !done.has(f));
  if (todo.length === 0) return [];
  const key = await ticketKeyOf(incident);
  if (!key) {
    logger.warn('incident has no Jira ticket; change not synced', { incident: incident.number });
    return [];
  }
  const recordDone = async (fields: SyncedField[]) => {
    await IncidentUpdate.updateOne({ _id: update._id }, { $addToSet: { 'effects.jiraSyncedFields': { $each: fields } } });
  };
  const mark = (field: string, value: unknown) => markers.mark('issue', fieldMarkerId(key, field, value), 'to_jira');

  // Fields in one edit: one write, one webhook back.
  const fields: Record<string, unknown> = {};
  const edited: SyncedField[] = [];
  if (todo.includes('title')) {
    const title = String(changes.title!.to ?? '');
    await mark('summary', title);
    fields.summary = title;
    edited.push('title');
  }
  if (todo.includes('description')) {
    const description = String(changes.description!.to ?? '');
    await mark('description', description);
    fields.description = adfFromText(description);
    edited.push('description');
  }
  if (todo.includes('priority')) {
    const priority = jiraPriorityFields(settings, Number(changes.priority!.to));
    await mark('priority', priority.priorityId);
    Object.assign(fields, priority.fields);
    edited.push('priority');
  }
  if (edited.length) {
    await jira.editIssue(key, fields);
    await recordDone(edited);
  }

  if (todo.includes('role:commander')) {
    const accountId = await commanderAccountId(deps, String(changes['role:commander']!.to ?? ''));
    if (accountId) {
      await mark('assignee', accountId);
      await jira.assign(key, accountId);
    } else {
      logger.warn('new commander has no Jira account; ticket assignee unchanged', { incident: incident.number });
    }
    await recordDone(['role:commander']);
  }

  if (todo.includes('status')) {
    const status = changes.status!.to as IncidentStatus;
    // The closing rule reads the priority as it was when the status changed, i.e. the incident's priority then.
    const target = jiraStatusFor(settings, { priority: incident.priority, environments: incident.environments }, status);
    const walked = await walkToStatus(jira, key, target, jiraStatusOrder(settings), { beforeHop: (to) => mark('status', to) });
    if (walked.hops.length) logger.info('Jira ticket moved', { incident: incident.number, ticket: key, from: walked.from, to: target, hops: walked.hops.length, attempt });
    await recordDone(['status']);
  }
  return todo;
}

async function commanderAccountId(deps: JiraSyncDeps, slackId: string): Promise<string | null> {
  if (!slackId) return null;
  const profile = await deps.slack.userProfile(slackId);
  // The gateway caches email -> account id.
  return profile.email ? deps.jira.findAccountIdByEmail(profile.email) : null;
}
