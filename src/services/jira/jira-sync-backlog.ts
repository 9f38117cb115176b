import { JiraSyncBacklog } from '../../models/jira-sync-backlog.js';

/** After the last try: the incident's changes wait for the sweep instead of for the incident's next change. */
export async function rememberUnsyncedChange(input: { incidentId: string; updateId: string; error: string; now: Date }): Promise<void> {
  await JiraSyncBacklog.updateOne(
    { _id: input.incidentId },
    { $set: { updateId: input.updateId, lastError: input.error.slice(0, 500) }, $setOnInsert: { since: input.now } },
    { upsert: true },
  );
}

/** Every pending change of the incident is written (or can never be): nothing waits any more. */
export async function forgetUnsyncedChanges(incidentId: string): Promise<void> {
  await JiraSyncBacklog.deleteOne({ _id: incidentId });
}

/** Starts a fresh round of tries of a change's Jira write (its own job has used up its tries). */
export type RetryJiraSync = (incidentId: string, updateId: string) => Promise<void>;

/** Queues a Jira write for each incident in the backlog; returns how many. */
export async function requeueUnsyncedChanges(retry: RetryJiraSync, limit = 100): Promise<number> {
  const waiting = await JiraSyncBacklog.find().sort({ since: 1 }).limit(limit).lean();
  for (const entry of waiting) await retry(entry._id, entry.updateId);
  return waiting.length;
}
