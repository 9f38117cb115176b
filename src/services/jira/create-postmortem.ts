import type { Logger } from '../../logger.js';
import { Incident, type IncidentDocument } from '../../models/incident.js';
import { IncidentUpdate, type IncidentUpdateFields } from '../../models/incident-update.js';
import { JiraTicket } from '../../models/jira-ticket.js';
import type { Settings } from '../../settings/schema.js';
import { postmortemCreatedMessage } from '../../views/postmortem-messages.js';
import { MESSAGE_EVENT } from '../../views/ids.js';
import { statusLabel } from '../../views/incident-messages.js';
import { computeMetrics, formatDuration, METRICS } from '../incidents/metrics.js';
import type { SlackGateway } from '../slack/slack-gateway.js';
import { adfFromText } from './adf.js';
import type { JiraGateway } from './jira-gateway.js';

export interface PostmortemDeps {
  settings: Settings;
  jira: JiraGateway;
  slack: SlackGateway;
  logger: Logger;
}

/** The natural key of a post-mortem issue: searched before creating, so a retry never makes a second one. */
export function postmortemLabel(settings: Settings, incidentId: string): string {
  return `${settings.jira.incidentLabelPrefix}${incidentId}-postmortem`;
}

const MILESTONES = ['started', 'detected', 'declared', 'mitigated', 'recovered', 'resolved'] as const;
const DESCRIPTION_MAX = 30_000;

type TimelineEntry = Pick<IncidentUpdateFields, 'eventType' | 'eventAt' | 'origin' | 'message' | 'changes'>;

/** The post-mortem's description: what to write, the key events and metrics, and the timeline of status changes. */
export function postmortemDescription(
  settings: Settings,
  incident: Pick<IncidentDocument, 'number' | 'title' | 'description' | 'priority' | 'milestones'> & { ticketKey: string | null },
  updates: TimelineEntry[],
): string {
  const priority = settings.priorities.find((p) => p.value === incident.priority);
  const at = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const lines = [
    `Post-mortem of incident #${incident.number} (${priority?.name ?? `P${incident.priority}`}): ${incident.title}`,
    incident.ticketKey ? `Incident ticket: ${incident.ticketKey}` : '',
    '',
    incident.description,
    '',
    'Key events',
  ];
  const milestones = (incident.milestones ?? {}) as Partial<Record<(typeof MILESTONES)[number], Date | null>>;
  for (const m of MILESTONES) lines.push(`- ${m}: ${milestones[m] ? at(milestones[m]!) : 'not recorded'}`);
  const metrics = computeMetrics(milestones);
  const known = METRICS.filter((m) => metrics[m.key] !== undefined);
  if (known.length) lines.push('', 'Metrics', ...known.map((m) => `- ${m.label}: ${formatDuration(metrics[m.key]!)}`));
  lines.push('', 'Timeline');
  for (const u of [...updates].sort((a, b) => a.eventAt.getTime() - b.eventAt.getTime())) {
    const changes = (u.changes ?? {}) as Record<string, { from?: unknown; to?: unknown }>;
    const parts: string[] = [];
    if (changes.status) parts.push(`status ${statusLabel(String(changes.status.from))} → ${statusLabel(String(changes.status.to))}`);
    if (changes.priority) parts.push(`priority P${String(changes.priority.from)} → P${String(changes.priority.to)}`);
    for (const k of Object.keys(changes).filter((c) => c.startsWith('key_event:'))) parts.push(`${k.slice('key_event:'.length)} set`);
    if (u.eventType === 'declared') parts.push('declared');
    if (parts.length === 0 && !u.message) continue;
    const message = u.message ? ` — ${u.message.replace(/\s+/g, ' ').slice(0, 300)}` : '';
    lines.push(`- ${at(u.eventAt)}: ${parts.join(', ') || 'update'}${u.origin === 'slack' ? '' : ` (from ${u.origin})`}${message}`);
  }
  lines.push('', 'Impact', '- TODO', '', 'Mitigation actions', '- TODO', '', 'Root causes', '- TODO');
  const text = lines.join('\n');
  return text.length <= DESCRIPTION_MAX ? text : `${text.slice(0, DESCRIPTION_MAX - 40)}\n… (timeline cut, see the incident)`;
}

