import { RefusedError } from '../../errors.js';
import { createBatcher } from '../batching.js';
import type { Logger } from '../../logger.js';
import { Incident, type IncidentDocument, type IncidentStatus } from '../../models/incident.js';
import { JiraDelivery, type DeliveryState } from '../../models/jira-delivery.js';
import type { Settings } from '../../settings/schema.js';
import { jiraChangeRefusedNotice, jiraCommentAlert, jiraFieldsAlert, type CommentEvent, type FieldChangeFacts, type JiraAlertTicket } from '../../views/jira-alerts.js';
import type { UpdateIncidentInput } from '../incidents/update-incident.js';
import type { SlackGateway, SlackMessage } from '../slack/slack-gateway.js';
import type { JiraGateway } from './jira-gateway.js';
import { jiraWebhookSchema, type ChangelogItem, type JiraWebhookBody } from './jira-webhook-schema.js';
import { COMMENT_EVENTS } from './record-jira-deliveries.js';
import { fieldMarkerId, type SyncMarkers } from './sync-markers.js';
import type { TicketDirectory } from './ticket-directory.js';

export interface ApplyJiraDeps {
  settings: Settings;
  logger: Logger;
  slack: SlackGateway;
  jira: JiraGateway;
  markers: SyncMarkers;
  tickets: TicketDirectory;
  /** The app's updateIncident, wired with its collaborators: Jira changes follow the same rules as Slack ones. */
  updateIncident(input: UpdateIncidentInput): Promise<{ incident: IncidentDocument; updateId: string | null }>;
  now?: () => Date;
}

/** Applies a recorded delivery and stores the result; a thrown error leaves it `failed` for the retry job. */
export async function applyJiraDelivery(deps: ApplyJiraDeps, deliveryId: string, preParsed?: JiraWebhookBody): Promise<DeliveryState> {
  const now = deps.now ?? (() => new Date());
  let body = preParsed;
  if (!body) {
    const stored = await JiraDelivery.findById(deliveryId);
    if (!stored || stored.state === 'applied' || stored.state === 'ignored') return stored?.state ?? 'ignored';
    body = jiraWebhookSchema.parse(JSON.parse(stored.body)) as JiraWebhookBody;
  }
  try {
    const result = await applyJiraWebhook(deps, body);
    const state: DeliveryState = result.applied ? 'applied' : 'ignored';
    await writeOutcome({ deliveryId, set: { state, reason: result.notes.join('; ').slice(0, 1000) || null, doneAt: now() } });
    return state;
  } catch (error) {
    deps.logger.warn('jira webhook not applied; it will be retried', { delivery: deliveryId, issue: body.issue.key, error: (error as Error).message });
    await writeOutcome({ deliveryId, set: { state: 'failed', reason: String((error as Error).message).slice(0, 1000) } });
    return 'failed';
  }
}

type Outcome = { deliveryId: string; set: { state: DeliveryState; reason: string | null; doneAt?: Date } };

/** Outcomes of deliveries applied at the same time are written by one command. */
const writeOutcome = createBatcher(
  async (outcomes: Outcome[]) => {
    await JiraDelivery.bulkWrite(outcomes.map((o) => ({ updateOne: { filter: { _id: o.deliveryId }, update: { $set: o.set } } })));
    return outcomes.map(() => undefined);
  },
  { maxBatch: 100 },
);

type Kind = 'status' | 'priority' | 'summary' | 'description' | 'assignee' | 'project';

interface ClassifiedItem {
  kind: Kind;
  item: ChangelogItem;
  /** The value as the outbound side writes it, for the loop-prevention marker. */
  markerValue: string | null;
  /** For priority: the incident priority it maps to. */
  priority?: number;
}

