import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { refusalFor } from '../../services/incidents/authorize.js';
import type { ListenerDeps } from '../deps.js';
import { openIncidentModal } from '../incident-modals.js';

const pressed = z.object({
  incidentId: z.string().regex(/^[a-f0-9]{24}$/),
  userId: z.string().min(1),
  triggerId: z.string().min(1),
  channelId: z.string().min(1),
});

/**
 * "Post an update" (update reminder) or "Update the incident" (post-mortem reminder): opens the update form of the
 * incident, or tells a person who may not change it why, in the channel, only to them.
 */
export function reminderUpdateNow(deps: ListenerDeps) {
  return async ({ ack, body, action, client, logger }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>): Promise<void> => {
    await ack();
    const input = pressed.safeParse({ incidentId: action.value, userId: body.user.id, triggerId: body.trigger_id, channelId: body.channel?.id });
    if (!input.success) {
      logger.warn('reminder button payload not understood', input.error.issues.map((i) => i.path.join('.')));
      return;
    }
    const { incidentId, userId, triggerId, channelId } = input.data;
    try {
      const incident = await deps.services.findIncidentById(incidentId);
      const refusal = incident ? refusalFor(deps.settings, incident, userId, 'change') : 'That incident does not exist (any more).';
      if (refusal) {
        await client.chat.postEphemeral({ channel: channelId, user: userId, text: `:no_entry: ${refusal}` });
        return;
      }
      await openIncidentModal({ client, triggerId, deps, incidentId, kind: 'update', userId });
    } catch (error) {
      logger.error('could not open the update form from a reminder', error);
    }
  };
}
