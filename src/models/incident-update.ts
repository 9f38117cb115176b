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
    /** What publishing this change in Slack has already done, so a retried job does not do it twice. */
    effects: {
      channelMessageTs: { type: String, default: null },
      topicSet: { type: Boolean, default: false },
      renamed: { type: Boolean, default: false },
      announcementTs: { type: String, default: null },
      rolesNotified: { type: [String], default: [] },
      archived: { type: Boolean, default: false },
      published: { type: Boolean, default: false },
    },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'incident_updates' },
);

incidentUpdateSchema.index({ incidentId: 1, eventAt: 1 });

export type IncidentUpdateFields = InferSchemaType<typeof incidentUpdateSchema>;
export const IncidentUpdate = model('IncidentUpdate', incidentUpdateSchema);
