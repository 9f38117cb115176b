/** Every callback, block and action id the app sends to Slack or listens for. Listeners and views both import these. */
export const CALLBACK = {
  declareModal: 'declare_incident',
} as const;

export const COMMAND = {
  incident: '/incident',
} as const;

export const SHORTCUT = {
  declareIncident: 'declare_incident_shortcut',
} as const;

export const ACTION = {
  impactLevel: 'impact_level',
  category: 'category',
  environments: 'environments',
  platforms: 'platforms',
  title: 'title',
  description: 'description',
  zendeskTicketId: 'zendesk_ticket_id',
  sellerContractId: 'seller_contract_id',
  zohoDeskTicketId: 'zoho_desk_ticket_id',
  sellerFlags: 'seller_flags',
  featureTeam: 'feature_team',
} as const;

export const BLOCK = {
  intro: 'intro',
  impactPrefix: 'impact_',
  priorityPreview: 'priority_preview',
  category: 'category',
  environments: 'environments',
  platforms: 'platforms',
  title: 'title',
  description: 'description',
  zendeskTicketId: 'zendesk_ticket_id',
  sellerContractId: 'seller_contract_id',
  zohoDeskTicketId: 'zoho_desk_ticket_id',
  sellerFlags: 'seller_flags',
  featureTeam: 'feature_team',
} as const;

export const impactBlockId = (impactType: string): string => `${BLOCK.impactPrefix}${impactType}`;

/** Message metadata event types: how a retry recognises a message it already posted. */
export const MESSAGE_EVENT = {
  announcement: 'incident_announcement',
  roles: 'incident_roles',
  commsReminder: 'incident_comms_process',
  ticketCreated: 'incident_ticket_created',
  stepFailed: 'incident_step_failed',
  update: 'incident_update',
  incidentsChannel: 'incident_incidents_channel',
  roleAssigned: 'incident_role_assigned',
  keyEvents: 'incident_key_events',
  reminder: 'incident_update_reminder',
  postmortemReminder: 'incident_postmortem_reminder',
} as const;

/** The incident modals (update, roles, edit, close, status, timeline) and the incident picker. */
export const INCIDENT_CALLBACK = {
  update: 'incident_update',
  roles: 'incident_roles',
  edit: 'incident_edit',
  close: 'incident_close',
  status: 'incident_status',
  timeline: 'incident_timeline',
  select: 'incident_select',
} as const;

export const INCIDENT_BLOCK = {
  status: 'status',
  priority: 'priority',
  category: 'category',
  message: 'message',
  rolePrefix: 'role_',
  title: 'title',
  description: 'description',
  environments: 'environments',
  closureReason: 'closure_reason',
  closureReference: 'closure_reference',
  timelineKind: 'timeline_kind',
  timelineAt: 'timeline_at',
  selectIncident: 'select_incident',
} as const;

export const INCIDENT_ACTION = {
  status: 'status',
  priority: 'priority',
  category: 'category',
  message: 'message',
  role: 'role',
  title: 'title',
  description: 'description',
  environments: 'environments',
  closureReason: 'closure_reason',
  closureReference: 'closure_reference',
  timelineKind: 'timeline_kind',
  timelineAt: 'timeline_at',
  selectIncident: 'select_incident',
} as const;
