import { randomUUID } from 'node:crypto';
import { ReminderClaim } from '../../models/reminder-claim.js';

/** This process, in the claims it takes (for the logs). */
const OWNER = `${process.pid}:${randomUUID().slice(0, 8)}`;

export const updateReminderKey = (incidentId: string, dueAt: Date): string => `update-reminder:${incidentId}:${dueAt.toISOString()}`;
export const postmortemReminderKey = (incidentId: string): string => `postmortem-reminder:${incidentId}`;

export type ClaimOutcome = { claimed: true } | { claimed: false; claimedAt: Date | null };

/** Takes a reminder before posting it. A duplicate key means another worker took it first (or earlier). */
export async function claimReminder(key: string, incidentId: string, now: Date): Promise<ClaimOutcome> {
  try {
    await ReminderClaim.create({ _id: key, incidentId, claimedAt: now, owner: OWNER });
    return { claimed: true };
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
    const held = await ReminderClaim.findById(key, { claimedAt: 1 }).lean();
    return { claimed: false, claimedAt: held?.claimedAt ?? null };
  }
}

/** Gives a reminder back after Slack answered that it did not post it, so the next scan tries again. */
export async function releaseReminder(key: string): Promise<void> {
  await ReminderClaim.deleteOne({ _id: key });
}

/** Claims older than this can no longer matter: their due times are long past and recorded on the incidents. */
export async function purgeReminderClaims(before: Date): Promise<number> {
  const { deletedCount } = await ReminderClaim.deleteMany({ claimedAt: { $lt: before } });
  return deletedCount;
}
