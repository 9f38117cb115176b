import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { declareModal } from '../../views/declare-modal.js';
import { helpText } from '../../views/help.js';
import { COMMAND } from '../../views/ids.js';
import type { ListenerDeps } from '../deps.js';

const OPEN_WORDS = new Set(['', 'open', 'declare', 'new']);

/** `/incident [open|help]`: ack at once, then open the declare form with the trigger id (valid 3 s). */
export function incidentCommand(deps: ListenerDeps) {
  return async ({ ack, body, client, logger }: AllMiddlewareArgs & SlackCommandMiddlewareArgs): Promise<void> => {
    const subcommand = (body.text ?? '').trim().toLowerCase().split(/\s+/)[0] ?? '';
    if (!OPEN_WORDS.has(subcommand)) {
      await ack({ response_type: 'ephemeral', text: helpText(deps.settings, COMMAND.incident, subcommand === 'help' ? undefined : subcommand) });
      return;
    }
    await ack();
    try {
      await client.views.open({ trigger_id: body.trigger_id, view: declareModal(deps.settings, { impacts: {}, originChannelId: body.channel_id }) });
    } catch (error) {
      logger.error('could not open the declare form', error);
    }
  };
}
