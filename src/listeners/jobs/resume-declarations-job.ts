import { Incident } from '../../models/incident.js';
import { scheduleReadySteps, type StepScheduler } from '../../services/incidents/declare-pipeline.js';
import type { Logger } from '../../logger.js';

/**
 * A safety net: any declaration with a pending step that has not moved for a while gets its ready steps queued
 * again (queuing is idempotent). Nothing an incident needs is left waiting on a job that was lost.
 */
export function resumeDeclarationsJob(deps: { scheduler: StepScheduler; logger: Logger; staleAfterMs: number }) {
  return async (): Promise<void> => {
    const before = new Date(Date.now() - deps.staleAfterMs);
    const stale = await Incident.find({
      updatedAt: { $lt: before },
      $or: ['channel', 'channel_setup', 'jira_ticket', 'jira_links', 'notify'].map((s) => ({ [`steps.${s}.state`]: 'pending' })),
    }).limit(100);
    for (const incident of stale) {
      const queued = await scheduleReadySteps(deps.scheduler, incident);
      if (queued.length) deps.logger.info('resumed declare steps', { incident: incident.number, steps: queued });
    }
  };
}
