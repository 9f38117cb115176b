import { Schema, model, type InferSchemaType } from 'mongoose';

export const DELIVERY_STATES = ['received', 'applied', 'ignored', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * One accepted Jira webhook delivery. `_id` is Jira's `X-Atlassian-Webhook-Identifier` (stable across Jira's own
 * retries) or a SHA-256 of the body, so inserting it is the exactly-once claim: a duplicate key means "already
 * received". The raw body is kept as a string (Jira's keys may hold `.`, which FerretDB cannot store as field names)
 * so a delivery whose application failed can be applied again by the retry job.
 */
const jiraDeliverySchema = new Schema(
  {
    _id: { type: String, required: true },
    route: { type: String, required: true },
    event: { type: String, required: true },
    issueKey: { type: String, required: true },
    body: { type: String, required: true },
    state: { type: String, enum: DELIVERY_STATES, required: true, default: 'received' },
    /** Why it was ignored, or the last error. */
    reason: { type: String, default: null },
    tries: { type: Number, default: 0 },
    receivedAt: { type: Date, required: true },
    doneAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'jira_deliveries' },
);

jiraDeliverySchema.index({ state: 1, receivedAt: 1 });

export type JiraDeliveryFields = InferSchemaType<typeof jiraDeliverySchema>;
export const JiraDelivery = model('JiraDelivery', jiraDeliverySchema);
