import { Schema, model } from 'mongoose';

/**
 * Exactly-once claims and leases. An insert against the unique `_id` is the only race-free primitive on both MongoDB
 * and FerretDB: a declare step is leased as `<incident>:<step>#<n>` (its holder pushes `expiresAt` on while it acts,
 * see services/incidents/step-lease.ts), and one-off actions (a Landbot try, a delivery retry) claim a key of their own.
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
