import type { KnownBlock } from '@slack/types';
import type { Settings } from '../settings/schema.js';
import type { IncidentStatus } from '../models/incident.js';
import type { SlackMessage } from '../services/slack/slack-gateway.js';
import { MESSAGE_EVENT } from './ids.js';
import { escapeMrkdwn, quote, truncate } from './text.js';

/** The plain facts the messages show; built from an incident by the services. */
export interface IncidentFacts {
  id: string;
  number: number;
  title: string;
  description: string;
  status: IncidentStatus;
  priority: number;
  category: string;
  environments: string[];
  platforms: string[];
  businessImpact: string | null;
  reporterSlackId: string;
  roles: Array<{ role: string; slackId: string }>;
  jira: { key: string; url: string } | null;
  channelId: string | null;
  customer: { zendeskTicketId: string | null };
  seller: { contractId: string | null; zohoDeskTicketId: string | null; isKeyAccount: boolean; isGoldenList: boolean };
}

const STATUS_LABEL: Record<string, string> = {
  OPEN: 'Open',
  INVESTIGATING: 'Investigating',
  MITIGATING: 'Mitigating',
  MITIGATED: 'Mitigated',
  POST_MORTEM: 'Post-mortem',
  CLOSED: 'Closed',
};

export function statusLabel(status: string): string {
  return STATUS_LABEL[status] ?? status;
}

function priorityOf(settings: Settings, value: number) {
  const p = settings.priorities.find((x) => x.value === value);
  return p ?? { emoji: '', name: `P${value}`, description: '' };
}

export function categoryLabel(settings: Settings, value: string): string {
  for (const group of settings.categoryGroups) {
    const found = group.categories.find((c) => c.value === value);
    if (found) return `${group.name} – ${found.name}`;
  }
  return value;
}

const metadata = (eventType: string, incident: IncidentFacts): SlackMessage['metadata'] => ({
  event_type: eventType,
  event_payload: { incident_id: incident.id, incident_number: incident.number },
});

/** The channel topic: number, priority, status and category, within Slack's 250 characters. */
export function channelTopic(settings: Settings, incident: IncidentFacts): string {
  const p = priorityOf(settings, incident.priority);
  return truncate(
    `Incident #${incident.number} · ${p.emoji} ${p.name} · ${statusLabel(incident.status)} · ${categoryLabel(settings, incident.category)} · ${incident.environments.join(', ')}`,
    250,
  );
}

/** The pinned announcement of the incident channel; re-rendered when the Jira link arrives. */
export function announcementMessage(settings: Settings, incident: IncidentFacts): SlackMessage {
  const p = priorityOf(settings, incident.priority);
  const fields: Array<{ type: 'mrkdwn'; text: string }> = [
    { type: 'mrkdwn', text: `*Priority*\n${p.emoji} ${p.name} – ${escapeMrkdwn(p.description)}` },
    { type: 'mrkdwn', text: `*Status*\n${statusLabel(incident.status)}` },
    { type: 'mrkdwn', text: `*Category*\n${escapeMrkdwn(categoryLabel(settings, incident.category))}` },
    { type: 'mrkdwn', text: `*Environments*\n${incident.environments.join(', ')}` },
    { type: 'mrkdwn', text: `*Reported by*\n<@${incident.reporterSlackId}>` },
    { type: 'mrkdwn', text: `*Jira ticket*\n${incident.jira ? `<${incident.jira.url}|${incident.jira.key}>` : '_being created…_'}` },
  ];
  if (incident.customer.zendeskTicketId) fields.push({ type: 'mrkdwn', text: `*Zendesk ticket*\n${escapeMrkdwn(incident.customer.zendeskTicketId)}` });
  if (incident.seller.contractId) fields.push({ type: 'mrkdwn', text: `*Seller contract*\n${escapeMrkdwn(incident.seller.contractId)}` });
  if (incident.seller.zohoDeskTicketId) fields.push({ type: 'mrkdwn', text: `*Zoho desk ticket*\n${escapeMrkdwn(incident.seller.zohoDeskTicketId)}` });
  const flags = [incident.seller.isKeyAccount ? '⭐ Key account' : null, incident.seller.isGoldenList ? '🏅 Golden list seller' : null].filter(Boolean);
  if (flags.length) fields.push({ type: 'mrkdwn', text: `*Seller*\n${flags.join(', ')}` });

  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`${p.emoji} ${p.name} – Incident #${incident.number} declared`, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`*${escapeMrkdwn(incident.title)}*\n${quote(escapeMrkdwn(incident.description))}`, 3000) } },
    { type: 'section', fields: fields.slice(0, 10) },
  ];
  return {
    text: `${p.emoji} ${p.name} – Incident #${incident.number} declared: ${incident.title}`,
    blocks,
    metadata: metadata(MESSAGE_EVENT.announcement, incident),
  };
}

