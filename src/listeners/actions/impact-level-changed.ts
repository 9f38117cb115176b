import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { declareModal } from '../../views/declare-modal.js';
import type { ListenerDeps } from '../deps.js';
import { readDeclareForm, readDeclareMetadata } from '../views/declare-form-state.js';

/** An impact level changed in the declare form: re-render it with the new priority and the fields it now needs. */
export function impactLevelChanged(deps: ListenerDeps) {
  return async ({ ack, body, client, logger }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction>): Promise<void> => {
    await ack();
    const view = body.view;
    if (!view || view.type !== 'modal') return;
    try {
      const form = readDeclareForm(deps.settings, view.state?.values);
      const { originChannelId } = readDeclareMetadata(view.private_metadata);
      await client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: declareModal(deps.settings, { impacts: form.impacts, ...(originChannelId ? { originChannelId } : {}) }),
      });
    } catch (error) {
      // A hash conflict means a newer update is already on screen: nothing to do.
      logger.warn('declare form not refreshed', error);
    }
  };
}
