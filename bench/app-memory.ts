/**
 * Resident memory of the app as its own process (`src/main.ts`, as `npm start` runs it): idle after start, then after
 * it has handled N declarations (P4s through the Slack emulator, each with its Jira ticket, DM and alert post), and
 * again after a quiet minute-long pause. Beside it, in the same run, a bare Bolt app process in Socket Mode, idle.
 * Both read from /proc (VmRSS); the emulators and the load live in this process, so they do not count.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { connectTo } from '../src/db/connect-database.js';
import { startEmbeddedFerretDb } from '../src/db/embedded-ferretdb.js';
import { Incident } from '../src/models/incident.js';
import { startHarness } from '../test/support/app-harness.js';
import { spawnApp } from '../test/support/app-process.js';
import { declareThroughSlack } from '../test/support/declare-driver.js';
import { startSlackEmulator } from '../test/support/slack-emulator/index.js';
import { procMemory } from './scenarios.js';
import { mib } from './stats.js';

export interface AppMemoryOptions {
  incidents?: number;
  concurrency?: number;
  idleSeconds?: number;
  /** How long to wait for the declarations to be saved and their steps done before reading the memory anyway. */
  budgetSeconds?: number;
  progress?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** RSS of a bare Bolt app process connected to an emulator of its own, after `idleSeconds`. */
async function bareBoltRss(idleSeconds: number): Promise<number> {
  const slack = await startSlackEmulator();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-bolt-main.ts'], {
    env: { ...process.env, BARE_APP_TOKEN: slack.appToken, BARE_BOT_TOKEN: slack.botToken, BARE_API_URL: slack.apiUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => String(chunk).includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`the bare app exited (${code})`)));
    });
    await slack.waitForConnection(5000);
    await sleep(idleSeconds * 1000);
    return procMemory(child.pid ?? null)?.rss ?? Number.NaN;
  } finally {
    child.kill('SIGTERM');
    await slack.stop();
  }
}

export async function benchAppMemory(options: AppMemoryOptions = {}): Promise<{ report: string }> {
  const incidents = options.incidents ?? 1000;
  const concurrency = options.concurrency ?? 4;
  const idleSeconds = options.idleSeconds ?? 10;
  const budgetSeconds = options.budgetSeconds ?? 300;
  const progress = options.progress ?? (() => undefined);

  progress(`bare Bolt app process, idle ${idleSeconds} s`);
  const bareIdle = await bareBoltRss(idleSeconds);

  const dataDir = await mkdtemp(path.join(tmpdir(), 'app-memory-bench-'));
  const ferret = await startEmbeddedFerretDb({ dataDir });
  process.env.TEST_MONGODB_URI = ferret.uri;
  // The job settings of a real deployment (config.ts defaults), not the tests' fast polling.
  const h = await startHarness('app-memory', { start: false, env: { LOG_LEVEL: 'info', JOB_POLL_MS: '1000', JOB_LOCK_MS: '60000', STEP_BACKOFF_MS: '1000', STEP_UNCERTAIN_RETRY_MS: '5000' } });
  const app = spawnApp(h.env);
  try {
    await app.waitForLog(/connected to Slack over Socket Mode/, 60_000);
    await connectTo(h.env.MONGODB_URI!);
    progress(`the app process, idle ${idleSeconds} s`);
    await sleep(idleSeconds * 1000);
    const pid = app.child.pid ?? null;
    const idle = procMemory(pid);

    progress(`${incidents} P4 declarations through Slack, ${concurrency} at a time`);
    const started = performance.now();
    let next = 0;
    // One person per worker: the emulator keeps one open form per person, like Slack.
    const people = Array.from({ length: concurrency }, (_, w) => h.slack.addUser({ name: `oncall${w}`, email: `oncall${w}@example.com` }).id);
    const worker = async (userId: string) => {
      while (next < incidents) {
        const n = next++;
        const { submission } = await declareThroughSlack(h, userId, {
          impacts: { business: 'Low' },
          fields: { Category: 'Search', Title: `Search facets are slow, case ${n}`, Description: 'Facet counts take 3 s to load.', 'Feature team': 'Search' },
        });
        if (submission.responseAction !== 'update') throw new Error(`declaration ${n} was refused: ${JSON.stringify(submission.errors)}`);
        if (n % 100 === 99 || n + 1 === incidents) progress(`  ${n + 1} declared`);
      }
    };
    await Promise.all(people.map((userId) => worker(userId)));
    // The form is answered before the incident is saved (through the spool when the database is slower than the
    // form's deadline); wait for every save and every step, or for the time budget.
    const deadline = performance.now() + budgetSeconds * 1000;
    for (;;) {
      const saved = await Incident.countDocuments({});
      const pending = await Incident.countDocuments({ $or: [{ 'steps.jira_ticket.state': 'pending' }, { 'steps.notify.state': 'pending' }] });
      if ((saved >= incidents && pending === 0) || performance.now() > deadline) break;
      progress(`  ${saved} saved, ${pending} with steps pending`);
      await sleep(5000);
    }
    const seconds = (performance.now() - started) / 1000;
    const declared = await Incident.countDocuments({});
    const withTicket = await Incident.countDocuments({ 'steps.jira_ticket.state': 'done' });
    const after = procMemory(pid);
    progress(`quiet for ${idleSeconds * 6} s`);
    await sleep(idleSeconds * 6 * 1000);
    const later = procMemory(pid);

    const report = [
      `App memory (\`npx tsx bench/app-memory-main.ts\`): the app as its own process, VmRSS from /proc`,
      `  bare Bolt app process, idle:                 ${mib(bareIdle)}`,
      `  the app, idle after start:                   ${mib(idle?.rss ?? Number.NaN)}`,
      `  the app after ${incidents} declarations submitted, ${declared} saved, ${withTicket} with their Jira ticket (${seconds.toFixed(0)} s): ${mib(after?.rss ?? Number.NaN)} (peak ${mib(after?.hwm ?? Number.NaN)})`,
      `  the app ${idleSeconds * 6} s later:                      ${mib(later?.rss ?? Number.NaN)}`,
    ].join('\n');
    return { report };
  } finally {
    // A large backlog can make the drain on SIGTERM take minutes (see the README): measured already, so cut it short.
    const stopped = app.kill('SIGTERM');
    if ((await Promise.race([stopped.then(() => 'stopped'), sleep(15_000).then(() => 'slow')])) === 'slow') await app.kill('SIGKILL');
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
    await h.slack.stop();
    await h.jira.stop();
    await ferret.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