export function rolesMessage(settings: Settings, incident: IncidentFacts): SlackMessage {
  const fields = settings.roleTypes.slice(0, 10).map((type) => {
    const holder = incident.roles.find((r) => r.role === type.value);
    return { type: 'mrkdwn' as const, text: `*${type.emoji} ${escapeMrkdwn(type.name)}*\n${holder ? `<@${holder.slackId}>` : '_unassigned_'}` };
  });
  const commander = incident.roles.find((r) => r.role === 'commander');
  return {
    text: `Roles of incident #${incident.number}${commander ? `: commander <@${commander.slackId}>` : ''}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: '*👥 Incident roles*' } },
      { type: 'section', fields },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'The reporter is the commander until someone takes over.' }] },
    ],
    metadata: metadata(MESSAGE_EVENT.roles, incident),
  };
}

export function commsProcessMessage(settings: Settings, incident: IncidentFacts): SlackMessage {
  return {
    text: settings.channels.commsProcess.text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(settings.channels.commsProcess.text, 3000) } }],
    metadata: metadata(MESSAGE_EVENT.commsReminder, incident),
  };
}

/** P4–P5: the DM to the reporter and the post in each alert channel. */
export function ticketCreatedMessage(settings: Settings, incident: IncidentFacts, audience: 'reporter' | 'channel'): SlackMessage {
  const p = priorityOf(settings, incident.priority);
  const key = incident.jira ? `<${incident.jira.url}|${incident.jira.key}>` : `#${incident.number}`;
  const lead = audience === 'reporter' ? `Your incident #${incident.number} is recorded as Jira ticket ${key}.` : `New incident #${incident.number}: ${key} was created.`;
  const fields = [
    { type: 'mrkdwn' as const, text: `*Priority*\n${p.emoji} ${p.name}` },
    { type: 'mrkdwn' as const, text: `*Category*\n${escapeMrkdwn(categoryLabel(settings, incident.category))}` },
    { type: 'mrkdwn' as const, text: `*Reporter*\n<@${incident.reporterSlackId}>` },
    { type: 'mrkdwn' as const, text: `*Business impact*\n${incident.businessImpact ?? 'N/A'}` },
  ];
  return {
    text: `${lead} ${incident.title}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(`${p.emoji} ${lead}\n*${escapeMrkdwn(incident.title)}*\n${quote(escapeMrkdwn(truncate(incident.description, 1500)))}`, 3000) } },
      { type: 'section', fields },
    ],
    metadata: metadata(MESSAGE_EVENT.ticketCreated, incident),
  };
}

export function stepFailedMessage(incident: IncidentFacts, stepDescription: string, reason: string, attempts: number): SlackMessage {
  const text = `:warning: Incident #${incident.number} is saved, but ${stepDescription} failed after ${attempts} ${attempts === 1 ? 'try' : 'tries'}: ${reason}. Ask an admin to look at it, or declare again if it matters now.`;
  return {
    text: truncate(text, 3000),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(escapeMrkdwn(text).replace(/^:warning:/, ':warning:'), 3000) } }],
    metadata: metadata(MESSAGE_EVENT.stepFailed, incident),
  };
}
