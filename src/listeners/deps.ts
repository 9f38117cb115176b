import type { Logger } from '../logger.js';
import type { Settings } from '../settings/schema.js';
import type { Acceptance, AcceptDeclarationInput } from '../services/incidents/accept-declaration.js';
import type { IncidentDocument } from '../models/incident.js';
import type { UpdateIncidentInput } from '../services/incidents/update-incident.js';
import type { AddMessageToTimelineInput, TimelineOutcome } from '../services/timeline/add-message-to-timeline.js';
import type { TrackMembershipInput } from '../services/incidents/track-membership.js';

/** What Slack listeners may use: the settings, the logger and the services, already wired with their collaborators. */
export interface ListenerDeps {
  settings: Settings;
  logger: Logger;
  services: {
    acceptDeclaration(input: AcceptDeclarationInput): Promise<Acceptance>;
    updateIncident(input: UpdateIncidentInput): Promise<{ incident: IncidentDocument; updateId: string | null }>;
    findIncidentByChannel(channelId: string): Promise<IncidentDocument | null>;
    findIncidentById(incidentId: string): Promise<IncidentDocument | null>;
    listOpenIncidents(): Promise<Array<{ id: string; number: number; title: string }>>;
    addMessageToTimeline(input: AddMessageToTimelineInput): Promise<TimelineOutcome>;
    describeMessageForDeclaration(input: { channel: string; ts: string; text: string }): Promise<string>;
    trackMembership(input: TrackMembershipInput): Promise<{ incidentNumber: number } | null>;
  };
}
