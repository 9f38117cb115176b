import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * An incident whose changes did not reach Jira after the last try of their job (Jira down for longer than the
 * retries). `_id` is the incident id: one entry per incident, however many changes wait. A sweep queues a write of
 * them again; the entry goes when they are written. Small by design, so the sweep reads little.
 */
const jiraSyncBacklogSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** The latest change that gave up; the write of it carries every earlier pending change of the incident. */
    updateId: { type: String, required: true },
    since: { type: Date, required: true },
    lastError: { type: String, default: null },
  },
  { versionKey: false, collection: 'jira_sync_backlog' },
);

export type JiraSyncBacklogFields = InferSchemaType<typeof jiraSyncBacklogSchema>;
export const JiraSyncBacklog = model('JiraSyncBacklog', jiraSyncBacklogSchema);
