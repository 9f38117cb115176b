import type { IncidentDocument } from '../../models/incident.js';
import type { IncidentFacts } from '../../views/incident-messages.js';

export function toIncidentFacts(incident: IncidentDocument): IncidentFacts {
  return {
    id: incident._id.toString(),
    number: incident.number,
    title: incident.title,
    description: incident.description,
    status: incident.status,
    priority: incident.priority,
    category: incident.category,
    environments: [...incident.environments],
    platforms: [...incident.platforms],
    businessImpact: incident.businessImpact ?? null,
    reporterSlackId: incident.reporter.slackId,
    roles: incident.roles.map((r) => ({ role: r.role ?? '', slackId: r.slackId ?? '' })),
    jira: incident.jira?.key && incident.jira.url ? { key: incident.jira.key, url: incident.jira.url } : null,
    channelId: incident.channel?.id ?? null,
    customer: { zendeskTicketId: incident.customer?.zendeskTicketId ?? null },
    seller: {
      contractId: incident.seller?.contractId ?? null,
      zohoDeskTicketId: incident.seller?.zohoDeskTicketId ?? null,
      isKeyAccount: incident.seller?.isKeyAccount ?? false,
      isGoldenList: incident.seller?.isGoldenList ?? false,
    },
  };
}
