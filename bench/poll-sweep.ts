/**
 * `npx tsx bench/poll-sweep.ts` (after `node scripts/ensure-ferretdb.mjs`): how the job queue's polling interval
 * (JOB_POLL_MS) trades idle database load against the time a P1's declare steps take. For each interval: a fresh
 * world (see scenarios.ts), 2 s idle, then P1 declarations one at a time, each settled before the next (an interval
 * whose declaration does not settle within 30 s is reported as stopped).
 *
 * Knobs: BENCH_POLLS (20,50,100,200), BENCH_SWEEP_RUNS (12, of which the first 2 are warm-up).
 */
import { declare, declaredToDone, startWorld, waitSettled } from './scenarios.js';
import { ms, summarize } from './stats.js';

const polls = (process.env.BENCH_POLLS ?? '20,50,100,200').split(',').map(Number).filter((n) => Number.isInteger(n) && n >= 20);
const runs = Number(process.env.BENCH_SWEEP_RUNS ?? 12);
const warmup = 2;
const idleMs = 2000;
const settleTimeoutMs = 30_000;

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const poll of polls) {
    process.stderr.write(`[poll-sweep] JOB_POLL_MS=${poll}\n`);
    const w = await startWorld({ jobPollMs: poll });
    try {
      w.pool.reset();
      await new Promise((resolve) => setTimeout(resolve, idleMs));
      const checkouts = (w.pool.checkouts * 1000) / idleMs;
      const busy = (100 * w.pool.holdMs) / idleMs;
      const db: number[] = [];
      const wall: number[] = [];
      let note = '';
      try {
        for (let i = 0; i < runs; i++) {
          const d = await declare(w, 'P1', `Poll sweep ${poll} declaration ${i}`);
          const { incident, settledAt } = await waitSettled(w, d.viewId, 50, settleTimeoutMs);
          await d.confirmed;
          if (i < warmup) continue;
          db.push(declaredToDone(incident));
          wall.push(settledAt - d.ackedAt);
        }
      } catch (error) {
        note = ` (stopped: ${(error as Error).message})`;
      }
      const sd = summarize(db);
      const sw = summarize(wall);
      rows.push(`| ${poll} | ${checkouts.toFixed(0)} | ${busy.toFixed(0)}% | ${sd.count}${note} | ${ms(sd.p50, 0)} | ${ms(sd.max, 0)} | ${ms(sw.p50, 0)} | ${ms(sw.max, 0)} |`);
    } finally {
      await w.stop();
    }
  }
  process.stdout.write(
    [
      `# JOB_POLL_MS sweep — ${new Date().toISOString()}`,
      '',
      '| JOB_POLL_MS | idle checkouts/s | idle connection busy | n | P1 declared→done p50 | max | ack→settled p50 | max |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
    ].join('\n'),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[poll-sweep] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
