import type { Logger } from '../../logger.js';
import { requeueUnsyncedChanges, type RetryJiraSync } from '../../services/jira/jira-sync-backlog.js';

/**
 * Every few minutes: incidents whose changes did not reach Jira after the last try get a new round of tries, so a
 * change made before a long Jira outage lands once Jira is back even if the incident never changes again. Safe to run
 * twice: the write of a change already written does nothing.
 */
export function requeueJiraSyncJob(deps: { retry: RetryJiraSync; logger: Logger }) {
  return async (): Promise<void> => {
    const queued = await requeueUnsyncedChanges(deps.retry);
    if (queued) deps.logger.info('incident changes queued again for Jira', { incidents: queued });
  };
}