/** Which incident field a changelog item is about; null for fields the incident does not hold. */
export function classifyItem(settings: Settings, item: ChangelogItem): ClassifiedItem | null {
  // `fieldId` is sometimes absent (platform-facts §4.1): fall back to the display name, exactly, never a lookalike.
  const id = item.fieldId ?? item.field.toLowerCase();
  const byJiraId = (jiraId: string | null | undefined) => settings.priorities.find((p) => p.jiraPriorityId === jiraId);
  switch (id) {
    case 'status':
      return { kind: 'status', item, markerValue: item.toString ?? null };
    case 'priority': {
      const p = byJiraId(item.to);
      return { kind: 'priority', item, markerValue: item.to ?? null, ...(p ? { priority: p.value } : {}) };
    }
    case 'summary':
    case 'description':
      return { kind: id, item, markerValue: item.toString ?? null };
    case 'assignee':
      return { kind: 'assignee', item, markerValue: item.tmpToAccountId ?? item.to ?? null };
    case 'project':
      return { kind: 'project', item, markerValue: null };
  }
  // Only the configured priority custom field, by id: FireFighter's bug #304 took Story Points "2" for P2.
  if (settings.jira.fields.priority && item.fieldId === settings.jira.fields.priority) {
    const n = Number(item.toString);
    const p = /^[1-5]$/.test(String(item.toString ?? '').trim()) ? settings.priorities.find((x) => x.value === n) : undefined;
    return { kind: 'priority', item, markerValue: p?.jiraPriorityId ?? item.toString ?? null, ...(p ? { priority: p.value } : {}) };
  }
  return null;
}

export interface ApplyResult {
  /** True when something reached the incident or Slack. */
  applied: boolean;
  notes: string[];
}

/**
 * Applies one Jira webhook to the incident of its ticket, through updateIncident with origin `jira`: status (through
 * the transition table), priority, summary, description and assignee (-> commander). Echoes of the app's own writes
 * (a live sync marker, or the app's own Jira account) are skipped. Comments and field changes the channel would not
 * otherwise see become alerts: in the incident channel, or by DM when the incident has no channel.
 */
export async function applyJiraWebhook(deps: ApplyJiraDeps, body: JiraWebhookBody): Promise<ApplyResult> {
  const { settings, logger } = deps;
  const key = body.issue.key;
  const ticket = await deps.tickets.find(key);
  if (!ticket) return { applied: false, notes: [`unknown ticket ${key}`] };
  // Read only when an alert needs it: a change goes through updateIncident, which reads the incident itself.
  let incident: IncidentDocument | null = null;
  const currentIncident = async (): Promise<IncidentDocument> => {
    incident ??= await Incident.findById(ticket.incidentId);
    if (!incident) throw new Error(`no incident ${ticket.incidentId} for ${key}`);
    return incident;
  };
  const alertTicket = (of: IncidentDocument): JiraAlertTicket => ({ key, url: ticket.url, incidentNumber: of.number, incidentTitle: of.title });
  const myAccountId = await deps.jira.myAccountId();

  if (COMMENT_EVENTS.has(body.webhookEvent) && body.comment) {
    const author = body.comment.updateAuthor ?? body.comment.author;
    if (author?.accountId && author.accountId === myAccountId) return { applied: false, notes: ['comment by the app itself'] };
    const of = await currentIncident();
    await alert(deps, of, key, jiraCommentAlert(alertTicket(of), { event: body.webhookEvent as CommentEvent, author: author?.displayName ?? 'Someone', body: body.comment.body }));
    return { applied: true, notes: [`${body.webhookEvent} alerted`] };
  }

  const actorName = body.user?.displayName ?? null;
  const ownChange = Boolean(body.user?.accountId && body.user.accountId === myAccountId);
  const notes: string[] = [];
  const alerts: FieldChangeFacts[] = [];
  let applied = false;
  let priorityDone = false;

  // One write of ours can come back as several items of one kind (Jira's priority and the priority custom field).
  const echoed = new Set<Kind>();
  for (const item of body.changelog?.items ?? []) {
    const c = classifyItem(settings, item);
    if (!c) continue;
    // Consumed even for the app's own changes, so a marker never outlives the echo it was set for.
    if (echoed.has(c.kind) || (c.markerValue !== null && (await deps.markers.consume('issue', fieldMarkerId(key, c.kind, c.markerValue), 'to_jira')))) {
      echoed.add(c.kind);
      notes.push(`${c.kind}: echo of our own write`);
      continue;
    }
    if (ownChange) {
      notes.push(`${c.kind}: changed by the app's own account`);
      continue;
    }
    const shown: FieldChangeFacts = { field: item.field.charAt(0).toUpperCase() + item.field.slice(1), from: item.fromString ?? null, to: item.toString ?? null };
    const change = await changeFor(deps, c, key);
    if ('skip' in change) {
      notes.push(`${c.kind}: ${change.skip}`);
      // A change the incident does not follow is still worth knowing about (the project or status of the ticket).
      if (c.kind === 'status' || c.kind === 'priority' || c.kind === 'project' || c.kind === 'description') alerts.push(shown);
      continue;
    }
    if (c.kind === 'priority' && priorityDone) continue;
    try {
      const result = await deps.updateIncident({ incidentId: ticket.incidentId, actor: null, origin: 'jira', change: change.change, message: change.message ?? null });
      incident = result.incident;
      if (c.kind === 'priority') priorityDone = true;
      notes.push(`${c.kind}: ${result.updateId ? 'applied' : 'unchanged'}`);
      if (result.updateId) applied = true;
      // Without a channel, nobody sees the change in Slack unless we tell them.
      if (result.updateId && !hasChannel(result.incident) && c.kind !== 'summary' && c.kind !== 'assignee') alerts.push(shown);
    } catch (error) {
      if (!(error instanceof RefusedError)) throw error;
      const of = await currentIncident();
      notes.push(`${c.kind}: refused (${error.reasons.join(' ')})`);
      logger.info('jira change refused by the incident rules', { issue: key, incident: of.number, field: c.kind, code: error.code });
      await alert(deps, of, key, jiraChangeRefusedNotice(alertTicket(of), { field: shown.field, to: shown.to, actor: actorName, reasons: error.reasons }));
      applied = true;
    }
  }
  if (alerts.length) {
    const of = await currentIncident();
    await alert(deps, of, key, jiraFieldsAlert(alertTicket(of), actorName, alerts));
    applied = true;
  }
  return { applied, notes };
}

