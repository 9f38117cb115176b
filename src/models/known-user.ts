import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * A person the app has already matched by email: their Jira account and Slack user. `_id` is the lower-cased email,
 * so the first step of reporter resolution is one `_id` lookup, and recording a person is an upsert on it.
 */
const knownUserSchema = new Schema(
  {
    _id: { type: String, required: true },
    jiraAccountId: { type: String, default: null },
    slackId: { type: String, default: null },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'known_users' },
);

export type KnownUserFields = InferSchemaType<typeof knownUserSchema>;
export const KnownUser = model('KnownUser', knownUserSchema);
