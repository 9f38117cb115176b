import type { Settings } from '../../settings/schema.js';
import { emailDomain } from '../alerts/email-domain.js';
import { adfFromText } from '../jira/adf.js';
import type { JiraIssueFields } from '../jira/prepare-jira-fields.js';
import type { RefusedAttachment } from './attachment-types.js';
import type { LandbotTicketRequest } from './ticket-request-schema.js';

/** FireFighter's five kinds of ticket (`create_issue_customer`, `_seller`, `_internal`, `_documentation_request`, `_feature_request`). */
export const TICKET_KINDS = ['customer', 'seller', 'internal', 'documentation_request', 'feature_request'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

/** What a request holds beyond summary, description, reporter, priority, labels and platform (which every kind has). */
type KindField = 'businessImpact' | 'suggestedTeam' | 'incidentCategory' | 'environments' | 'zendeskTicketId' | 'sellerContractId' | 'zohoDeskTicketId';

const INCIDENT_FIELDS: KindField[] = ['businessImpact', 'suggestedTeam', 'incidentCategory', 'environments'];

/** The fields each kind carries, as FireFighter's create functions list them (environments as its bot endpoint sends them). */
export const KIND_FIELDS: Record<TicketKind, KindField[]> = {
  customer: [...INCIDENT_FIELDS, 'zendeskTicketId'],
  seller: [...INCIDENT_FIELDS, 'sellerContractId', 'zohoDeskTicketId'],
  internal: INCIDENT_FIELDS,
  documentation_request: [],
  feature_request: [],
};

const FIELD_LABELS: Record<KindField, string> = {
  businessImpact: 'Business impact',
  suggestedTeam: 'Suggested team to be routed',
  incidentCategory: 'Incident category',
  environments: 'Environments',
  zendeskTicketId: 'Zendesk ticket',
  sellerContractId: 'Seller contract id',
  zohoDeskTicketId: 'Zoho Desk ticket',
};

/**
 * Documentation/process and feature requests are their own kinds; an incident (or service request) is a seller
 * ticket when it names a seller contract or a Zoho Desk ticket, a customer ticket when it names a Zendesk ticket,
 * otherwise an internal one.
 */
export function ticketKindOf(request: Pick<LandbotTicketRequest, 'issueType' | 'sellerContractId' | 'zohoDeskTicketId' | 'zendeskTicketId'>): TicketKind {
  if (request.issueType === 'Documentation/Process Request') return 'documentation_request';
  if (request.issueType === 'Feature Request') return 'feature_request';
  if (request.sellerContractId || request.zohoDeskTicketId) return 'seller';
  if (request.zendeskTicketId) return 'customer';
  return 'internal';
}

export function jiraIssueTypeOf(settings: Settings, request: Pick<LandbotTicketRequest, 'issueType'>): string {
  const types = settings.landbot.issueTypes;
  switch (request.issueType) {
    case 'Documentation/Process Request':
      return types.documentationRequest;
    case 'Feature Request':
      return types.featureRequest;
    case 'Service Request':
      return types.serviceRequest;
    default:
      return types.incident;
  }
}

/** The request's priority, or the settings' default when it gives none. */
export function ticketPriorityOf(settings: Settings, request: Pick<LandbotTicketRequest, 'priority'>): number {
  return request.priority ?? settings.landbot.defaultPriority;
}

/** The named project, else the suggested team's, else the ticket API's default, else the incident project. */
export function ticketProjectOf(settings: Settings, request: Pick<LandbotTicketRequest, 'projectKey' | 'suggestedTeam'>): string {
  if (request.projectKey) return request.projectKey;
  const team = request.suggestedTeam?.toLowerCase();
  const teamProject = team ? settings.featureTeams.find((t) => t.name.toLowerCase() === team || t.jiraProjectKey.toLowerCase() === team)?.jiraProjectKey : undefined;
  return teamProject ?? settings.landbot.projectKey ?? settings.jira.projectKey;
}

export function requestLabel(settings: Settings, requestId: string): string {
  return `${settings.landbot.requestLabelPrefix}${requestId}`;
}

export interface LandbotTicketNotes {
  /** Attachments that could not be added, listed in the description so the reader knows what is missing. */
  refusedAttachments: RefusedAttachment[];
}

/** The Jira fields of a request's ticket: one function for the five kinds, custom field ids from the settings. */
export function prepareLandbotFields(
  settings: Settings,
  input: { requestId: string; request: LandbotTicketRequest; reporterAccountId: string | null; notes: LandbotTicketNotes },
): { kind: TicketKind; fields: JiraIssueFields } {
  const { request } = input;
  const kind = ticketKindOf(request);
  const carried = new Set(KIND_FIELDS[kind]);
  const priorityValue = ticketPriorityOf(settings, request);
  const priority = settings.priorities.find((p) => p.value === priorityValue);
  if (!priority) throw new Error(`priority ${priorityValue} is not in the settings`);
  const ids = settings.jira.fields;

  const labels = [...new Set([...request.labels, requestLabel(settings, input.requestId)])];
  if (kind === 'documentation_request') labels.push(settings.landbot.kindLabels.documentationRequest);
  if (kind === 'feature_request') labels.push(settings.landbot.kindLabels.featureRequest);

  const fields: JiraIssueFields = {
    project: { key: ticketProjectOf(settings, request) },
    issuetype: { name: jiraIssueTypeOf(settings, request) },
    summary: request.summary,
    description: adfFromText(describeTicket(settings, request, kind, input.notes)),
    priority: { id: priority.jiraPriorityId },
    labels: [...new Set(labels)],
  };
  if (input.reporterAccountId) fields.reporter = { id: input.reporterAccountId };
  const set = (id: string | undefined, value: unknown) => {
    if (id && value !== null && value !== undefined && value !== '') fields[id as `customfield_${string}`] = value;
  };
  set(ids.priority, { value: String(priority.value) });
  set(ids.platform, { value: request.platform });
  if (carried.has('businessImpact') && request.businessImpact) set(ids.businessImpact, { value: request.businessImpact });
  if (carried.has('suggestedTeam') && request.suggestedTeam) set(ids.suggestedTeam, { value: request.suggestedTeam });
  if (carried.has('incidentCategory') && request.incidentCategory) set(ids.category, { value: categoryName(settings, request.incidentCategory) });
  if (carried.has('environments') && request.environments.length > 0) set(ids.environments, request.environments.map((value) => ({ value })));
  if (carried.has('zendeskTicketId')) set(ids.zendeskTicketId, request.zendeskTicketId);
  if (carried.has('sellerContractId')) set(ids.sellerContractId, request.sellerContractId);
  if (carried.has('zohoDeskTicketId')) set(ids.zohoDeskTicketId, request.zohoDeskTicketId);
  return { kind, fields };
}

/**
 * The description: the reporter's text, what the request said that the kind has no field for (so nothing given is
 * lost), the suggested team and seller link, the attachments that could not be added, and where the ticket came from.
 */
export function describeTicket(settings: Settings, request: LandbotTicketRequest, kind: TicketKind, notes: LandbotTicketNotes): string {
  const carried = new Set(KIND_FIELDS[kind]);
  const extra: string[] = [];
  const given: Record<KindField, string | null> = {
    businessImpact: request.businessImpact,
    suggestedTeam: request.suggestedTeam,
    incidentCategory: request.incidentCategory,
    environments: request.environments.filter((e) => e !== '-').join(', ') || null,
    zendeskTicketId: request.zendeskTicketId,
    sellerContractId: request.sellerContractId,
    zohoDeskTicketId: request.zohoDeskTicketId,
  };
  for (const [field, value] of Object.entries(given) as Array<[KindField, string | null]>) {
    // The suggested team is always written out: the team reading the ticket is the one it names.
    if (value && (!carried.has(field) || field === 'suggestedTeam')) extra.push(`${FIELD_LABELS[field]}: ${value}`);
  }
  if (kind === 'seller' && request.sellerContractId && settings.landbot.sellerLinkTemplate) {
    extra.push(`Seller link: ${settings.landbot.sellerLinkTemplate.replace('{sellerId}', encodeURIComponent(request.sellerContractId))}`);
  }

  const lines = [request.description];
  if (extra.length > 0) lines.push('', 'Additional information', ...extra);
  if (notes.refusedAttachments.length > 0) {
    lines.push('', 'Attachments that could not be added:', ...notes.refusedAttachments.map((a) => `- ${a.url}: ${a.reason}`));
  }
  lines.push('', settings.landbot.originUrl ? `${settings.landbot.originNote} ${settings.landbot.originUrl}` : settings.landbot.originNote);
  if (!isInternalEmail(settings, request.reporterEmail)) lines.push(`Reporter email: ${request.reporterEmail}`);
  return lines.join('\n');
}

export function isInternalEmail(settings: Settings, email: string): boolean {
  return settings.landbot.internalEmailDomains.includes(emailDomain(email, 'reporter_email'));
}

function categoryName(settings: Settings, given: string): string {
  const wanted = given.toLowerCase();
  const known = settings.categoryGroups.flatMap((g) => g.categories).find((c) => c.value === wanted || c.name.toLowerCase() === wanted);
  return known?.name ?? given;
}
