/**
 * `npx tsx bench/app-memory-main.ts [incidents] [concurrency]`: the app's resident memory idle and after handling that
 * many declarations (bench/app-memory.ts; `npm run bench` runs it too). Defaults: 1000 P4 declarations, 4 at a time.
 */
import { benchAppMemory } from './app-memory.js';
import { positiveIntArg } from './cli-args.js';


const result = await benchAppMemory({ incidents: positiveIntArg(0, 1000), concurrency: positiveIntArg(1, 4), progress: (line) => process.stderr.write(`[bench] ${line}\n`) });
process.stdout.write(`${result.report}\n`);
process.exit(0);
