import type { JiraGateway } from './jira-gateway.js';

/** The target status cannot be reached from where the ticket is: retrying will not help. */
export class UnreachableStatusError extends Error {
  readonly permanent = true;
  constructor(
    readonly issueKey: string,
    readonly from: string,
    readonly target: string,
    readonly offered: string[],
  ) {
    super(`Jira ticket ${issueKey}: no way from "${from}" to "${target}" (transitions offered: ${offered.join(', ') || 'none'})`);
    this.name = 'UnreachableStatusError';
  }
}

export interface WalkResult {
  from: string;
  /** The transitions applied, in order (empty when the ticket already was at the target). */
  hops: Array<{ id: string; to: string }>;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Moves a ticket through its workflow until it reaches `target` (FireFighter's `transition_issue_auto`, without a
 * hard-coded workflow). After each hop it reads the transitions again: a direct transition to the target wins;
 * otherwise it takes the one that goes furthest along `order` (the incident statuses' Jira statuses, first to last)
 * without passing the target, never revisiting a status. `beforeHop` runs before each transition (loop-prevention
 * markers for the echo of that hop).
 */
export async function walkToStatus(
  jira: Pick<JiraGateway, 'getIssueStatus' | 'getTransitions' | 'transition'>,
  issueKey: string,
  target: string,
  order: string[],
  options: { maxHops?: number; beforeHop?: (to: string) => Promise<void> } = {},
): Promise<WalkResult> {
  const maxHops = options.maxHops ?? 6;
  const rank = (status: string) => order.findIndex((s) => same(s, status));
  const from = await jira.getIssueStatus(issueKey);
  const hops: WalkResult['hops'] = [];
  const visited = [from];
  let current = from;
  while (!same(current, target)) {
    if (hops.length >= maxHops) throw new UnreachableStatusError(issueKey, from, target, [`gave up after ${maxHops} transitions at "${current}"`]);
    const transitions = await jira.getTransitions(issueKey);
    const next = transitions.find((t) => same(t.to, target)) ?? pickTowards(transitions, current, target, rank, visited);
    if (!next) throw new UnreachableStatusError(issueKey, current, target, transitions.map((t) => `${t.name} -> ${t.to}`));
    await options.beforeHop?.(next.to);
    await jira.transition(issueKey, next.id);
    hops.push({ id: next.id, to: next.to });
    visited.push(next.to);
    current = next.to;
  }
  return { from, hops };
}

function pickTowards<T extends { to: string }>(transitions: T[], current: string, target: string, rank: (s: string) => number, visited: string[]): T | undefined {
  const here = rank(current);
  const goal = rank(target);
  if (goal < 0) return undefined;
  const fresh = transitions.filter((t) => !visited.some((v) => same(v, t.to)) && rank(t.to) >= 0 && rank(t.to) <= goal);
  // Forward: further along than here. Backward (the target is behind us): anything between the start and the target.
  const forward = here >= 0 && here < goal;
  const candidates = forward ? fresh.filter((t) => rank(t.to) > here) : fresh;
  const best = candidates.sort((a, b) => rank(b.to) - rank(a.to))[0];
  if (best || forward) return best;
  // Backward with no way down from here (e.g. "Reporter validation" only offers Close): a detour through another
  // status (Closed, then Reopen) is allowed; the hop limit and `visited` keep it finite.
  return transitions.filter((t) => !visited.some((v) => same(v, t.to))).sort((a, b) => rank(b.to) - rank(a.to))[0];
}
