import { RefusedError } from '../../errors.js';
import type { Settings } from '../../settings/schema.js';

export type IncidentAction = 'change' | 'close' | 'assign_roles';

export interface AuthorizationSubject {
  number: number;
  reporter: { slackId: string };
  roles: Array<{ role?: string | null; slackId?: string | null }>;
  members: string[];
}

/**
 * Anyone can declare. Changing an incident takes membership of its channel or a role on it; closing it and changing
 * its roles take its commander or an admin of the settings.
 */
export function refusalFor(settings: Settings, incident: AuthorizationSubject, actor: string, action: IncidentAction): string | null {
  if (settings.admins.includes(actor)) return null;
  const commander = incident.roles.find((r) => r.role === 'commander')?.slackId ?? null;
  if (action === 'close' || action === 'assign_roles') {
    if (actor === commander) return null;
    const what = action === 'close' ? 'close' : 'change the roles of';
    return `Only the commander${commander ? ` (<@${commander}>)` : ''} or an admin can ${what} incident #${incident.number}.`;
  }
  const hasRole = incident.roles.some((r) => r.slackId === actor);
  if (hasRole || incident.members.includes(actor) || incident.reporter.slackId === actor) return null;
  return `Only members of incident #${incident.number}'s channel or people with a role on it can change it. Join the channel first.`;
}

export function authorize(settings: Settings, incident: AuthorizationSubject, actor: string, action: IncidentAction): void {
  const refusal = refusalFor(settings, incident, actor, action);
  if (refusal) throw new RefusedError('not_allowed', [refusal]);
}
