import type { Settings } from '../../settings/schema.js';
import { adfFromText, type AdfDocument } from './adf.js';

/** What the ticket is made from; the same for every priority and every entry point. */
export interface TicketSource {
  incidentId: string;
  number: number;
  title: string;
  description: string;
  priority: number;
  category: string;
  environments: string[];
  platforms: string[];
  businessImpact: string | null;
  featureTeam: string | null;
  reporterName: string | null;
  customer: { zendeskTicketId: string | null };
  seller: { contractId: string | null; zohoDeskTicketId: string | null; isKeyAccount: boolean; isGoldenList: boolean };
}

export interface JiraIssueFields {
  project: { key: string };
  issuetype: { name: string };
  summary: string;
  description: AdfDocument;
  priority: { id: string };
  labels: string[];
  reporter?: { id: string };
  [customField: `customfield_${string}`]: unknown;
}

export function incidentLabel(settings: Settings, incidentId: string): string {
  return `${settings.jira.incidentLabelPrefix}${incidentId}`;
}

/** The project a ticket goes to: P4–P5 follow the chosen feature team's project, everything else the default. */
export function ticketProjectKey(settings: Settings, source: Pick<TicketSource, 'priority' | 'featureTeam'>): string {
  const normal = settings.priorities.find((p) => p.value === source.priority)?.responseType === 'normal';
  const team = normal && source.featureTeam ? settings.featureTeams.find((t) => t.name === source.featureTeam) : undefined;
  return team?.jiraProjectKey ?? settings.jira.projectKey;
}

/** One function prepares the Jira fields for all priorities (FireFighter's `prepare_jira_fields`). */
export function prepareJiraFields(settings: Settings, source: TicketSource, reporterAccountId: string | null): JiraIssueFields {
  const priority = settings.priorities.find((p) => p.value === source.priority);
  if (!priority) throw new Error(`priority ${source.priority} is not in the settings`);
  const category = settings.categoryGroups
    .flatMap((g) => g.categories.map((c) => ({ group: g.name, ...c })))
    .find((c) => c.value === source.category);
  const ids = settings.jira.fields;
  const critical = priority.responseType === 'critical';

  const lines = [
    source.description,
    '',
    `${priority.emoji} Priority: ${priority.name} – ${priority.description}`,
    `📦 Incident category: ${category ? `${category.group} – ${category.name}` : source.category}`,
    `🌍 Environments: ${source.environments.join(', ')}`,
    `🧯 Declared in Slack as incident #${source.number}${source.reporterName ? ` by ${source.reporterName}` : ''}.`,
  ];
  if (source.featureTeam) lines.push(`Suggested team to be routed: ${source.featureTeam}`);

  const labels = [incidentLabel(settings, source.incidentId)];
  if (source.seller.isKeyAccount) labels.push(settings.jira.keyAccountLabel);
  if (source.seller.isGoldenList) labels.push(settings.jira.goldenListLabel);

  const fields: JiraIssueFields = {
    project: { key: ticketProjectKey(settings, source) },
    issuetype: { name: settings.jira.issueType },
    summary: source.title,
    description: adfFromText(lines.join('\n')),
    priority: { id: priority.jiraPriorityId },
    labels,
  };
  if (reporterAccountId) fields.reporter = { id: reporterAccountId };

  const environments = critical ? source.environments.slice(0, 1) : source.environments;
  const set = (id: string | undefined, value: unknown) => {
    if (id && value !== null && value !== undefined && value !== '') fields[id as `customfield_${string}`] = value;
  };
  set(ids.priority, { value: String(priority.value) });
  if (environments.length > 0) set(ids.environments, environments.map((value) => ({ value })));
  const platform = source.platforms[0];
  if (platform) set(ids.platform, { value: platform.replace(/^platform-/, '') });
  if (source.businessImpact) set(ids.businessImpact, { value: source.businessImpact });
  if (category) set(ids.category, { value: category.name });
  set(ids.zendeskTicketId, source.customer.zendeskTicketId);
  set(ids.zohoDeskTicketId, source.seller.zohoDeskTicketId);
  set(ids.sellerContractId, source.seller.contractId);
  if (source.featureTeam) set(ids.suggestedTeam, { value: source.featureTeam });
  return fields;
}
