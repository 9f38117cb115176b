import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { declareModal } from '../../views/declare-modal.js';
import { userMessageFor } from '../../views/error-text.js';
import { helpText } from '../../views/help.js';
import { COMMAND } from '../../views/ids.js';
import { selectIncidentModal } from '../../views/incident-modals.js';
import type { ListenerDeps } from '../deps.js';
import { openIncidentModal, refusalToOpen, type IncidentModalKind } from '../incident-modals.js';

const DECLARE_WORDS = new Set(['', 'open', 'declare', 'new']);
const INCIDENT_WORDS: Record<string, IncidentModalKind> = {
  update: 'update',
  roles: 'roles',
  role: 'roles',
  edit: 'edit',
  close: 'close',
  status: 'status',
  timeline: 'timeline',
  note: 'timeline',
};

/**
 * `/incident [open|update|roles|edit|close|status|timeline|help]`. Ack at once, then open the form with the trigger id
 * (valid 3 s). Inside an incident channel the subcommand is about that incident; elsewhere the app asks which one.
 */
export function incidentCommand(deps: ListenerDeps) {
  return async ({ ack, body, client, respond, logger }: AllMiddlewareArgs & SlackCommandMiddlewareArgs): Promise<void> => {
    const word = (body.text ?? '').trim().toLowerCase().split(/\s+/)[0] ?? '';
    // Own keys only: `/incident constructor` must not find Object's.
    const kind = Object.hasOwn(INCIDENT_WORDS, word) ? INCIDENT_WORDS[word] : undefined;
    if (!DECLARE_WORDS.has(word) && !kind) {
      await ack({ response_type: 'ephemeral', text: helpText(deps.settings, COMMAND.incident, word === 'help' ? undefined : word) });
      return;
    }
    await ack();
    try {
      if (!kind) {
        await client.views.open({ trigger_id: body.trigger_id, view: declareModal(deps.settings, { impacts: {}, originChannelId: body.channel_id }) });
        return;
      }
      const incident = await deps.services.findIncidentByChannel(body.channel_id);
      if (!incident) {
        await client.views.open({ trigger_id: body.trigger_id, view: selectIncidentModal(kind, await deps.services.listOpenIncidents()) });
        return;
      }
      const refusal = refusalToOpen(deps, incident, body.user_id, kind);
      if (refusal) {
        await respond({ response_type: 'ephemeral', text: `:no_entry: ${refusal}` });
        return;
      }
      await openIncidentModal({ client, triggerId: body.trigger_id, deps, incidentId: incident._id.toString(), kind, userId: body.user_id });
    } catch (error) {
      logger.error('could not open the form for /incident', error);
      await respond({ response_type: 'ephemeral', text: `:warning: ${userMessageFor(error)}` }).catch(() => undefined);
    }
  };
}
