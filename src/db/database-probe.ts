/**
 * Whether the database answers right now. mongoose's readyState only changes after the driver's next heartbeat
 * fails (seconds later), so readiness asks the server itself: a `ping` with a short deadline, shared by concurrent
 * callers and remembered briefly so a busy readiness check does not become load.
 */
export interface DatabaseProbe {
  reachable(): Promise<boolean>;
}

export function createDatabaseProbe(options: { ping: () => Promise<unknown>; timeoutMs?: number; cacheMs?: number; now?: () => number }): DatabaseProbe {
  const timeoutMs = options.timeoutMs ?? 1000;
  const cacheMs = options.cacheMs ?? 1000;
  const now = options.now ?? Date.now;
  let last: { at: number; ok: boolean } | null = null;
  let running: Promise<boolean> | null = null;

  const pingOnce = async (): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([options.ping().then(() => true, () => false), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    reachable: () => {
      if (last && now() - last.at < cacheMs) return Promise.resolve(last.ok);
      running ??= pingOnce().then((ok) => {
        last = { at: now(), ok };
        running = null;
        return ok;
      });
      return running;
    },
  };
}
