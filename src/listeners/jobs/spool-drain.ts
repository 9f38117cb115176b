import type { Logger } from '../../logger.js';

/**
 * Saves the declarations kept in this instance's spool, every `everyMs` (at once on start, for those a crash left).
 * A timer rather than an Agenda job: the spool is this instance's own disk, and Agenda's store is the very
 * database whose absence filled it. Runs never overlap; `stop` waits for the current one.
 */
export function startSpoolDrain(options: { everyMs: number; drain: () => Promise<number>; logger: Logger }): { stop(): Promise<void> } {
  let current: Promise<void> = Promise.resolve();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const run = () => {
    current = options
      .drain()
      .then(
        (saved) => {
          if (saved) options.logger.info('declarations kept during a database outage are saved', { saved });
        },
        (error: Error) => {
          options.logger.warn('spooled declarations not saved yet', { error: error.message });
        },
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(run, options.everyMs);
      });
  };
  run();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
