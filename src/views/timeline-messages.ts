import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { TimelineOutcome } from '../services/timeline/add-message-to-timeline.js';
import type { SlackMessage } from '../services/slack/slack-gateway.js';
import { TIMELINE_ACTION, TIMELINE_BLOCK, TIMELINE_CALLBACK } from './ids.js';
import { escapeMrkdwn, plain, quote, truncate } from './text.js';

/** FireFighter's wording for a message already on the timeline, kept so people who knew it recognise it. */
export const ALREADY_IN_TIMELINE = ':x: This message is already in the incident timeline.';

/** The ephemeral answer to "Add to incident timeline" or a :mega: reaction. */
export function timelineOutcomeMessage(outcome: Exclude<TimelineOutcome, { kind: 'not_incident_channel' }>): SlackMessage {
  switch (outcome.kind) {
    case 'added':
      return { text: `:white_check_mark: Added to the timeline of incident #${outcome.incidentNumber}.` };
    case 'duplicate':
      return { text: ALREADY_IN_TIMELINE };
    case 'refused':
      return { text: `:x: ${truncate(outcome.reason, 2900)}` };
    case 'message_not_found':
      return { text: ':x: I could not read that message: it may have been deleted, or I am not in its channel.' };
    case 'incident_not_found':
      return { text: ':x: That incident does not exist (any more).' };
  }
}

/** What the picker carries to its submission: the message, as far as it fits in private_metadata. */
export interface PendingTimelineMessage {
  channel: string;
  ts: string;
  author: string | null;
  text: string;
  /** False when the text was cut to fit: the submission then reads the message again. */
  complete: boolean;
  responseUrl: string | null;
}

const METADATA_MAX = 3000;

/** private_metadata of the picker, with the text cut until the whole fits Slack's 3,000 characters. */
export function encodePendingMessage(pending: PendingTimelineMessage): string {
  const encode = (text: string, complete: boolean) => JSON.stringify({ ...pending, text, complete: pending.complete && complete });
  const full = encode(pending.text, true);
  if ([...full].length <= METADATA_MAX) return full;
  // Escapes (quotes, newlines) take two characters or more, so search for the longest prefix that fits.
  const chars = [...pending.text];
  const fits = (keep: number) => [...encode(chars.slice(0, keep).join(''), false)].length <= METADATA_MAX;
  let lo = 0;
  let hi = Math.min(chars.length, METADATA_MAX);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return encode(chars.slice(0, lo).join(''), false);
}

const option = (text: string, value: string): PlainTextOption => ({ text: plain(truncate(text, 75)), value });

/** "Add to incident timeline" outside an incident channel: which open incident? */
export function pickIncidentForMessageModal(incidents: Array<{ id: string; number: number; title: string }>, pending: PendingTimelineMessage): ModalView {
  const excerpt: KnownBlock = {
    type: 'section',
    block_id: TIMELINE_BLOCK.message,
    text: { type: 'mrkdwn', text: truncate(`${pending.author ? `*<@${pending.author}> wrote:*\n` : ''}${quote(escapeMrkdwn(truncate(plainTextOfMessage(pending.text) || '(no text)', 500)))}`, 3000) },
  };
  const base = {
    type: 'modal' as const,
    callback_id: TIMELINE_CALLBACK.pickIncident,
    title: plain('Add to a timeline'),
    close: plain('Cancel'),
    private_metadata: encodePendingMessage(pending),
  };
  if (incidents.length === 0) {
    return { ...base, blocks: [excerpt, { type: 'section', text: { type: 'mrkdwn', text: ':x: There is no open incident to add this message to.' } }] };
  }
  return {
    ...base,
    submit: plain('Add'),
    blocks: [
      excerpt,
      {
        type: 'input',
        block_id: TIMELINE_BLOCK.incident,
        label: plain('Incident'),
        hint: plain('The message, its author and its link go on the timeline of this incident.'),
        element: { type: 'static_select', action_id: TIMELINE_ACTION.incident, options: incidents.slice(0, 100).map((i) => option(`#${i.number}: ${i.title}`, i.id)) },
      },
    ],
  };
}

/**
 * Slack's message markup as plain text, for a plain-text field: `<@U1|ann>` -> `@ann`, `<#C1|ops>` -> `#ops`,
 * `<https://x|label>` -> `label (https://x)`, and the three escapes undone.
 */
export function plainTextOfMessage(text: string): string {
  return text
    .replace(/<([@#!])([^|>]+)(?:\|([^>]*))?>/g, (_all, sigil: string, id: string, label?: string) => {
      if (sigil !== '!') return `${sigil}${label || id}`;
      // <!here>, <!subteam^S1|@team>, <!date^…|fallback>
      if (label) return label;
      return `@${id}`;
    })
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The declare form's description from a message: its text, cut so the permalink always fits within `max`. */
export function declarationDescription(text: string, permalink: string | null, max: number): string {
  const body = plainTextOfMessage(text).trim();
  if (!permalink) return truncate(body, max);
  const link = `From Slack: ${permalink}`;
  if (!body) return truncate(link, max);
  const suffix = `\n\n${link}`;
  if (suffix.length >= max) return truncate(body, max);
  return `${truncate(body, max - suffix.length)}${suffix}`;
}
