import { Schema, model } from 'mongoose';

/**
 * Exactly-once claims. An insert against the unique `_id` is the only race-free primitive on both MongoDB and
 * FerretDB, so a worker claims `<incident>:<step>:<attempt>:<time window>` before acting outside.
 */
const stepClaimSchema = new Schema(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'step_claims' },
);

export const StepClaim = model('StepClaim', stepClaimSchema);
