import { StepClaim } from '../../models/step-claim.js';
import { JiraDelivery } from '../../models/jira-delivery.js';
import { applyJiraDelivery, type ApplyJiraDeps } from '../../services/jira/apply-jira-webhook.js';

export interface RetryJiraDeliveriesOptions {
  /** Only deliveries at least this old: a fresh one is still being applied by the request that accepted it. */
  olderThanMs: number;
  maxTries: number;
  /** Deliveries this process is applying right now. */
  inFlight?: Set<string>;
}

/**
 * Every minute: applies again the Jira deliveries that were accepted but not applied (the app stopped, or Slack,
 * Jira or the database failed meanwhile). Safe to run twice at once: each try is claimed by inserting
 * `jira-delivery:<id>:<try>` against a unique index first. After `maxTries` a delivery stays `failed`.
 */
export function retryJiraDeliveriesJob(deps: ApplyJiraDeps, options: RetryJiraDeliveriesOptions) {
  return async (): Promise<void> => {
    const now = (deps.now ?? (() => new Date()))();
    const due = await JiraDelivery.find({
      state: { $in: ['received', 'failed'] },
      receivedAt: { $lte: new Date(now.getTime() - options.olderThanMs) },
      tries: { $lt: options.maxTries },
    })
      .sort({ receivedAt: 1 })
      .limit(100);
    for (const delivery of due) {
      if (options.inFlight?.has(delivery._id)) continue;
      const attempt = delivery.tries + 1;
      try {
        await StepClaim.create({ _id: `jira-delivery:${delivery._id}:${attempt}`, owner: 'retry-jira-deliveries', expiresAt: new Date(now.getTime() + 24 * 3600_000) });
      } catch (error) {
        if ((error as { code?: number }).code === 11000) continue;
        throw error;
      }
      await JiraDelivery.updateOne({ _id: delivery._id }, { $set: { tries: attempt } });
      const state = await applyJiraDelivery(deps, delivery._id);
      deps.logger.info('jira delivery retried', { delivery: delivery._id, attempt, state });
    }
  };
}
