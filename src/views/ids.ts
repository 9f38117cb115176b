/** Every callback, block and action id the app sends to Slack or listens for. Listeners and views both import these. */
export const CALLBACK = {
  declareModal: 'declare_incident',
} as const;

export const COMMAND = {
  incident: '/incident',
} as const;

export const SHORTCUT = {
  declareIncident: 'declare_incident_shortcut',
  /** Message shortcuts. */
  declareFromMessage: 'declare_incident_from_message',
  addToTimeline: 'add_message_to_timeline',
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
  postmortemCreated: 'incident_postmortem_created',
  externalTicketCreated: 'external_ticket_created',
  externalTicketFailed: 'external_ticket_failed',
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

/** The buttons of the update and post-mortem reminders; each snooze length is its own button, so its own action id. */
export const REMINDER_ACTION = {
  updateNow: 'reminder_update_now',
  snoozePrefix: 'reminder_snooze_',
} as const;

export const REMINDER_BLOCK = {
  text: 'reminder_text',
  snoozed: 'reminder_snoozed',
  actions: 'reminder_actions',
} as const;

export const reminderSnoozeActionId = (minutes: number): string => `${REMINDER_ACTION.snoozePrefix}${minutes}`;
/** Every snooze button, for the one listener that handles them all. */
export const REMINDER_SNOOZE_ACTION = /^reminder_snooze_\d+$/;

/** "Add to incident timeline" from a channel that is not an incident's: which incident? */
export const TIMELINE_CALLBACK = {
  pickIncident: 'timeline_message_pick_incident',
} as const;

export const TIMELINE_BLOCK = {
  message: 'timeline_message',
  incident: 'timeline_message_incident',
} as const;

export const TIMELINE_ACTION = {
  incident: 'timeline_message_incident',
} as const;

/** The date-time pickers and the close button of the key events message. */
export const KEY_EVENT_ACTION = {
  started: 'key_event_started',
  detected: 'key_event_detected',
  recovered: 'key_event_recovered',
  close: 'key_events_close',
} as const;
export const KEY_EVENT_ACTION_PATTERN = /^key_event_(started|detected|recovered)$/;

/** The Home tab: its declare button, and the overflow menu of each incident (value `<kind>:<incidentId>`). */
export const HOME_ACTION = {
  declare: 'home_declare',
  incidentMenu: 'home_incident_menu',
} as const;

export const HOME_BLOCK = {
  declare: 'home_declare',
  /** + incident id: an incident can be listed both under "my" and under "all" open incidents, and block ids must differ. */
  minePrefix: 'home_mine_',
  openPrefix: 'home_open_',
} as const;
