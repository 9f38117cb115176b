import { Schema, model, type InferSchemaType } from 'mongoose';

export const LANDBOT_REQUEST_STATES = ['received', 'created', 'failed'] as const;
export type LandbotRequestState = (typeof LANDBOT_REQUEST_STATES)[number];

const attachmentRefusal = new Schema({ url: { type: String, required: true }, reason: { type: String, required: true } }, { _id: false });
const alertPost = new Schema({ channel: { type: String, required: true }, ts: { type: String, required: true } }, { _id: false });

/**
 * One accepted ticket request of the external API. `_id` is the request's id and its exactly-once claim: a hash of
 * the token name and the checked body, with the time window (see submit-landbot-ticket.ts), so a retried request
 * finds the first one instead of making a second ticket. The request is kept as JSON text, so a request whose ticket
 * could not be created at once is created later by the `landbot-ticket` job from exactly what was accepted.
 */
const landbotRequestSchema = new Schema(
  {
    _id: { type: String, required: true },
    tokenName: { type: String, required: true },
    request: { type: String, required: true },
    state: { type: String, enum: LANDBOT_REQUEST_STATES, required: true, default: 'received' },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    reporter: {
      email: { type: String, required: true },
      jiraAccountId: { type: String, default: null },
      /** Which rule found the Jira account (known_user, jira, slack, domain_default, settings_default, none). */
      via: { type: String, default: null },
      slackId: { type: String, default: null },
    },
    ticket: {
      issueId: { type: String, default: null },
      key: { type: String, default: null },
      url: { type: String, default: null },
      projectKey: { type: String, default: null },
      kind: { type: String, default: null },
    },
    attachments: {
      /** File names added to the ticket. */
      added: { type: [String], default: [] },
      refused: { type: [attachmentRefusal], default: [] },
      /** Set once the fetched files were uploaded (or failed), so a rerun does not add them twice. */
      done: { type: Boolean, default: false },
    },
    announce: {
      reporterDmTs: { type: String, default: null },
      alertPosts: { type: [alertPost], default: [] },
      done: { type: Boolean, default: false },
    },
    receivedAt: { type: Date, required: true },
    createdAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'landbot_requests' },
);

landbotRequestSchema.index({ state: 1, receivedAt: 1 });

export type LandbotRequestFields = InferSchemaType<typeof landbotRequestSchema>;
export const LandbotRequest = model('LandbotRequest', landbotRequestSchema);
export type LandbotRequestDocument = InstanceType<typeof LandbotRequest>;
