import { Schema, model } from 'mongoose';

/**
 * Loop-prevention markers: "we just wrote this value to Jira (or from Jira)". A marker lives 30 s; it is checked on
 * read against `expiresAt` (no TTL index: FerretDB cannot build one), and purged by a job. The `_id` is the marker key,
 * so two app instances agree on it.
 */
const syncMarkerSchema = new Schema(
  {
    _id: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'sync_markers' },
);

export const SyncMarker = model('SyncMarker', syncMarkerSchema);
