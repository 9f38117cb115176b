import type { Job } from 'agenda';
import { z } from 'zod';
import { publishIncidentChange, type PublishDeps } from '../../services/incidents/publish-change.js';

const publishChangeData = z.object({
  incidentId: z.string().regex(/^[a-f0-9]{24}$/),
  updateId: z.string().regex(/^[a-f0-9]{24}$/),
});

export type PublishChangeData = z.infer<typeof publishChangeData>;

/** Shows one recorded change in Slack. Safe to run twice: every effect is recorded on the update as it happens. */
export function publishChangeJob(deps: PublishDeps, maxAttempts: number) {
  return async (job: Job<PublishChangeData>): Promise<void> => {
    const data = publishChangeData.safeParse(job.attrs.data);
    if (!data.success) {
      deps.logger.error('publish job has bad data; dropped', { job: job.attrs.name });
      return;
    }
    const attempt = (job.attrs.failCount ?? 0) + 1;
    try {
      await publishIncidentChange(deps, data.data.incidentId, data.data.updateId, attempt);
    } catch (error) {
      if (attempt < maxAttempts) throw error;
      deps.logger.error('incident change not shown in Slack after the last try', { job: job.attrs.name, error: (error as Error).message });
    }
  };
}
