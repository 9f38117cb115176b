/**
 * `node --expose-gc --import tsx bench/jira-webhooks-main.ts [seconds] [concurrency]`: the Jira webhook benchmark
 * alone (bench/jira-webhooks.ts; `npm run bench` runs it too). Defaults: a 60 s receiver series (the memory soak),
 * 16 connections. Without --expose-gc the heap figures include garbage not yet collected.
 * JIRA_WEBHOOKS_BENCH_URI: a server without a database name (default: a FerretDB of its own).
 */
import { benchJiraWebhooks } from './jira-webhooks.js';
import { positiveIntArg } from './cli-args.js';


const result = await benchJiraWebhooks({
  seconds: positiveIntArg(0, 60),
  concurrency: positiveIntArg(1, 16),
  ...(process.env.JIRA_WEBHOOKS_BENCH_URI ? { uri: process.env.JIRA_WEBHOOKS_BENCH_URI } : {}),
  progress: (line) => process.stderr.write(`[bench] ${line}\n`),
});
process.stdout.write(`${result.report}\n`);
process.exit(0);
