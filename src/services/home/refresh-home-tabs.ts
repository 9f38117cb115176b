import { ExternalCallError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { HomeViewer } from '../../models/home-viewer.js';
import { boardContent, computeHomeBoard, readStoredHomeBoard, storeHomeBoard } from './build-home-data.js';
import { publishHomeFrom, type HomeDeps } from './publish-home.js';

/** Home tabs opened within this window are refreshed; older ones get a fresh view when next opened. */
export const HOME_VIEWER_WINDOW_MS = 24 * 60 * 60_000;
/** views.publish is Tier 4 (100+ a minute): a refresh publishes to the most recent viewers only. */
export const MAX_REFRESHED_HOMES = 50;

export interface RefreshHomeDeps extends HomeDeps {
  logger: Logger;
}

export interface RefreshOutcome {
  /** True when the board came out as already stored: every open Home already shows it, nothing was published. */
  unchanged: boolean;
  published: number;
  /** Slack rate-limited the publishing: try again (forced) after this long. */
  retryAfterMs: number | null;
}

/**
 * Recomputes the Home board from the incidents, stores it for every instance, and re-publishes the Home of the users
 * who opened it in the last 24 hours (at most 50, most recent first). Ages on the Home are rendered by Slack's
 * clients, so an unchanged board needs no publish; `force` publishes anyway (after an interrupted round).
 */
export async function refreshHomeTabs(deps: RefreshHomeDeps, options: { force?: boolean } = {}): Promise<RefreshOutcome> {
  const now = deps.now?.() ?? new Date();
  const [previous, board] = await Promise.all([readStoredHomeBoard(), computeHomeBoard(deps.settings, now)]);
  await storeHomeBoard(board);
  if (!options.force && previous && boardContent(previous.board) === boardContent(board)) return { unchanged: true, published: 0, retryAfterMs: null };

  const since = new Date(now.getTime() - HOME_VIEWER_WINDOW_MS);
  const viewers = await HomeViewer.find({ lastOpenedAt: { $gte: since } }).sort({ lastOpenedAt: -1 }).limit(MAX_REFRESHED_HOMES).lean();
  let published = 0;
  for (const viewer of viewers) {
    try {
      await publishHomeFrom(deps, board, viewer._id, now);
      published++;
    } catch (error) {
      if (error instanceof ExternalCallError && error.details.status === 429) {
        deps.logger.warn('home tab refresh rate limited; the rest waits', { published, remaining: viewers.length - published });
        return { unchanged: false, published, retryAfterMs: error.details.retryAfterMs ?? 1000 };
      }
      // One user's Home failing (left the workspace, app uninstalled for them) must not stop the others'.
      deps.logger.warn('home tab not refreshed', { slackUser: viewer._id, error: (error as Error).message });
    }
  }
  // Viewers older than the window are never refreshed again: dropping them keeps the collection small.
  await HomeViewer.deleteMany({ lastOpenedAt: { $lt: since } });
  return { unchanged: false, published, retryAfterMs: null };
}

export interface HomeRefresher {
  /** Asks for a refresh; requests within `delayMs` of the first one are served by the same refresh. */
  request(): void;
  /** Stops the timers and waits for a refresh under way. Requests after this are ignored. */
  stop(): Promise<void>;
}

/**
 * Debounces refreshes in this process: the first request starts a timer, later ones join it, and a request that
 * comes while a refresh runs makes one more run after it, so the last change is always shown. `everyMs` also
 * recomputes the board now and then, for changes that went past every hook (membership from Slack events).
 */
export function createHomeRefresher(options: {
  refresh: (force: boolean) => Promise<RefreshOutcome>;
  logger: Logger;
  delayMs?: number;
  everyMs?: number;
}): HomeRefresher {
  const delayMs = options.delayMs ?? 1000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let force = false;
  let stopped = false;

  const schedule = (ms: number) => {
    if (stopped || timer) return;
    timer = setTimeout(run, ms);
    timer.unref();
  };

  function run(): void {
    timer = null;
    const forced = force;
    force = false;
    running = options
      .refresh(forced)
      .then((outcome) => {
        // Rate limited: publish the whole round again once Slack allows; that run also covers any request meanwhile.
        if (outcome.retryAfterMs !== null) {
          force = true;
          again = false;
          schedule(outcome.retryAfterMs);
        }
      })
      .catch((error: unknown) => {
        options.logger.error('home tabs not refreshed', { error: (error as Error).message });
      })
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          schedule(delayMs);
        }
      });
  }

  const interval = options.everyMs ? setInterval(() => request(), options.everyMs) : null;
  interval?.unref();

  function request(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    schedule(delayMs);
  }

  return {
    request,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (interval) clearInterval(interval);
      await running;
    },
  };
}
