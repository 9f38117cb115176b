import type { Settings } from '../settings/schema.js';
import type { SlackMessage } from '../services/slack/slack-gateway.js';
import { MESSAGE_EVENT } from './ids.js';
import { escapeMrkdwn, quote, truncate } from './text.js';

/** What the messages about a ticket of the external API show. */
export interface ExternalTicketFacts {
  requestId: string;
  summary: string;
  description: string;
  priority: number;
  businessImpact: string | null;
  reporterEmail: string;
  reporterSlackId: string | null;
  ticket: { key: string; url: string } | null;
  refusedAttachments: number;
}

function priorityLine(settings: Settings, value: number): string {
  const p = settings.priorities.find((x) => x.value === value);
  return p ? `${p.emoji} ${p.name}` : `P${value}`;
}

/** The DM to the reporter and the post in each alert channel, as for a P4–P5 declaration. */
export function externalTicketCreatedMessage(settings: Settings, facts: ExternalTicketFacts, audience: 'reporter' | 'channel'): SlackMessage {
  const key = facts.ticket ? `<${facts.ticket.url}|${facts.ticket.key}>` : 'a Jira ticket';
  const lead = audience === 'reporter' ? `Your request is recorded as Jira ticket ${key}.` : `New ticket ${key} was created from the ticket API.`;
  const reporter = facts.reporterSlackId ? `<@${facts.reporterSlackId}>` : escapeMrkdwn(facts.reporterEmail);
  const fields = [
    { type: 'mrkdwn' as const, text: `*Priority*\n${priorityLine(settings, facts.priority)}` },
    { type: 'mrkdwn' as const, text: `*Business impact*\n${escapeMrkdwn(facts.businessImpact ?? 'N/A')}` },
    { type: 'mrkdwn' as const, text: `*Reporter*\n${reporter}` },
  ];
  if (facts.refusedAttachments > 0) {
    fields.push({ type: 'mrkdwn' as const, text: `*Attachments not added*\n${facts.refusedAttachments} (listed in the ticket)` });
  }
  return {
    text: truncate(`${lead} ${facts.summary}`, 3000),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(`${lead}\n*${escapeMrkdwn(facts.summary)}*\n${quote(escapeMrkdwn(truncate(facts.description, 1500)))}`, 3000) } },
      { type: 'section', fields },
    ],
    metadata: { event_type: MESSAGE_EVENT.externalTicketCreated, event_payload: { request: facts.requestId, ticket: facts.ticket?.key ?? '' } },
  };
}

/** Told to the reporter when their request could not become a ticket after the last try. */
export function externalTicketFailedMessage(facts: ExternalTicketFacts, reason: string): SlackMessage {
  const text = `:warning: Your request "${truncate(facts.summary, 200)}" could not be turned into a Jira ticket: ${truncate(reason, 500)}. It is kept as request ${facts.requestId}; ask an admin to look at it.`;
  return {
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(text) } }],
    metadata: { event_type: MESSAGE_EVENT.externalTicketFailed, event_payload: { request: facts.requestId } },
  };
}
