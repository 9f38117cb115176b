/**
 * `npx tsx bench/reminder-scan-main.ts`: the reminder scan benchmark alone (bench/reminder-scan.ts).
 * Knobs (env): REMINDER_BENCH_URI (a server without a database name; default: a FerretDB of its own),
 * REMINDER_BENCH_RUNS (50, at least 50), REMINDER_BENCH_INCIDENTS (10000), REMINDER_BENCH_OPEN (200).
 */
import { benchReminderScan } from './reminder-scan.js';

const intEnv = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};

const result = await benchReminderScan({
  ...(process.env.REMINDER_BENCH_URI ? { uri: process.env.REMINDER_BENCH_URI } : {}),
  runs: intEnv('REMINDER_BENCH_RUNS', 50),
  incidents: intEnv('REMINDER_BENCH_INCIDENTS', 10_000),
  open: intEnv('REMINDER_BENCH_OPEN', 200),
  progress: (line) => process.stderr.write(`[bench] ${line}\n`),
});
process.stdout.write(`${result.report}\n`);
