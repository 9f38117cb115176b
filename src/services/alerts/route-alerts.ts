import type { Settings } from '../../settings/schema.js';
import { emailDomain } from './email-domain.js';

export interface AlertTarget {
  priority: number;
  businessImpact: string | null;
  projectKey: string;
  reporterEmail: string | null;
}

/**
 * The channels that hear about a new P4–P5 ticket: the first route that matches the priority, business impact and
 * project, plus the channels of the reporter's email domain. (FireFighter meant the same but dropped the domain
 * channels by discarding a set union.)
 */
export function alertChannelsFor(settings: Settings, target: AlertTarget): string[] {
  const route = settings.alerts.routes.find(
    (r) =>
      (!r.priorities || r.priorities.includes(target.priority)) &&
      (!r.businessImpacts || (target.businessImpact !== null && r.businessImpacts.includes(target.businessImpact))) &&
      (!r.projectKeys || r.projectKeys.includes(target.projectKey)),
  );
  const channels = new Set(route?.channels ?? []);
  if (target.reporterEmail) {
    let domain: string | null = null;
    try {
      domain = emailDomain(target.reporterEmail);
    } catch {
      domain = null;
    }
    for (const channel of (domain && settings.alerts.byEmailDomain[domain]) || []) channels.add(channel);
  }
  return [...channels];
}
