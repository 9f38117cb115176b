/**
 * Calls `renew` every `intervalMs` until stopped: how a lock or a lease is kept alive while its holder works. A failed
 * renewal goes to `onError` (when given) and renewing goes on. The returned function stops renewing and waits for a
 * renewal in flight, so none lands after the holder has finished.
 */
export function renewPeriodically(renew: () => Promise<unknown>, intervalMs: number, onError?: (error: Error) => void): () => Promise<void> {
  let inFlight: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = renew().catch((error: Error) => onError?.(error));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}
