import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { declareModal } from '../../views/declare-modal.js';
import type { ListenerDeps } from '../deps.js';
import { parseMessageShortcut } from './message-shortcut-payload.js';

/**
 * The message shortcut "Declare incident": the declare form, its description started with the message's text and
 * permalink. The trigger id lives 3 s from the click, so the permalink is waited for only briefly.
 */
export function declareFromMessage(deps: ListenerDeps) {
  return async ({ ack, shortcut, client, logger }: AllMiddlewareArgs & SlackShortcutMiddlewareArgs<MessageShortcut>): Promise<void> => {
    await ack();
    try {
      const payload = parseMessageShortcut(shortcut);
      const initialDescription = await deps.services.describeMessageForDeclaration({ channel: payload.channelId, ts: payload.message.ts, text: payload.message.text });
      await client.views.open({
        trigger_id: payload.triggerId,
        view: declareModal(deps.settings, { impacts: {}, initialDescription, originChannelId: payload.channelId }),
      });
    } catch (error) {
      logger.error('could not open the declare form from a message', error);
    }
  };
}
