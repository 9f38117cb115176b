import type { Job } from 'agenda';
import { z } from 'zod';
import { rememberUnsyncedChange } from '../../services/jira/jira-sync-backlog.js';
import { keepLocked } from './keep-locked.js';
import { syncIncidentChangeToJira, type JiraSyncDeps } from '../../services/jira/sync-incident-to-jira.js';

const jiraSyncData = z.object({
  incidentId: z.string().regex(/^[a-f0-9]{24}$/),
  updateId: z.string().regex(/^[a-f0-9]{24}$/),
});

export type JiraSyncData = z.infer<typeof jiraSyncData>;

/**
 * Writes one recorded change to the incident's Jira ticket (and makes the post-mortem of a P1/P2 at MITIGATED).
 * Safe to run twice: what was written is recorded on the update. After the last try the change stays pending in the
 * incident's backlog entry: the backlog sweep (requeue-jira-sync-job.ts), or the incident's next change, writes it.
 */
export function jiraSyncJob(deps: JiraSyncDeps, maxAttempts: number, lockLifetimeMs: number) {
  return async (job: Job<JiraSyncData>): Promise<void> => {
    const data = jiraSyncData.safeParse(job.attrs.data);
    if (!data.success) {
      deps.logger.error('jira sync job has bad data; dropped', { job: job.attrs.name });
      return;
    }
    const attempt = (job.attrs.failCount ?? 0) + 1;
    // A walk through the workflow makes several calls: keep the lock, or Agenda would cancel and rerun it meanwhile.
    const release = keepLocked(job, lockLifetimeMs);
    try {
      await syncIncidentChangeToJira(deps, data.data.incidentId, data.data.updateId, attempt);
    } catch (error) {
      if (attempt < maxAttempts) {
        deps.logger.warn('incident change not written to Jira yet; will retry', { job: job.attrs.name, incidentId: data.data.incidentId, attempt, error: (error as Error).message });
        throw error;
      }
      deps.logger.error('incident change not written to Jira after the last try; the backlog sweep will try again', { job: job.attrs.name, incidentId: data.data.incidentId, error: (error as Error).message });
      await rememberUnsyncedChange({ ...data.data, error: (error as Error).message, now: (deps.now ?? (() => new Date()))() });
    } finally {
      await release();
    }
  };
}
