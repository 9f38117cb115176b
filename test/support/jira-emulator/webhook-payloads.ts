// Webhook bodies built from state changes, shaped like Jira Cloud deliveries (fixtures/jira/webhooks/*.json):
// REST v2 representation, `user` = the actor, `changelog.items[]` with field/fieldtype/fieldId/from/fromString/to/toString.

import { type RenderCtx, renderComment, renderIssueForCommentWebhook, renderIssueForWebhook, renderUserRef } from './render.js';
import type { EmulatorState, StateEvent } from './state.js';

export interface OutgoingWebhook {
  event: string;
  payload: Record<string, unknown>;
}

export function webhooksFor(state: EmulatorState, event: StateEvent, base: string): OutgoingWebhook[] {
  const ctx: RenderCtx = { base, version: 2, viewer: event.actor };
  const timestamp = state.now();
  const user = renderUserRef(state, event.actor, ctx);
  switch (event.kind) {
    case 'issue_created':
      return [
        {
          event: 'jira:issue_created',
          payload: {
            timestamp,
            webhookEvent: 'jira:issue_created',
            issue_event_type_name: 'issue_created',
            user,
            issue: renderIssueForWebhook(state, event.issue, ctx),
            changelog: { id: event.history.id, items: event.history.items },
          },
        },
      ];
    case 'issue_updated':
      return [
        {
          event: 'jira:issue_updated',
          payload: {
            timestamp,
            webhookEvent: 'jira:issue_updated',
            issue_event_type_name: event.eventType,
            user,
            issue: renderIssueForWebhook(state, event.issue, ctx),
            changelog: { id: event.history.id, items: event.history.items },
          },
        },
      ];
    case 'comment_created': {
      const comment = renderComment(state, event.issue, event.comment, ctx);
      return [
        {
          event: 'comment_created',
          payload: {
            timestamp,
            webhookEvent: 'comment_created',
            comment,
            issue: renderIssueForCommentWebhook(state, event.issue, ctx),
          },
        },
        {
          // Jira also reports the comment as an issue update (no changelog) to jira:issue_updated subscribers.
          event: 'jira:issue_updated',
          payload: {
            timestamp,
            webhookEvent: 'jira:issue_updated',
            issue_event_type_name: 'issue_commented',
            user,
            issue: renderIssueForWebhook(state, event.issue, ctx),
            comment,
          },
        },
      ];
    }
    case 'issue_deleted':
      return [
        {
          event: 'jira:issue_deleted',
          payload: {
            timestamp,
            webhookEvent: 'jira:issue_deleted',
            user,
            issue: renderIssueForWebhook(state, event.issue, ctx),
          },
        },
      ];
    default:
      return [];
  }
}
