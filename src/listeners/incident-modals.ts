import type { webApi } from '@slack/bolt';
import { Incident } from '../models/incident.js';
import { IncidentUpdate } from '../models/incident-update.js';
import { incidentModal, type IncidentModalKind } from '../views/incident-modals.js';
import { toIncidentFacts } from '../services/incidents/incident-facts.js';
import type { ListenerDeps } from './deps.js';

export type { IncidentModalKind };

/**
 * Opens one of the incident modals (update, roles, edit, close, status, timeline) for an incident. Shared by the
 * slash command, the Home tab, reminders and message buttons, so every entry point shows the same form.
 */
export async function openIncidentModal(args: {
  client: webApi.WebClient;
  triggerId: string;
  deps: ListenerDeps;
  incidentId: string;
  kind: IncidentModalKind;
  userId: string;
}): Promise<void> {
  const incident = await Incident.findById(args.incidentId);
  if (!incident) return;
  const last = args.kind === 'status' ? await IncidentUpdate.findOne({ incidentId: incident._id, message: { $ne: null } }).sort({ eventAt: -1 }) : null;
  const lastUpdate = last ? { eventAt: last.eventAt, actorSlackId: last.actorSlackId ?? null, message: last.message ?? null } : null;
  const view = incidentModal(args.deps.settings, args.kind, toIncidentFacts(incident), { incident, lastUpdate });
  await args.client.views.open({ trigger_id: args.triggerId, view });
}
