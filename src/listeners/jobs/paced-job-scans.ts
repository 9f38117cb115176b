import type { AgendaBackend, JobParameters, JobRepository } from 'agenda';

type NextJobScan = JobRepository['getNextJobToRun'];

export interface ScanPacing {
  /** How long a job name whose last scan found nothing is not scanned again, unless this process saved a job of it. */
  idleRescanMs: number;
  now?: () => number;
}

/**
 * Agenda asks the database for the next job of every job name at every poll, whether or not the asks of the last poll
 * have been answered, and FerretDB answers each ask by reading the whole job collection. With ten job names, idle
 * polling alone kept the app's one connection busy, and on a loaded machine the asks piled up faster than they were
 * answered, so that everything else, the declare steps included, waited behind them.
 *
 * The pacing asks only when an answer may be new: for each job name, one ask runs and at most one waits for it (any
 * further ask is answered "no job now", which is safe: the waiting ask starts after it); and after an ask that found
 * nothing, the name is not asked again for `idleRescanMs` unless this process saved a job of that name that is due by
 * the ask's horizon (a new job, a retry, the next run of a recurring job, a released lock). What only another
 * instance or an expired lock can make due is found at the next ask after the pause.
 */
export function withPacedJobScans(backend: AgendaBackend, pacing: ScanPacing): { backend: AgendaBackend; closeScans: () => Promise<void> } {
  const repository = backend.repository;
  const { guarded, learn, close } = paceNextJobScans(repository.getNextJobToRun.bind(repository), pacing);
  const overrides: Partial<JobRepository> = {
    getNextJobToRun: guarded,
    saveJob: async (job, options) => {
      const saved = await repository.saveJob(job, options);
      learn(saved.name, saved.nextRunAt);
      return saved;
    },
    saveJobState: async (job, options) => {
      await repository.saveJobState(job, options);
      if (!job.lockedAt) learn(job.name, job.nextRunAt);
    },
    unlockJob: async (job) => {
      await repository.unlockJob(job);
      learn(job.name, job.nextRunAt);
    },
  };
  const pacedRepository = new Proxy(repository, {
    get(target, property, receiver) {
      if (property in overrides) return overrides[property as keyof JobRepository];
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const pacedBackend = new Proxy(backend, {
    get(target, property, receiver) {
      if (property === 'repository') return pacedRepository;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { backend: pacedBackend, closeScans: close };
}

interface NameState {
  running: Promise<unknown> | null;
  waiting: boolean;
  /** When the last ask found nothing; null after an ask that found a job or failed. */
  emptyAt: number | null;
  /** Jobs this process saved, by when they are due; `seq` orders them against the asks. */
  dues: Array<{ at: number; seq: number }>;
}

/**
 * The pacing itself, over any scan function. `learn` is told of every job this process saves; `close` answers every
 * later ask "no job" and waits for the asks in flight, so none reaches a database the app is closing.
 */
export function paceNextJobScans(scan: NextJobScan, pacing: ScanPacing) {
  const now = pacing.now ?? Date.now;
  const names = new Map<string, NameState>();
  let seq = 0;
  let closed = false;
  const stateOf = (jobName: string): NameState => {
    let state = names.get(jobName);
    if (!state) names.set(jobName, (state = { running: null, waiting: false, emptyAt: null, dues: [] }));
    return state;
  };

  const learn = (jobName: string, nextRunAt: Date | null | undefined) => {
    if (nextRunAt) stateOf(jobName).dues.push({ at: new Date(nextRunAt).getTime(), seq: ++seq });
  };

  const nothingNew = (state: NameState, horizon: number) =>
    state.emptyAt !== null && now() - state.emptyAt < pacing.idleRescanMs && !state.dues.some((d) => d.at <= horizon);

  const runTracked = (state: NameState, args: Parameters<NextJobScan>) => {
    const startSeq = seq;
    const horizon = new Date(args[1]).getTime();
    const result = scan(...args).then(
      (job) => {
        if (job) state.emptyAt = null;
        else {
          state.emptyAt = now();
          // What was saved before this ask and due by its horizon, it has seen.
          state.dues = state.dues.filter((d) => d.seq > startSeq || d.at > horizon);
        }
        return job;
      },
      (error: unknown) => {
        state.emptyAt = null;
        throw error;
      },
    );
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    state.running = settled;
    void settled.then(() => {
      if (state.running === settled) state.running = null;
    });
    return result;
  };

  const guarded: NextJobScan = async (...args): Promise<JobParameters | undefined> => {
    const [jobName, nextScanAt] = args;
    const state = stateOf(jobName);
    if (closed || nothingNew(state, new Date(nextScanAt).getTime())) return undefined;
    const current = state.running;
    if (!current) return runTracked(state, args);
    if (state.waiting) return undefined;
    state.waiting = true;
    try {
      await current;
    } finally {
      state.waiting = false;
    }
    // Another ask may have started in the meantime, or the one awaited may have seen all there is.
    if (closed || state.running || nothingNew(state, new Date(nextScanAt).getTime())) return undefined;
    return runTracked(state, args);
  };

  const close = async () => {
    closed = true;
    const running = () => [...names.values()].map((s) => s.running).filter((p): p is Promise<unknown> => p !== null);
    while (running().length) await Promise.all(running());
  };

  return { guarded, learn, close };
}
