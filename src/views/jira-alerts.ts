import type { KnownBlock } from '@slack/types';
import type { SlackMessage } from '../services/slack/slack-gateway.js';
import { escapeMrkdwn, quote, truncate } from './text.js';

/** What the Jira alerts show about the ticket and its incident. */
export interface JiraAlertTicket {
  key: string;
  url: string;
  incidentNumber: number;
  incidentTitle: string;
}

export type CommentEvent = 'comment_created' | 'comment_updated' | 'comment_deleted';

const COMMENT_VERB: Record<CommentEvent, string> = {
  comment_created: 'commented on',
  comment_updated: 'edited a comment on',
  comment_deleted: 'deleted a comment on',
};

/** Section text is capped at 3000 characters by Slack; the comment gets what is left after the heading. */
const COMMENT_MAX = 2000;
const VALUE_MAX = 300;

function ticketLink(t: JiraAlertTicket): string {
  return `<${t.url}|${escapeMrkdwn(t.key)}>`;
}

function context(t: JiraAlertTicket): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(`Incident #${t.incidentNumber}: ${escapeMrkdwn(t.incidentTitle)}`, 300) }] };
}

/**
 * Jira comment bodies in webhooks are wiki markup: keep the words, drop the markup (mentions, links, macros,
 * headings, emphasis), so the text reads plainly in Slack.
 */
export function wikiToPlainText(wiki: string): string {
  return wiki
    .replace(/\r\n?/g, '\n')
    .replace(/\{(code|noformat|quote|panel|color)(:[^}]*)?\}/g, '')
    .replace(/\[~(accountid:)?[^\]]+\]/g, '@someone')
    .replace(/\[([^|\]]+)\|([^\]]+)\]/g, '$1 ($2)')
    .replace(/\[(https?:[^\]]+)\]/g, '$1')
    .replace(/^h[1-6]\.\s*/gm, '')
    .replace(/^bq\.\s*/gm, '')
    .replace(/!([^!\s|]+)(\|[^!]*)?!/g, '[image $1]')
    .replace(/(^|\W)[*_+^~-]([^\s*_+^~-][^*_+^~]*?)[*_+^~-](?=\W|$)/g, '$1$2')
    .replace(/\{\{([^}]*)\}\}/g, '$1')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A comment was added, edited or deleted on the incident's ticket. */
export function jiraCommentAlert(t: JiraAlertTicket, c: { event: CommentEvent; author: string; body: string }): SlackMessage {
  const heading = `:speech_balloon: *${escapeMrkdwn(truncate(c.author, 100))}* ${COMMENT_VERB[c.event]} ${ticketLink(t)}`;
  const text = wikiToPlainText(c.body);
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: heading } }];
  if (text && c.event !== 'comment_deleted') blocks.push({ type: 'section', text: { type: 'mrkdwn', text: quote(escapeMrkdwn(truncate(text, COMMENT_MAX))) } });
  blocks.push(context(t));
  return { text: truncate(`${c.author} ${COMMENT_VERB[c.event]} ${t.key}${text && c.event !== 'comment_deleted' ? `: ${text}` : ''}`, 3000), blocks };
}

export interface FieldChangeFacts {
  /** Display name of the field (Status, Priority, Project, Description). */
  field: string;
  from: string | null;
  to: string | null;
}

/** Fields changed on the ticket in Jira (status, priority, project, description). */
export function jiraFieldsAlert(t: JiraAlertTicket, actor: string | null, changes: FieldChangeFacts[]): SlackMessage {
  const who = actor ? `*${escapeMrkdwn(truncate(actor, 100))}*` : 'Someone';
  const shown = changes.slice(0, 10);
  const lines = shown.map((c) => `• *${escapeMrkdwn(c.field)}*: ${value(c.from)} → ${value(c.to)}`);
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `:pencil2: ${who} changed ${ticketLink(t)} in Jira` } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 2900) } },
    context(t),
  ];
  return { text: truncate(`${actor ?? 'Someone'} changed ${t.key} in Jira: ${shown.map((c) => c.field).join(', ')}`, 3000), blocks };
}

function value(v: string | null): string {
  return v ? `_${escapeMrkdwn(truncate(wikiToPlainText(v).replace(/\s+/g, ' '), VALUE_MAX))}_` : '_none_';
}

/** A change made in Jira that the incident rules refused: the incident keeps its value, and the channel is told why. */
export function jiraChangeRefusedNotice(t: JiraAlertTicket, c: { field: string; to: string | null; actor: string | null; reasons: string[] }): SlackMessage {
  const who = c.actor ? escapeMrkdwn(truncate(c.actor, 100)) : 'Someone';
  const reasons = c.reasons.slice(0, 5).map((r) => `• ${escapeMrkdwn(truncate(r, 300))}`).join('\n');
  const head = `:warning: ${who} set *${escapeMrkdwn(c.field)}* to ${value(c.to)} on ${ticketLink(t)} in Jira, but the incident was not changed:`;
  return {
    text: truncate(`${c.actor ?? 'Someone'} set ${c.field} on ${t.key} in Jira, but the incident was not changed: ${c.reasons.join(' ')}`, 3000),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(`${head}\n${reasons}`, 3000) } }, context(t)],
  };
}
