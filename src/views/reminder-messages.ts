import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import type { Settings } from '../settings/schema.js';
import type { SlackMessage } from '../services/slack/slack-gateway.js';
import { MESSAGE_EVENT, REMINDER_ACTION, REMINDER_BLOCK, reminderSnoozeActionId } from './ids.js';
import { statusLabel } from './incident-messages.js';
import { escapeMrkdwn, plain, truncate } from './text.js';

/** What a reminder shows about its incident. */
export interface ReminderFacts {
  id: string;
  number: number;
  title: string;
  priority: number;
  status: string;
  commanderSlackId: string | null;
  /** The last update, or the declaration when there was none. */
  lastUpdateAt: Date;
}

export interface SnoozeNote {
  bySlackId: string;
  until: Date;
  /** When the next reminder is due now, or null when none is (the incident moved on). */
  nextDueAt: Date | null;
}

/** A time Slack shows in each reader's own time zone; the fallback (UTC) is for clients that cannot. */
export function slackTime(date: Date, format = '{date_short_pretty} at {time}'): string {
  const fallback = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(date.getTime() / 1000)}^${format}|${fallback}>`;
}

/** "15 min", "1 h", "1 h 30 min". */
export function snoozeLabel(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ');
}

function priorityName(settings: Settings, priority: number): string {
  const p = settings.priorities.find((x) => x.value === priority);
  return p ? `${p.emoji} ${p.name}` : `P${priority}`;
}

function updateNowButton(incidentId: string, text: string): Button {
  return { type: 'button', action_id: REMINDER_ACTION.updateNow, text: plain(text), style: 'primary', value: incidentId };
}

/**
 * "🤖 Time to post an update", posted in the incident channel when the last update is older than the priority's
 * cadence, with a button to post one and one per snooze length. After a snooze it says who snoozed it and until when.
 * `dueAt` (set when posting) goes into the metadata, so the post can be recognised as the reminder of that due time.
 */
export function updateReminderMessage(settings: Settings, incident: ReminderFacts, options: { dueAt?: Date; snooze?: SnoozeNote } = {}): SlackMessage {
  const cadence = settings.priorities.find((p) => p.value === incident.priority)?.updateCadenceMinutes;
  const who = incident.commanderSlackId ? `<@${incident.commanderSlackId}> (commander), ` : '';
  const lead = `🤖 *Time to post an update* on incident #${incident.number} _${escapeMrkdwn(truncate(incident.title, 200))}_`;
  const body =
    `The last update was ${slackTime(incident.lastUpdateAt)}. ` +
    `${priorityName(settings, incident.priority)} incidents get one${cadence ? ` every ${snoozeLabel(cadence)}` : ' regularly'}: ` +
    `${who}say what is known, what is being tried and when the next update comes, even if it is "still investigating".`;
  const blocks: KnownBlock[] = [{ type: 'section', block_id: REMINDER_BLOCK.text, text: { type: 'mrkdwn', text: truncate(`${lead}\n${body}`, 3000) } }];
  if (options.snooze) {
    const { bySlackId, until, nextDueAt } = options.snooze;
    const next = nextDueAt ? `Next reminder ${slackTime(nextDueAt, '{time}')} unless someone posts an update.` : 'No further reminder is due.';
    blocks.push({
      type: 'context',
      block_id: REMINDER_BLOCK.snoozed,
      elements: [{ type: 'mrkdwn', text: `:zzz: Snoozed by <@${bySlackId}> until ${slackTime(until, '{time}')}. ${next}` }],
    });
  }
  const actions: ActionsBlock = {
    type: 'actions',
    block_id: REMINDER_BLOCK.actions,
    elements: [
      updateNowButton(incident.id, 'Post an update'),
      ...settings.reminders.snoozeMinutes.map(
        (minutes): Button => ({ type: 'button', action_id: reminderSnoozeActionId(minutes), text: plain(`Snooze ${snoozeLabel(minutes)}`), value: String(minutes) }),
      ),
    ],
  };
  blocks.push(actions);
  return {
    text: truncate(`🤖 Time to post an update on incident #${incident.number}: the last update was ${slackTime(incident.lastUpdateAt)}.`, 3000),
    blocks,
    ...(options.dueAt
      ? { metadata: { event_type: MESSAGE_EVENT.reminder, event_payload: { incident_id: incident.id, due_at: options.dueAt.toISOString() } } }
      : {}),
  };
}

/** "⏰ This incident was mitigated 5 days ago; its post-mortem is due…", posted once in the incident channel. */
export function postmortemReminderMessage(settings: Settings, incident: ReminderFacts, options: { mitigatedAt: Date; days: number }): SlackMessage {
  const ago = `${options.days} day${options.days === 1 ? '' : 's'} ago`;
  const steps = [
    ...(incident.status === 'MITIGATED' ? ['Move the incident to *Post-mortem* (button below).'] : []),
    'Write the post-mortem and share its link in this channel.',
    'Fill in the key events: started, detected, recovered.',
    'Close the incident.',
  ].map((s, i) => `${i + 1}. ${s}`);
  const lead = `⏰ *This incident was mitigated ${ago}; its post-mortem is due.*`;
  const detail =
    `Incident #${incident.number} _${escapeMrkdwn(truncate(incident.title, 200))}_ (${priorityName(settings, incident.priority)}, ${statusLabel(incident.status)}) ` +
    `was mitigated ${slackTime(options.mitigatedAt)} and needs a post-mortem.` +
    (incident.commanderSlackId ? ` <@${incident.commanderSlackId}>, to finish it:` : ' To finish it:');
  return {
    text: truncate(`⏰ This incident was mitigated ${ago}; its post-mortem is due. Incident #${incident.number}: ${incident.title}`, 3000),
    blocks: [
      { type: 'section', block_id: REMINDER_BLOCK.text, text: { type: 'mrkdwn', text: truncate(`${lead}\n${detail}\n${steps.join('\n')}`, 3000) } },
      { type: 'actions', block_id: REMINDER_BLOCK.actions, elements: [updateNowButton(incident.id, 'Update the incident')] },
    ],
    metadata: { event_type: MESSAGE_EVENT.postmortemReminder, event_payload: { incident_id: incident.id } },
  };
}
