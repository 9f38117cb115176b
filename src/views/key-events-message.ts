import type { KnownBlock } from '@slack/types';
import type { SlackMessage } from '../services/slack/slack-gateway.js';
import { REQUIRED_KEY_EVENTS, type KeyEvent } from '../services/incidents/status-transitions.js';
import { KEY_EVENT_ACTION, MESSAGE_EVENT } from './ids.js';
import type { IncidentFacts } from './incident-messages.js';

const LABELS: Record<KeyEvent, string> = {
  started: 'Started: when the impact began',
  detected: 'Detected: when we noticed',
  recovered: 'Recovered: when the impact ended',
};

const when = (date: Date | null | undefined) =>
  date ? `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|${date.toISOString()}>` : '_missing_';

/**
 * The key events message of an incident channel: one date-time picker per key event. It is updated in place each
 * time a key event is set, and offers to close the incident once they are all there.
 */
export function keyEventsMessage(incident: IncidentFacts, milestones: Partial<Record<KeyEvent | 'declared', Date | null | undefined>>): SlackMessage {
  const missing = REQUIRED_KEY_EVENTS.filter((k) => !milestones[k]);
  const lines = [
    ...REQUIRED_KEY_EVENTS.map((k) => `${milestones[k] ? ':white_check_mark:' : ':warning:'} *${LABELS[k]}*: ${when(milestones[k])}`),
    `:lock: *Declared*: ${when(milestones.declared)}`,
  ];
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*⏱️ Key events of incident #${incident.number}*\n${lines.join('\n')}` } },
    {
      type: 'actions',
      block_id: 'key_events',
      elements: REQUIRED_KEY_EVENTS.map((k) => ({
        type: 'datetimepicker' as const,
        action_id: KEY_EVENT_ACTION[k],
        ...(milestones[k] ? { initial_date_time: Math.floor(milestones[k]!.getTime() / 1000) } : {}),
      })),
    },
    missing.length
      ? { type: 'context', elements: [{ type: 'mrkdwn', text: `Pick the missing ${missing.length === 1 ? 'time' : 'times'} above (${missing.join(', ')}): they are needed to close, and they give the MTTx metrics.` }] }
      : {
          type: 'actions',
          block_id: 'key_events_done',
          elements: [{ type: 'button', action_id: KEY_EVENT_ACTION.close, text: { type: 'plain_text', text: 'Close incident' }, value: incident.id, style: 'primary' }],
        },
  ];
  return {
    text: missing.length ? `Key events of incident #${incident.number}: ${missing.join(', ')} missing` : `Key events of incident #${incident.number}: all set`,
    blocks,
    metadata: { event_type: MESSAGE_EVENT.keyEvents, event_payload: { incident_id: incident.id } },
  };
}
