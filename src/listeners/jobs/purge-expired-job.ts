import type { Logger } from '../../logger.js';
import { purgeExpiredRecords } from '../../services/housekeeping/purge-expired-records.js';

/** Hourly: removes expired markers and claims, old reminder claims and old Jira deliveries. Safe to run twice: deleting is idempotent. */
export function purgeExpiredJob(deps: { deliveryRetentionDays: number; logger: Logger; now?: () => Date }) {
  return async (): Promise<void> => {
    const purged = await purgeExpiredRecords({ now: (deps.now ?? (() => new Date()))(), deliveryRetentionDays: deps.deliveryRetentionDays });
    if (Object.values(purged).some((n) => n > 0)) deps.logger.info('expired records purged', { ...purged });
  };
}