type ChangeOrSkip = { change: UpdateIncidentInput['change']; message?: string } | { skip: string };

async function changeFor(deps: ApplyJiraDeps, c: ClassifiedItem, key: string): Promise<ChangeOrSkip> {
  const { settings } = deps;
  const item = c.item;
  switch (c.kind) {
    case 'status': {
      const name = (item.toString ?? '').trim().toLowerCase();
      const entry = Object.entries(settings.jira.statuses.fromJira).find(([jira]) => jira.trim().toLowerCase() === name);
      if (!entry) return { skip: `status "${item.toString ?? ''}" is not mapped` };
      // A message, so a reopening (which needs one) is explained like any other move.
      return { change: { status: entry[1] as IncidentStatus }, message: `Status set to “${item.toString}” in Jira.` };
    }
    case 'priority':
      return c.priority !== undefined ? { change: { priority: c.priority } } : { skip: `priority "${item.toString ?? item.to ?? ''}" is not mapped` };
    case 'summary':
      return item.toString ? { change: { title: item.toString } } : { skip: 'empty summary' };
    case 'description':
      return item.toString ? { change: { description: item.toString } } : { skip: 'empty description' };
    case 'assignee': {
      const accountId = c.markerValue;
      if (!accountId) return { skip: 'unassigned: the commander stays' };
      const account = await deps.jira.findUserByAccountId(accountId);
      const slackId = account?.email ? await deps.slack.lookupUserByEmail(account.email) : null;
      if (!slackId) {
        deps.logger.info('jira assignee has no Slack account; commander unchanged', { issue: key });
        return { skip: 'assignee has no Slack account' };
      }
      return { change: { roles: { commander: slackId } } };
    }
    case 'project':
      return { skip: 'project moves are only reported' };
  }
}

function hasChannel(incident: IncidentDocument): boolean {
  return Boolean(incident.channel?.id && !incident.channel.archived);
}

/** Posts to the incident channel, or DMs the reporter and the ticket's watchers who have Slack accounts. */
async function alert(deps: ApplyJiraDeps, incident: IncidentDocument, issueKey: string, message: SlackMessage): Promise<void> {
  if (hasChannel(incident)) {
    await deps.slack.postMessage(incident.channel!.id!, message);
    return;
  }
  const recipients = new Set<string>([incident.reporter.slackId]);
  const me = await deps.jira.myAccountId();
  for (const watcher of await deps.jira.listWatchers(issueKey)) {
    if (watcher.accountType === 'app' || watcher.accountId === me) continue;
    const email = watcher.email ?? (await deps.jira.findUserByAccountId(watcher.accountId))?.email ?? null;
    const slackId = email ? await deps.slack.lookupUserByEmail(email) : null;
    if (slackId) recipients.add(slackId);
  }
  for (const user of recipients) await deps.slack.postMessage(user, message);
}
