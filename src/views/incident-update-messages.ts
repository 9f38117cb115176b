import type { KnownBlock } from '@slack/types';
import type { Settings } from '../settings/schema.js';
import type { SlackMessage } from '../services/slack/slack-gateway.js';
import { MESSAGE_EVENT } from './ids.js';
import { categoryLabel, statusLabel, type IncidentFacts } from './incident-messages.js';
import { escapeMrkdwn, quote, truncate } from './text.js';

export interface UpdateFacts {
  id: string;
  eventType: string;
  origin: 'slack' | 'jira' | 'system';
  actorSlackId: string | null;
  message: string | null;
  changes: Record<string, { from: unknown; to: unknown }>;
}

function priorityName(settings: Settings, value: unknown): string {
  const p = settings.priorities.find((x) => x.value === value);
  return p ? `${p.emoji} ${p.name}` : `P${String(value)}`;
}

function formatDate(value: unknown): string {
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? String(value) : `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|${date.toISOString()}>`;
}

/** One line per changed field, in words. */
export function describeChanges(settings: Settings, changes: UpdateFacts['changes']): string[] {
  const lines: string[] = [];
  for (const [field, { from, to }] of Object.entries(changes)) {
    if (field === 'status') lines.push(`*Status*: ${statusLabel(String(from))} → *${statusLabel(String(to))}*`);
    else if (field === 'priority') lines.push(`*Priority*: ${priorityName(settings, from)} → *${priorityName(settings, to)}*`);
    else if (field === 'category') lines.push(`*Category*: ${escapeMrkdwn(categoryLabel(settings, String(from)))} → *${escapeMrkdwn(categoryLabel(settings, String(to)))}*`);
    else if (field === 'title') lines.push(`*Title*: ${escapeMrkdwn(truncate(String(to), 200))}`);
    else if (field === 'description') lines.push('*Description* updated');
    else if (field === 'environments') lines.push(`*Environments*: ${(from as string[]).join(', ')} → *${(to as string[]).join(', ')}*`);
    else if (field.startsWith('role:')) {
      const type = settings.roleTypes.find((t) => t.value === field.slice(5));
      lines.push(`*${type ? `${type.emoji} ${escapeMrkdwn(type.name)}` : field.slice(5)}*: ${from ? `<@${String(from)}> → ` : ''}<@${String(to)}>`);
    } else if (field.startsWith('key_event:')) lines.push(`*${field.slice(10)}* at ${formatDate(to)}`);
  }
  return lines;
}

/** The message an update posts in the incident channel. */
export function incidentUpdateMessage(settings: Settings, incident: IncidentFacts, update: UpdateFacts): SlackMessage {
  const lines = describeChanges(settings, update.changes);
  const by = update.origin === 'jira' ? 'from Jira' : update.actorSlackId ? `by <@${update.actorSlackId}>` : 'by the app';
  const heading =
    update.changes.status?.to === 'CLOSED'
      ? `:white_check_mark: Incident #${incident.number} is closed`
      : update.eventType === 'note'
        ? `:memo: Note on incident #${incident.number}`
        : `:arrows_counterclockwise: Incident #${incident.number} updated`;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: truncate(`*${heading}* ${by}`, 3000) } }];
  if (lines.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3000) } });
  if (update.message) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(quote(escapeMrkdwn(update.message)), 3000) } });
  return {
    text: truncate(`${heading} ${by}${lines.length ? `: ${lines.join('; ')}` : ''}`.replace(/\*/g, ''), 3000),
    blocks,
    metadata: { event_type: MESSAGE_EVENT.update, event_payload: { incident_id: incident.id, update_id: update.id } },
  };
}

/** The post in the incidents channel for a P1–P3 in production: declared, mitigated or escalated. */
export function incidentsChannelMessage(settings: Settings, incident: IncidentFacts, what: 'declared' | 'mitigated' | 'escalated', update?: UpdateFacts): SlackMessage {
  const p = settings.priorities.find((x) => x.value === incident.priority);
  const where = incident.channelId ? ` in <#${incident.channelId}>` : '';
  const lead =
    what === 'declared'
      ? `${p?.emoji ?? ''} ${p?.name ?? ''} – a new incident has been declared${where}.`
      : what === 'mitigated'
        ? `:large_green_circle: Incident #${incident.number} has been mitigated.`
        : `:rotating_light: Incident #${incident.number} has escalated from ${priorityName(settings, update?.changes.priority?.from)} to ${priorityName(settings, incident.priority)}${where}.`;
  return {
    text: truncate(`${lead} ${incident.title}`, 3000),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(`${lead}\n*#${incident.number} ${escapeMrkdwn(incident.title)}*`, 3000) } },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `${statusLabel(incident.status)} · ${escapeMrkdwn(categoryLabel(settings, incident.category))} · ${incident.environments.join(', ')}` },
        ],
      },
    ],
    metadata: { event_type: MESSAGE_EVENT.incidentsChannel, event_payload: { incident_id: incident.id, update_id: update?.id ?? what } },
  };
}

/** The DM to someone who now holds a role. */
export function roleAssignedMessage(settings: Settings, incident: IncidentFacts, role: string, assignedBy: string | null): SlackMessage {
  const type = settings.roleTypes.find((t) => t.value === role);
  const name = type ? `${type.emoji} ${type.name}` : role;
  const where = incident.channelId ? ` Join <#${incident.channelId}> to follow it.` : '';
  const text = `You are now the *${name}* of incident #${incident.number}: ${escapeMrkdwn(incident.title)}${assignedBy ? ` (assigned by <@${assignedBy}>)` : ''}.\n${type ? escapeMrkdwn(type.summary) : ''}${where}`;
  return {
    text: truncate(text.replace(/\*/g, ''), 3000),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } }],
    metadata: { event_type: MESSAGE_EVENT.roleAssigned, event_payload: { incident_id: incident.id, role } },
  };
}
