import type { Job } from 'agenda';

/**
 * Renews the job's lock while it runs (every third of its lifetime). Without it, a run longer than the lock would be
 * cancelled and handed to another worker while it is still acting. Returns the function that stops renewing.
 */
export function keepLocked(job: Job<unknown>, lockLifetimeMs: number): () => void {
  const timer = setInterval(() => void job.touch().catch(() => undefined), Math.max(100, Math.floor(lockLifetimeMs / 3)));
  return () => clearInterval(timer);
}