/**
 * Creates the Jira post-mortem of a P1/P2 once: searched by its label before creating, then linked to the incident
 * ticket, assigned to the commander, and posted and pinned in the incident channel. Each step is recorded on the
 * incident, so a retry does only what is left.
 */
export async function createPostmortem(deps: PostmortemDeps, incidentId: string): Promise<{ key: string; url: string } | null> {
  const { settings, jira, slack, logger } = deps;
  let incident = await Incident.findById(incidentId);
  if (!incident) return null;
  const ticketKey = incident.jira?.key ?? (await JiraTicket.findOne({ incidentId: incident._id }))?.key ?? null;

  if (!incident.postmortem?.key) {
    const label = postmortemLabel(settings, incidentId);
    let found = await jira.findIssueByLabel(label);
    if (!found) {
      const updates = await IncidentUpdate.find({ incidentId: incident._id }).sort({ eventAt: 1 }).limit(500);
      const priority = settings.priorities.find((p) => p.value === incident!.priority);
      const where = incident.channel?.name ? `#${incident.channel.name}` : `Incident #${incident.number}`;
      found = await jira.createIssue({
        project: { key: settings.jira.postmortem.projectKey },
        issuetype: { name: settings.jira.postmortem.issueType },
        summary: `${where} (${priority?.name ?? `P${incident.priority}`}) ${incident.title}`.slice(0, 255),
        description: adfFromText(postmortemDescription(settings, { ...incident.toObject(), ticketKey }, updates)),
        priority: { id: priority?.jiraPriorityId ?? String(incident.priority) },
        labels: [label],
      });
      logger.info('post-mortem issue created', { incident: incident.number, postmortem: found.key });
    }
    await Incident.updateOne({ _id: incident._id }, { $set: { 'postmortem.key': found.key, 'postmortem.url': jira.browseUrl(found.key) } });
    incident = (await Incident.findById(incidentId))!;
  }
  const key = incident.postmortem!.key!;
  const url = incident.postmortem!.url ?? jira.browseUrl(key);

  if (ticketKey && !incident.postmortem?.linked) {
    await jira.linkIssues({ type: 'Relates', inwardKey: ticketKey, outwardKey: key });
    await Incident.updateOne({ _id: incident._id }, { $set: { 'postmortem.linked': true } });
  }

  const commander = incident.roles.find((r) => r.role === 'commander')?.slackId ?? null;
  let assignee: string | null = null;
  if (commander) {
    const email = (await slack.userProfile(commander)).email;
    const accountId = email ? await jira.findAccountIdByEmail(email) : null;
    if (accountId) assignee = commander;
    if (accountId && !incident.postmortem?.assigned) {
      await jira.assign(key, accountId);
      await Incident.updateOne({ _id: incident._id }, { $set: { 'postmortem.assigned': true } });
    } else if (!accountId) {
      logger.warn('commander has no Jira account; post-mortem left unassigned', { incident: incident.number, postmortem: key });
    }
  }

  const channel = incident.channel?.id && !incident.channel.archived ? incident.channel.id : null;
  if (channel) {
    let ts = incident.postmortem?.messageTs ?? null;
    if (!ts) {
      ts =
        (await slack.findPostedMessage(channel, MESSAGE_EVENT.postmortemCreated, { incident_id: incidentId })) ??
        (await slack.postMessage(channel, postmortemCreatedMessage({ incidentId, number: incident.number, key, url, assigneeSlackId: assignee }))).ts;
      await Incident.updateOne({ _id: incident._id }, { $set: { 'postmortem.messageTs': ts } });
    }
    if (!incident.postmortem?.pinned) {
      await slack.pin(channel, ts);
      await Incident.updateOne({ _id: incident._id }, { $set: { 'postmortem.pinned': true } });
    }
  }
  return { key, url };
}
