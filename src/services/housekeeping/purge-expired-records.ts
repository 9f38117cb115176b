import { JiraDelivery } from '../../models/jira-delivery.js';
import { StepClaim } from '../../models/step-claim.js';
import { SyncMarker } from '../../models/sync-marker.js';
import { purgeReminderClaims } from '../reminders/reminder-claims.js';

/** Reminder claims older than this are kept no longer: their due times are recorded on the incidents long since. */
const REMINDER_CLAIM_RETENTION_MS = 30 * 24 * 3600_000;

export interface PurgedCounts {
  syncMarkers: number;
  stepClaims: number;
  jiraDeliveries: number;
  reminderClaims: number;
}

/**
 * Removes records whose purpose is over: echo markers past their window, exactly-once claims a day after they lapsed
 * (a retry never asks for them again), reminder claims older than 30 days, and Jira deliveries applied or ignored longer ago than the retention. The
 * database has no TTL index (FerretDB cannot build one), and every query on these collections reads all of them there.
 * Deliveries not applied yet (received, failed) are kept whatever their age.
 */
export async function purgeExpiredRecords(input: { now: Date; deliveryRetentionDays: number }): Promise<PurgedCounts> {
  const { now } = input;
  const [markers, claims, deliveries, reminderClaims] = await Promise.all([
    SyncMarker.deleteMany({ expiresAt: { $lte: now } }),
    StepClaim.deleteMany({ expiresAt: { $lte: new Date(now.getTime() - 24 * 3600_000) } }),
    JiraDelivery.deleteMany({ state: { $in: ['applied', 'ignored'] }, doneAt: { $lte: new Date(now.getTime() - input.deliveryRetentionDays * 24 * 3600_000) } }),
    purgeReminderClaims(new Date(now.getTime() - REMINDER_CLAIM_RETENTION_MS)),
  ]);
  return { syncMarkers: markers.deletedCount ?? 0, stepClaims: claims.deletedCount ?? 0, jiraDeliveries: deliveries.deletedCount ?? 0, reminderClaims };
}
