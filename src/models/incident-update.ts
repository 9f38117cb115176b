import { Schema, model, type InferSchemaType } from 'mongoose';

/** The append-only timeline: every change to an incident, who made it, from where, and why. */
const incidentUpdateSchema = new Schema(
  {
    incidentId: { type: Schema.Types.ObjectId, ref: 'Incident', required: true },
    eventType: { type: String, required: true },
    eventAt: { type: Date, required: true },
    origin: { type: String, enum: ['slack', 'jira', 'system'], required: true },
    actorSlackId: { type: String, default: null },
    message: { type: String, default: null },
    changes: { type: Schema.Types.Mixed, default: {} },
    /** For a Slack message put on the timeline (eventType `message`): where it is and who wrote it. */
    source: {
      type: new Schema(
        {
          channel: { type: String, required: true },
          ts: { type: String, required: true },
          author: { type: String, default: null },
          permalink: { type: String, default: null },
        },
        { _id: false },
      ),
      default: null,
    },
    /** What publishing this change in Slack has already done, so a retried job does not do it twice. */
    effects: {
      channelMessageTs: { type: String, default: null },
      topicSet: { type: Boolean, default: false },
      renamed: { type: Boolean, default: false },
      announcementTs: { type: String, default: null },
      rolesNotified: { type: [String], default: [] },
      archived: { type: Boolean, default: false },
      published: { type: Boolean, default: false },
      /** Sync to Jira (services/jira/sync-incident-to-jira.ts): pending once queued, then done or failed; the fields already written. */
      jiraSync: { type: String, enum: ['pending', 'done', 'failed', null], default: null },
      jiraSyncedFields: { type: [String], default: [] },
    },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'incident_updates' },
);

incidentUpdateSchema.index({ incidentId: 1, eventAt: 1 });

export type IncidentUpdateFields = InferSchemaType<typeof incidentUpdateSchema>;
export const IncidentUpdate = model('IncidentUpdate', incidentUpdateSchema);
