import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * Who opened the app's Home tab, and when last: the Home tabs to refresh after an incident changes. The `_id` is the
 * Slack user id, so it is unique by construction and the upsert on every `app_home_opened` is a primary-key write.
 * The refresh drops viewers older than a day: FerretDB reads the whole collection even by `_id`, so it stays small.
 */
const homeViewerSchema = new Schema(
  {
    _id: { type: String, required: true },
    lastOpenedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'home_viewers' },
);

// The refresh picks the most recent viewers of the last 24 hours (MongoDB uses it; FerretDB scans, the collection is small).
homeViewerSchema.index({ lastOpenedAt: -1 });

export type HomeViewerFields = InferSchemaType<typeof homeViewerSchema>;
export const HomeViewer = model('HomeViewer', homeViewerSchema);
