import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';

export const INCIDENT_STATUSES = ['OPEN', 'INVESTIGATING', 'MITIGATING', 'MITIGATED', 'POST_MORTEM', 'CLOSED'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const DECLARE_STEPS = ['channel', 'channel_setup', 'jira_ticket', 'jira_links', 'notify'] as const;
export type DeclareStep = (typeof DECLARE_STEPS)[number];
export const STEP_STATES = ['pending', 'done', 'failed', 'skipped'] as const;

const stepSchema = new Schema(
  {
    state: { type: String, enum: STEP_STATES, required: true, default: 'pending' },
    attempts: { type: Number, required: true, default: 0 },
    lastError: { type: String, default: null },
    doneAt: { type: Date, default: null },
  },
  { _id: false },
);

const incidentSchema = new Schema(
  {
    number: { type: Number, required: true },
    /** Natural key of the declaration (the Slack view id): a re-delivered submission never makes a second incident. */
    submissionKey: { type: String, required: true },
    title: { type: String, required: true },
    description: { type: String, required: true },
    status: { type: String, enum: INCIDENT_STATUSES, required: true, default: 'OPEN' },
    priority: { type: Number, required: true, min: 1, max: 5 },
    impacts: { type: [{ impactType: String, level: String, _id: false }], default: [] },
    businessImpact: { type: String, default: null },
    category: { type: String, required: true },
    environments: { type: [String], required: true },
    platforms: { type: [String], default: [] },
    customer: { zendeskTicketId: { type: String, default: null } },
    seller: {
      contractId: { type: String, default: null },
      zohoDeskTicketId: { type: String, default: null },
      isKeyAccount: { type: Boolean, default: false },
      isGoldenList: { type: Boolean, default: false },
    },
    featureTeam: { type: String, default: null },
    private: { type: Boolean, default: false },
    reporter: {
      type: new Schema(
        {
          slackId: { type: String, required: true },
          name: { type: String, default: null },
          email: { type: String, default: null },
        },
        { _id: false },
      ),
      required: true,
    },
    roles: { type: [{ role: String, slackId: String, _id: false }], default: [] },
    milestones: {
      started: { type: Date, default: null },
      detected: { type: Date, default: null },
      declared: { type: Date, required: true },
      mitigated: { type: Date, default: null },
      recovered: { type: Date, default: null },
      resolved: { type: Date, default: null },
    },
    channel: {
      id: { type: String, default: null },
      name: { type: String, default: null },
      archived: { type: Boolean, default: false },
    },
    closure: {
      reason: { type: String, default: null },
      reference: { type: String, default: null },
    },
    /** The last time someone posted an update (a status change or a message): the update reminder counts from it. */
    lastUpdateAt: { type: Date, default: null },
    /** What the reminder jobs did (src/services/reminders): the last update reminder, a snooze, the post-mortem reminder. */
    reminders: {
      lastReminderAt: { type: Date, default: null },
      snoozedUntil: { type: Date, default: null },
      postmortemReminderAt: { type: Date, default: null },
    },
    /** Members of the incident channel and role holders, kept from Slack events and invites; drives "my incidents". */
    members: { type: [String], default: [] },
    jira: {
      key: { type: String, default: null },
      url: { type: String, default: null },
    },
    /** The Jira post-mortem issue of a P1/P2 (services/jira/create-postmortem.ts) and what was done with it. */
    postmortem: {
      key: { type: String, default: null },
      url: { type: String, default: null },
      linked: { type: Boolean, default: false },
      assigned: { type: Boolean, default: false },
      messageTs: { type: String, default: null },
      pinned: { type: Boolean, default: false },
    },
    /** What each declare step has already done outside, so a retry or a restart never does it twice. */
    effects: {
      topicSet: { type: Boolean, default: false },
      reporterInvited: { type: Boolean, default: false },
      announcementTs: { type: String, default: null },
      announcementPinned: { type: Boolean, default: false },
      rolesMessageTs: { type: String, default: null },
      commsReminderTs: { type: String, default: null },
      incidentsChannelTs: { type: String, default: null },
      keyEventsTs: { type: String, default: null },
      jiraWatcherAdded: { type: Boolean, default: false },
      jiraRemoteLinkAdded: { type: Boolean, default: false },
      jiraBookmarkAdded: { type: Boolean, default: false },
      announcementShowsJira: { type: Boolean, default: false },
      reporterDmTs: { type: String, default: null },
      alertPosts: { type: [{ channel: String, ts: String, _id: false }], default: [] },
    },
    steps: {
      type: new Schema(
        {
          channel: { type: stepSchema, required: true },
          channel_setup: { type: stepSchema, required: true },
          jira_ticket: { type: stepSchema, required: true },
          jira_links: { type: stepSchema, required: true },
          notify: { type: stepSchema, required: true },
        },
        { _id: false },
      ),
      required: true,
    },
  },
  { timestamps: true, collection: 'incidents' },
);

incidentSchema.index({ number: 1 }, { unique: true });
incidentSchema.index({ submissionKey: 1 }, { unique: true });
incidentSchema.index({ status: 1, priority: 1 });
incidentSchema.index({ 'channel.id': 1 });
// The post-mortem reminder scan (status in MITIGATED/POST_MORTEM, mitigated before a cutoff); the update reminder scan
// uses { status, priority }. MongoDB only: FerretDB's engine uses no index but `_id`.
incidentSchema.index({ status: 1, 'milestones.mitigated': 1 });
// The Home board (services/home/build-home-data.ts): the month's incidents, and the latest low-priority tickets.
// MongoDB only, as above; on FerretDB the Home reads the stored board (models/home-snapshot.ts) instead.
incidentSchema.index({ 'milestones.declared': -1 });
incidentSchema.index({ priority: 1, 'milestones.declared': -1 });

export type IncidentFields = InferSchemaType<typeof incidentSchema>;
export type IncidentDocument = HydratedDocument<IncidentFields>;
export const Incident = model('Incident', incidentSchema);
