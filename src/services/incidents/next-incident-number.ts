import { Counter } from '../../models/counter.js';

const COUNTER = 'incident_number';

/**
 * The next incident number. `$inc` is atomic on MongoDB; on FerretDB it is only safe within one connection, so the
 * incident's unique index on `number` is the real guard and the caller retries on a duplicate.
 */
export async function nextIncidentNumber(): Promise<number> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const doc = await Counter.findOneAndUpdate({ _id: COUNTER }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }).lean();
      if (doc) return doc.seq;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
  }
  throw new Error('could not allocate an incident number');
}
