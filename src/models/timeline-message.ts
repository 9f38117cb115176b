import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * A Slack message already put on an incident's timeline. The `_id` is `<incidentId>:<channel>:<ts>`: inserting it is
 * the claim, so the same message lands once per incident however it is added (shortcut, reaction, twice at once). On
 * FerretDB only an insert against a unique index is race-free, and unique indexes skip documents missing a field, so
 * the key is the always-present `_id`.
 */
const timelineMessageSchema = new Schema(
  {
    _id: { type: String, required: true },
    incidentId: { type: Schema.Types.ObjectId, ref: 'Incident', required: true },
    channel: { type: String, required: true },
    ts: { type: String, required: true },
    /** The timeline entry made for it, chosen before the claim so a retry after a crash completes the same entry. */
    updateId: { type: Schema.Types.ObjectId, ref: 'IncidentUpdate', required: true },
    addedBy: { type: String, required: true },
    addedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'timeline_messages' },
);

export const timelineMessageKey = (incidentId: string, channel: string, ts: string): string => `${incidentId}:${channel}:${ts}`;

export type TimelineMessageFields = InferSchemaType<typeof timelineMessageSchema>;
export const TimelineMessage = model('TimelineMessage', timelineMessageSchema);
