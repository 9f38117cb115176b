import type { webApi } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { IncidentUpdate } from '../models/incident-update.js';
import { incidentModal, type IncidentModalKind } from '../views/incident-modals.js';
import { toIncidentFacts } from '../services/incidents/incident-facts.js';
import type { ListenerDeps } from './deps.js';
import type { IncidentDocument } from '../models/incident.js';
import { refusalFor, type IncidentAction } from '../services/incidents/authorize.js';

export type { IncidentModalKind };

/** What each modal lets its user do to the incident; the status recap is read-only and open to anyone. */
const ACTION_OF_MODAL: Record<IncidentModalKind, IncidentAction | null> = {
  update: 'change',
  edit: 'change',
  timeline: 'change',
  close: 'close',
  roles: 'assign_roles',
  status: null,
};

/** Why this user may not open this modal of this incident, or null. Every entry point asks before opening one. */
export function refusalToOpen(deps: ListenerDeps, incident: IncidentDocument, userId: string, kind: IncidentModalKind): string | null {
  const action = ACTION_OF_MODAL[kind];
  return action ? refusalFor(deps.settings, incident, userId, action) : null;
}

/** The modal of one kind for one incident, or null when the incident does not exist. */
export async function buildIncidentModal(deps: ListenerDeps, incidentId: string, kind: IncidentModalKind): Promise<ModalView | null> {
  const incident = await deps.services.findIncidentById(incidentId);
  if (!incident) return null;
  const last = kind === 'status' ? await IncidentUpdate.findOne({ incidentId: incident._id, message: { $ne: null } }).sort({ eventAt: -1 }) : null;
  const lastUpdate = last ? { eventAt: last.eventAt, actorSlackId: last.actorSlackId ?? null, message: last.message ?? null } : null;
  return incidentModal(deps.settings, kind, toIncidentFacts(incident), { incident, lastUpdate });
}

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
  const view = await buildIncidentModal(args.deps, args.incidentId, args.kind);
  if (view) await args.client.views.open({ trigger_id: args.triggerId, view });
}
