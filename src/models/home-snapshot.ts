import { Schema, model } from 'mongoose';

/**
 * The last computed Home board (open incidents, latest low-priority tickets, the month's figures), shared by every
 * app instance. Opening the Home reads this one-document collection instead of querying the incidents: on FerretDB
 * every read of the incidents collection scans it, even by `_id` (about a second at 10,000 incidents, and tens of
 * seconds for a filter on other fields). It is recomputed from the incidents after every change (see
 * services/home/refresh-home-tabs.ts), so it is a cache, never a source of truth.
 *
 * `payload` is the board as JSON: one string field costs the database nothing to decode, where a few hundred
 * sub-documents would cost it tens of milliseconds on every read.
 */
const homeSnapshotSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** When the computation that produced it started reading: an older computation never overwrites a newer one. */
    computedAt: { type: Date, required: true },
    payload: { type: String, required: true },
  },
  { versionKey: false, collection: 'home_snapshots' },
);

export const HomeSnapshot = model('HomeSnapshot', homeSnapshotSchema);
