import type { AllMiddlewareArgs, BlockAction, OverflowAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { HOME_MENU_KINDS, homeRefusalModal, type HomeMenuKind } from '../../views/home-tab.js';
import type { ListenerDeps } from '../deps.js';
import { openIncidentModal, refusalToOpen } from '../incident-modals.js';

const choice = z.object({
  value: z.string().regex(new RegExp(`^(${HOME_MENU_KINDS.join('|')}):[a-f0-9]{24}$`)),
  userId: z.string().min(1),
  triggerId: z.string().min(1),
});

/**
 * An incident's overflow menu on the Home tab (value `<kind>:<incidentId>`): opens the update, close or status modal
 * of that incident, the same as `/incident <kind>` in its channel; a person who may not do it is told why instead.
 */
export function homeIncidentMenu(deps: ListenerDeps) {
  return async ({ ack, body, action, client, logger }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<OverflowAction>>): Promise<void> => {
    await ack();
    const input = choice.safeParse({ value: action.selected_option?.value, userId: body.user.id, triggerId: body.trigger_id });
    if (!input.success) {
      logger.warn('home menu choice not understood', input.error.issues.map((i) => i.path.join('.')));
      return;
    }
    const { value, userId, triggerId } = input.data;
    const [kind, incidentId] = value.split(':') as [HomeMenuKind, string];
    try {
      const incident = await deps.services.findIncidentById(incidentId);
      const refusal = !incident ? 'That incident does not exist (any more).' : refusalToOpen(deps, incident, userId, kind);
      if (refusal) {
        await client.views.open({ trigger_id: triggerId, view: homeRefusalModal(refusal) });
        return;
      }
      await openIncidentModal({ client, triggerId, deps, incidentId, kind, userId });
    } catch (error) {
      logger.error('could not open an incident form from the Home tab', error);
    }
  };
}
