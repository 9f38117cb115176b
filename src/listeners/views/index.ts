import type { App } from '@slack/bolt';
import { CALLBACK, INCIDENT_CALLBACK, TIMELINE_CALLBACK } from '../../views/ids.js';
import type { ListenerDeps } from '../deps.js';
import { declareSubmitted } from './declare-submitted.js';
import { closeSubmitted } from './close-submitted.js';
import { editSubmitted } from './edit-submitted.js';
import { rolesSubmitted } from './roles-submitted.js';
import { timelineSubmitted } from './timeline-submitted.js';
import { updateSubmitted } from './update-submitted.js';
import { incidentSelectSubmitted } from './incident-select-submitted.js';
import { timelineIncidentPicked } from './timeline-incident-picked.js';

export function registerViews(app: App, deps: ListenerDeps): void {
  app.view(CALLBACK.declareModal, declareSubmitted(deps));
  app.view(INCIDENT_CALLBACK.update, updateSubmitted(deps));
  app.view(INCIDENT_CALLBACK.roles, rolesSubmitted(deps));
  app.view(INCIDENT_CALLBACK.edit, editSubmitted(deps));
  app.view(INCIDENT_CALLBACK.close, closeSubmitted(deps));
  app.view(INCIDENT_CALLBACK.timeline, timelineSubmitted(deps));
  app.view(INCIDENT_CALLBACK.select, incidentSelectSubmitted(deps));
  app.view(TIMELINE_CALLBACK.pickIncident, timelineIncidentPicked(deps));
}
