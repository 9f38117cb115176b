import type { SlackMessage } from '../services/slack/slack-gateway.js';
import { MESSAGE_EVENT } from './ids.js';
import { escapeMrkdwn, truncate } from './text.js';

export interface PostmortemFacts {
  incidentId: string;
  number: number;
  key: string;
  url: string;
  /** The commander it is assigned to, when Jira knew them. */
  assigneeSlackId: string | null;
}

/** Posted and pinned in the incident channel when the post-mortem issue of a P1/P2 is created. */
export function postmortemCreatedMessage(pm: PostmortemFacts): SlackMessage {
  const link = `<${pm.url}|${escapeMrkdwn(pm.key)}>`;
  const owner = pm.assigneeSlackId ? ` It is assigned to <@${pm.assigneeSlackId}>.` : '';
  const text = truncate(`:memo: The post-mortem of incident #${pm.number} is ${link}.${owner} Its description holds the incident's timeline; complete it before closing the incident.`, 2900);
  return {
    text: `Post-mortem of incident #${pm.number}: ${pm.key}`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
    metadata: { event_type: MESSAGE_EVENT.postmortemCreated, event_payload: { incident_id: pm.incidentId, incident_number: pm.number } },
  };
}
