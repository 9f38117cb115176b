import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { declareModal } from '../../views/declare-modal.js';
import type { ListenerDeps } from '../deps.js';

/** "Declare an incident" on the Home tab: the same form as `/incident`, opened with the click's trigger id. */
export function homeDeclare(deps: ListenerDeps) {
  return async ({ ack, body, client, logger }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>): Promise<void> => {
    await ack();
    try {
      await client.views.open({ trigger_id: body.trigger_id, view: declareModal(deps.settings, { impacts: {} }) });
    } catch (error) {
      logger.error('could not open the declare form from the Home tab', error);
    }
  };
}
