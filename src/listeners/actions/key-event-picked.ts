import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { RefusedError } from '../../errors.js';
import { userMessageFor } from '../../views/error-text.js';
import { KEY_EVENT_ACTION_PATTERN } from '../../views/ids.js';
import type { ListenerDeps } from '../deps.js';

const picked = z.object({ action_id: z.string().regex(KEY_EVENT_ACTION_PATTERN), selected_date_time: z.number().int().positive() });

/** A key event time picked in the key events message of an incident channel. */
export function keyEventPicked(deps: ListenerDeps) {
  return async ({ ack, body, action, respond, logger }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>): Promise<void> => {
    await ack();
    const parsed = picked.safeParse(action);
    const channelId = body.channel?.id;
    if (!parsed.success || !channelId) return;
    const key = KEY_EVENT_ACTION_PATTERN.exec(parsed.data.action_id)![1] as 'started' | 'detected' | 'recovered';
    try {
      const incident = await deps.services.findIncidentByChannel(channelId);
      if (!incident) return;
      await deps.services.updateIncident({
        incidentId: incident._id.toString(),
        actor: body.user.id,
        origin: 'slack',
        change: { keyEvents: { [key]: new Date(parsed.data.selected_date_time * 1000) } },
      });
    } catch (error) {
      if (!(error instanceof RefusedError)) logger.error('key event not saved', error);
      await respond({ response_type: 'ephemeral', replace_original: false, text: `:no_entry: ${userMessageFor(error)}` });
    }
  };
}
