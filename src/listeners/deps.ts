import type { Logger } from '../logger.js';
import type { Settings } from '../settings/schema.js';
import type { DeclareIncidentInput } from '../services/incidents/declare-incident.js';
import type { IncidentDocument } from '../models/incident.js';
import type { UpdateIncidentInput } from '../services/incidents/update-incident.js';

/** What Slack listeners may use: the settings, the logger and the services, already wired with their collaborators. */
export interface ListenerDeps {
  settings: Settings;
  logger: Logger;
  services: {
    declareIncident(input: DeclareIncidentInput): Promise<{ incident: IncidentDocument; created: boolean }>;
    updateIncident(input: UpdateIncidentInput): Promise<{ incident: IncidentDocument; updateId: string | null }>;
  };
}
