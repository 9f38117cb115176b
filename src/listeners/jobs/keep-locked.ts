import type { Job } from 'agenda';
import { renewPeriodically } from '../../services/renew-periodically.js';

/**
 * Renews the job's lock while it runs (every third of its lifetime). Without it, a run longer than the lock would be
 * cancelled and handed to another worker while it is still acting. Returns the function that stops renewing; it
 * waits for a renewal in flight, so none lands after the job has finished.
 */
export function keepLocked(job: Job<unknown>, lockLifetimeMs: number): () => Promise<void> {
  return renewPeriodically(() => job.touch(), Math.max(100, Math.floor(lockLifetimeMs / 3)));
}
