import type { AllMiddlewareArgs, SlackShortcutMiddlewareArgs, GlobalShortcut } from '@slack/bolt';
import { declareModal } from '../../views/declare-modal.js';
import type { ListenerDeps } from '../deps.js';

/** The global shortcut "Declare an incident": the same form as `/incident`. */
export function declareIncidentShortcut(deps: ListenerDeps) {
  return async ({ ack, shortcut, client, logger }: AllMiddlewareArgs & SlackShortcutMiddlewareArgs<GlobalShortcut>): Promise<void> => {
    await ack();
    try {
      await client.views.open({ trigger_id: shortcut.trigger_id, view: declareModal(deps.settings, { impacts: {} }) });
    } catch (error) {
      logger.error('could not open the declare form', error);
    }
  };
}
