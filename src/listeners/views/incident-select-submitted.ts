import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { INCIDENT_ACTION, INCIDENT_BLOCK } from '../../views/ids.js';
import type { ListenerDeps } from '../deps.js';
import { buildIncidentModal, refusalToOpen } from '../incident-modals.js';
import { ViewState } from './view-state.js';

const kindSchema = z.object({ kind: z.enum(['update', 'roles', 'edit', 'close', 'status', 'timeline']) });

/** The incident picker was submitted: the picker turns into the form the command asked for. */
export function incidentSelectSubmitted(deps: ListenerDeps) {
  return async ({ ack, body, view }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>): Promise<void> => {
    const meta = kindSchema.safeParse(safeJson(view.private_metadata));
    const incidentId = new ViewState(view.state.values).select(INCIDENT_BLOCK.selectIncident, INCIDENT_ACTION.selectIncident);
    const incident = incidentId ? await deps.services.findIncidentById(incidentId) : null;
    if (!meta.success || !incident) {
      await ack({ response_action: 'errors', errors: { [INCIDENT_BLOCK.selectIncident]: 'Choose an open incident.' } });
      return;
    }
    const kind = meta.data.kind;
    const refusal = refusalToOpen(deps, incident, body.user.id, kind);
    if (refusal) {
      await ack({ response_action: 'errors', errors: { [INCIDENT_BLOCK.selectIncident]: refusal } });
      return;
    }
    const next = await buildIncidentModal(deps, incident._id.toString(), kind);
    await ack(next ? { response_action: 'update', view: next } : undefined);
  };
}

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text || '{}');
  } catch {
    return {};
  }
}
