import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { refusalFor } from '../../services/incidents/authorize.js';
import type { ListenerDeps } from '../deps.js';
import { openIncidentModal } from '../incident-modals.js';

/** "Close incident" under a complete key events message: opens the close form, for whoever may close. */
export function keyEventsClose(deps: ListenerDeps) {
  return async ({ ack, body, action, client, respond }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>): Promise<void> => {
    await ack();
    const incident = await deps.services.findIncidentById(action.value ?? '');
    if (!incident) return;
    const refusal = refusalFor(deps.settings, incident, body.user.id, 'close');
    if (refusal) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: `:no_entry: ${refusal}` });
      return;
    }
    await openIncidentModal({ client, triggerId: body.trigger_id, deps, incidentId: incident._id.toString(), kind: 'close', userId: body.user.id });
  };
}
