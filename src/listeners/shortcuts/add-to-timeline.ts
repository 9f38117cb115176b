import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { userMessageFor } from '../../views/error-text.js';
import { pickIncidentForMessageModal } from '../../views/timeline-messages.js';
import type { ListenerDeps } from '../deps.js';
import { parseMessageShortcut } from './message-shortcut-payload.js';

/**
 * The message shortcut "Add to incident timeline": in an incident channel the message goes on that incident's
 * timeline (the service answers with an ephemeral message); anywhere else a picker asks which open incident.
 */
export function addToTimeline(deps: ListenerDeps) {
  return async ({ ack, shortcut, client, respond, logger }: AllMiddlewareArgs & SlackShortcutMiddlewareArgs<MessageShortcut>): Promise<void> => {
    await ack();
    try {
      const payload = parseMessageShortcut(shortcut);
      const outcome = await deps.services.addMessageToTimeline({
        channel: payload.channelId,
        ts: payload.message.ts,
        message: { text: payload.message.text, author: payload.message.author, complete: true },
        actor: payload.userId,
        via: 'shortcut',
        reply: { responseUrl: payload.responseUrl },
      });
      if (outcome.kind !== 'not_incident_channel') return;
      const incidents = await deps.services.listOpenIncidents();
      await client.views.open({
        trigger_id: payload.triggerId,
        view: pickIncidentForMessageModal(incidents, {
          channel: payload.channelId,
          ts: payload.message.ts,
          author: payload.message.author,
          text: payload.message.text,
          complete: true,
          responseUrl: payload.responseUrl,
        }),
      });
    } catch (error) {
      logger.error('could not add a message to a timeline', error);
      await respond({ response_type: 'ephemeral', text: `:x: ${userMessageFor(error)}` }).catch(() => undefined);
    }
  };
}
