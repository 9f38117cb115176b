import { Schema, model } from 'mongoose';

/**
 * One reminder, claimed before it is posted. The `_id` names the reminder (`update-reminder:<incident>:<due ISO>`,
 * `postmortem-reminder:<incident>`), and an insert against the unique `_id` is the only race-free primitive on both
 * MongoDB and FerretDB: whoever inserts first posts, a duplicate key means another worker has it.
 */
const reminderClaimSchema = new Schema(
  {
    _id: { type: String, required: true },
    incidentId: { type: String, required: true },
    claimedAt: { type: Date, required: true },
    /** Which worker took it, for the logs. */
    owner: { type: String, required: true },
  },
  { versionKey: false, collection: 'reminder_claims' },
);

// Purging old claims (MongoDB; FerretDB scans). A claim is only needed while its due time can come round again.
reminderClaimSchema.index({ claimedAt: 1 });

export const ReminderClaim = model('ReminderClaim', reminderClaimSchema);
