import type { AgendaBackend, JobRepository } from 'agenda';

type NextJobScan = JobRepository['getNextJobToRun'];

/**
 * Agenda asks the database for the next job of every job name at every poll, whether or not the asks of the last poll
 * have been answered. When the database answers slower than the polls come (FerretDB on a loaded machine), the asks
 * pile up on the app's one connection and everything else, the declare steps included, waits behind them.
 *
 * This lets one ask per job name run and one wait for it; any further ask is answered "no job now" at once, which is
 * safe: the waiting ask starts after it, so a job queued meanwhile is still found, and polling asks again.
 */
export function withOneScanPerJobName(backend: AgendaBackend): { backend: AgendaBackend; closeScans: () => Promise<void> } {
  const repository = backend.repository;
  const scan: NextJobScan = repository.getNextJobToRun.bind(repository);
  const { guarded, close } = guardNextJobScan(scan);
  const guardedRepository = new Proxy(repository, {
    get(target, property, receiver) {
      if (property === 'getNextJobToRun') return guarded;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const guardedBackend = new Proxy(backend, {
    get(target, property, receiver) {
      if (property === 'repository') return guardedRepository;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { backend: guardedBackend, closeScans: close };
}

/**
 * The guard itself, over any scan function: at most one running and one waiting per job name. `close` answers every
 * later ask "no job" and waits for the asks in flight, so none reaches a database the app is closing.
 */
export function guardNextJobScan(scan: NextJobScan): { guarded: NextJobScan; close: () => Promise<void> } {
  const running = new Map<string, Promise<unknown>>();
  const waiting = new Set<string>();
  let closed = false;
  const runTracked = (jobName: string, args: Parameters<NextJobScan>) => {
    const result = scan(...args);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    running.set(jobName, settled);
    void settled.then(() => {
      if (running.get(jobName) === settled) running.delete(jobName);
    });
    return result;
  };
  const guarded: NextJobScan = async (...args) => {
    if (closed) return undefined;
    const [jobName] = args;
    const current = running.get(jobName);
    if (!current) return runTracked(jobName, args);
    if (waiting.has(jobName)) return undefined;
    waiting.add(jobName);
    try {
      await current;
    } finally {
      waiting.delete(jobName);
    }
    // Another ask may have started in the meantime: then this one has nothing left to add.
    if (closed || running.has(jobName)) return undefined;
    return runTracked(jobName, args);
  };
  const close = async () => {
    closed = true;
    while (running.size) await Promise.all(running.values());
  };
  return { guarded, close };
}
