/**
 * `npx tsx bench/home-tab-main.ts`: the Home tab benchmark alone (bench/home-tab.ts), printed as markdown.
 * Knobs (env): BENCH_HOME_RUNS (200, at least 100), BENCH_HOME_WARMUP (10), BENCH_HOME_BYID_RUNS (20), BENCH_HOME_SCAN_RUNS (3),
 * BENCH_HOME_RECOMPUTE_RUNS (3), BENCH_HOME_URI (a running server's base URI instead of a FerretDB of its own).
 */
import { benchHomeTab, HOME_TARGET_P95_MS } from './home-tab.js';
import { ms, ratio, type Summary } from './stats.js';

const intEnv = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v >= 0 && process.env[name] !== '' && process.env[name] !== undefined ? v : fallback;
};

const result = await benchHomeTab({
  runs: intEnv('BENCH_HOME_RUNS', 200),
  warmup: intEnv('BENCH_HOME_WARMUP', 10),
  byIdRuns: intEnv('BENCH_HOME_BYID_RUNS', 20),
  scanRuns: intEnv('BENCH_HOME_SCAN_RUNS', 3),
  recomputeRuns: intEnv('BENCH_HOME_RECOMPUTE_RUNS', 3),
  ...(process.env.BENCH_HOME_URI ? { uri: process.env.BENCH_HOME_URI } : {}),
  progress: (text) => process.stderr.write(`[bench home] ${text}\n`),
});

const row = (name: string, s: Summary) => `| ${name} | ${s.count} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} |`;
const lines = [
  `## Home tab: ${result.incidents} incidents, ${result.open} open, ${result.thisMonth} this month (${result.engine}, Slack emulator at zero latency)`,
  '',
  '| measured (ms) | n | p50 | p95 | p99 | max |',
  '|---|---|---|---|---|---|',
  row('**open the Home** (record viewer + load board + render + views.publish)', result.home),
  row('… of which views.publish', result.publish),
  row('baseline: views.publish of a tiny fixed view', result.baseline.tinyPublish),
  row('baseline: Incident.findById', result.baseline.findById),
  row("baseline: Incident.find({status:{$ne:'CLOSED'}}).limit(200)", result.baseline.openScan),
  row('recompute + store the board (after a change, off the opening path)', result.recompute),
  '',
  `Target p95 < ${HOME_TARGET_P95_MS} ms: **${result.p95 < HOME_TARGET_P95_MS ? 'met' : 'NOT met'}** (p95 ${ms(result.p95)} ms; ${ratio(result.p95, result.baseline.tinyPublish.p95)} the tiny publish's p95).`,
  `The published view: ${result.blocks} blocks, ${(result.viewBytes / 1024).toFixed(1)} kB. Seeding took ${(result.seedMs / 1000).toFixed(1)} s.`,
  '',
  'Indexes:',
  ...result.indexes.map((i) => `- ${i}`),
];
process.stdout.write(`${lines.join('\n')}\n`);
