/**
 * Slack's rate-limit tiers per method per workspace (platform-facts §3.3; Slack's method JSON `rate_limits`).
 * Only used when the emulator runs with `enforceRateLimits: true`.
 */

const TIER_PER_MINUTE = { 1: 1, 2: 20, 3: 50, 4: 100 } as const;

const METHOD_TIERS: Record<string, keyof typeof TIER_PER_MINUTE> = {
  'conversations.create': 2,
  'conversations.rename': 2,
  'conversations.archive': 2,
  'conversations.unarchive': 2,
  'conversations.setTopic': 2,
  'conversations.setPurpose': 2,
  'conversations.list': 2,
  'bookmarks.add': 2,
  'bookmarks.edit': 2,
  'bookmarks.remove': 2,
  'pins.add': 2,
  'pins.remove': 2,
  'pins.list': 2,
  'users.list': 2,
  'chat.update': 3,
  'chat.delete': 3,
  'conversations.invite': 3,
  'conversations.info': 3,
  'conversations.join': 3,
  'conversations.kick': 3,
  'conversations.history': 3,
  'conversations.replies': 3,
  'conversations.open': 3,
  'users.lookupByEmail': 3,
  'apps.connections.open': 3,
  'bookmarks.list': 3,
  'reactions.add': 3,
  'reactions.remove': 3,
  'views.open': 4,
  'views.push': 4,
  'views.update': 4,
  'views.publish': 4,
  'users.info': 4,
  'chat.postEphemeral': 4,
  'conversations.members': 4,
};

/** chat.postMessage ("Special"): about one message per second per channel, with a short burst allowed. */
const POST_MESSAGE_BURST = 3;
const POST_MESSAGE_PER_SECOND = 1;

export class RateLimiter {
  private readonly windows = new Map<string, number[]>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number) {}

  /** Records the call and returns undefined, or returns the Retry-After seconds when the call is over the limit. */
  check(method: string, channel: string | undefined): number | undefined {
    const t = this.now();
    if (method === 'chat.postMessage') {
      const key = channel ?? '';
      const b = this.buckets.get(key) ?? { tokens: POST_MESSAGE_BURST, at: t };
      b.tokens = Math.min(POST_MESSAGE_BURST, b.tokens + ((t - b.at) / 1000) * POST_MESSAGE_PER_SECOND);
      b.at = t;
      this.buckets.set(key, b);
      if (b.tokens < 1) return Math.max(1, Math.ceil((1 - b.tokens) / POST_MESSAGE_PER_SECOND));
      b.tokens -= 1;
      return undefined;
    }
    const tier = METHOD_TIERS[method];
    if (tier === undefined) return undefined;
    const limit = TIER_PER_MINUTE[tier];
    const calls = (this.windows.get(method) ?? []).filter((at) => t - at < 60_000);
    this.windows.set(method, calls);
    const oldest = calls[0];
    if (calls.length >= limit && oldest !== undefined) return Math.max(1, Math.ceil((oldest + 60_000 - t) / 1000));
    calls.push(t);
    return undefined;
  }
}
