/**
 * `npx tsx bench/landbot-api-main.ts [seconds] [concurrency]`: the ticket API benchmark alone (bench/landbot-api.ts).
 * Defaults: 20 s per series, 16 connections. LANDBOT_API_BENCH_URI: a server without a database name (default: a
 * FerretDB of its own).
 */
import { benchLandbotApi } from './landbot-api.js';
import { positiveIntArg } from './cli-args.js';


const result = await benchLandbotApi({
  seconds: positiveIntArg(0, 20),
  concurrency: positiveIntArg(1, 16),
  ...(process.env.LANDBOT_API_BENCH_URI ? { uri: process.env.LANDBOT_API_BENCH_URI } : {}),
  progress: (line) => process.stderr.write(`[bench] ${line}\n`),
});
process.stdout.write(`${result.report}\n`);
process.exit(0);
