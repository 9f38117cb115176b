/**
 * The benchmark's world (FerretDB, emulators, the real app, the bare baseline app) and the single runs the
 * figures are made of. The real app is started as test/support/app-harness.ts does it (startApp against the
 * emulators), with a 'warn' logger writing to a file, and driven with test/support/declare-driver.ts.
 */
import { createWriteStream, readFileSync, readdirSync, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { MongoClient, type Collection, type Document } from 'mongodb';
import type { Job } from 'agenda';
import { startApp, type RunningApp } from '../src/app.js';
import { parseConfig, secretsOf, type AppConfig } from '../src/config.js';
import { startEmbeddedFerretDb, type EmbeddedFerretDb } from '../src/db/embedded-ferretdb.js';
import { createLogger } from '../src/logger.js';
import { DECLARE_STEPS, type DeclareStep } from '../src/models/incident.js';
import { JOB } from '../src/listeners/jobs/names.js';
import type { Harness } from '../test/support/app-harness.js';
import { openDeclareForm, setImpact } from '../test/support/declare-driver.js';
import { startJiraEmulator, type JiraEmulator } from '../test/support/jira-emulator/index.js';
import { startSlackEmulator, type SlackEmulator } from '../test/support/slack-emulator/index.js';
import { BARE_INPUT_LABEL, startBareBoltApp, type BareBoltApp } from './bare-bolt-app.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The knobs the app runs with in the bench: production defaults except the queue polling interval. */
export const BENCH_ENV = {
  JOB_POLL_MS: '20',
  LOG_LEVEL: 'warn',
} as const;

export interface StepTiming {
  /** Date.now() when Agenda started the job (first attempt). */
  startedAt?: number;
  /** Date.now() when Agenda reported the job complete. */
  completedAt?: number;
}

export interface World {
  ferret: EmbeddedFerretDb;
  ferretPid: number | null;
  dataDir: string;
  slack: SlackEmulator;
  bareSlack: SlackEmulator;
  jira: JiraEmulator;
  bare: BareBoltApp;
  app: RunningApp;
  h: Harness;
  config: AppConfig;
  env: Record<string, string>;
  alice: string;
  bareUser: string;
  logPath: string;
  /** A connection of its own (not the app's single pooled one) for the bench's reads. */
  incidents: Collection<Document>;
  /** Agenda job start/complete times per `${incidentId}:${step}`. */
  jobTimes: Map<string, StepTiming>;
  rss: { beforeApp: NodeJS.MemoryUsage; afterApp: NodeJS.MemoryUsage };
  stop(): Promise<void>;
}

/** The FerretDB launcher we spawned: a direct child of this process whose command line names ferretdb. */
function findFerretPid(): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = /^PPid:\s+(\d+)/m.exec(status)?.[1];
      if (Number(ppid) !== process.pid) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes('ferretdb')) return Number(entry);
    } catch {
      // The process went away while we looked.
    }
  }
  return null;
}

/** VmRSS / VmHWM of a process in bytes (from /proc/<pid>/status), or null. */
export function procMemory(pid: number | null): { rss: number; hwm: number } | null {
  if (pid === null) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

export async function startWorld(): Promise<World> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'incident-app-bench-'));
  const ferret = await startEmbeddedFerretDb({ dataDir });
  const ferretPid = findFerretPid();

  const slack = await startSlackEmulator({ latencyMs: 0 });
  const jira = await startJiraEmulator({ latencyMs: 0 });
  const bareSlack = await startSlackEmulator({ latencyMs: 0 });

  // The same workspace as the test harness.
  const alice = slack.addUser({ name: 'alice', email: 'alice@example.com' });
  const bob = slack.addUser({ name: 'bob', email: 'bob@partner.io' });
  const aliceJira = jira.addUser({ email: 'alice@example.com', displayName: 'Alice Martin' });
  for (const key of ['INC', 'SRCH', 'CHK', 'CAT', 'PAY', 'PLAT', 'SBI']) jira.addProject({ key, name: `Project ${key}` });
  const alertsNormal = slack.addChannel({ name: 'raid-alert-incidents-normal' });
  const alertsHigh = slack.addChannel({ name: 'raid-alert-incidents-high' });
  const bareUser = bareSlack.addUser({ name: 'alice', email: 'alice@example.com' });

  const bare = await startBareBoltApp(bareSlack);
  const beforeApp = process.memoryUsage();

  const dbName = `bench-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    MONGODB_URI: `${ferret.uri}/${dbName}?maxPoolSize=1`,
    JIRA_URL: jira.url,
    JIRA_EMAIL: jira.email,
    JIRA_API_TOKEN: jira.apiToken,
    JIRA_WEBHOOK_SECRET: 'bench-webhook-secret-0123456789',
    HTTP_PORT: '0',
    ...BENCH_ENV,
  };
  const config = parseConfig(env);
  const logPath = path.resolve('.cache', 'bench-app.log');
  const logStream: WriteStream = createWriteStream(logPath, { flags: 'w' });
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config), stream: logStream });
  const app = await startApp(config, { logger });
  await slack.waitForConnection(5000);
  const afterApp = process.memoryUsage();

  const jobTimes = new Map<string, StepTiming>();
  const keyOf = (job: Job) => {
    const data = job.attrs.data as { incidentId?: string; step?: string } | undefined;
    return `${data?.incidentId ?? '?'}:${data?.step ?? '?'}`;
  };
  app.agenda.on(`start:${JOB.declareStep}`, (job: Job) => {
    const t = jobTimes.get(keyOf(job)) ?? {};
    t.startedAt ??= Date.now();
    jobTimes.set(keyOf(job), t);
  });
  app.agenda.on(`complete:${JOB.declareStep}`, (job: Job) => {
    const t = jobTimes.get(keyOf(job)) ?? {};
    t.completedAt = Date.now();
    jobTimes.set(keyOf(job), t);
  });

  const reader = new MongoClient(`${ferret.uri}/?maxPoolSize=1`);
  await reader.connect();
  const incidents = reader.db(dbName).collection('incidents');

  // Built as a plain object then assigned, so it fits the Harness type with or without its newer fields.
  const harnessLike = {
    slack,
    jira,
    app,
    config,
    settings: app.settings,
    env,
    users: { alice: { id: alice.id, email: 'alice@example.com' }, bob: { id: bob.id, email: 'bob@partner.io' } },
    jiraAccounts: { alice: aliceJira.accountId },
    channels: { alertsNormal: alertsNormal.id, alertsHigh: alertsHigh.id, general: slack.generalChannelId },
    logLines: [],
    startApp: () => Promise.reject(new Error('the bench starts the app itself')),
    stop: () => Promise.reject(new Error('the bench stops the app itself')),
  };
  const h: Harness = harnessLike;

  return {
    ferret,
    ferretPid,
    dataDir,
    slack,
    bareSlack,
    jira,
    bare,
    app,
    h,
    config,
    env,
    alice: alice.id,
    bareUser: bareUser.id,
    logPath,
    incidents,
    jobTimes,
    rss: { beforeApp, afterApp },
    stop: async () => {
      await app.stop();
      await bare.stop();
      await slack.stop();
      await bareSlack.stop();
      await jira.stop();
      await reader.close();
      await ferret.stop();
      await new Promise<void>((resolve) => logStream.end(() => resolve()));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------------------------------------------ single runs

/** `/incident` to the real app; resolves once its form is open. */
export async function appSlash(w: World): Promise<number> {
  const { ack } = await openDeclareForm(w.h, w.alice);
  return ack.ackMs;
}

/** `/incident` to the bare app; resolves once its modal is open. */
export async function bareSlash(w: World): Promise<{ ackMs: number; viewId: string }> {
  const opened = w.bareSlack.calls('views.open').length;
  const ack = await w.bareSlack.sendSlashCommand({ command: '/incident', userId: w.bareUser, channelId: w.bareSlack.generalChannelId });
  await w.bareSlack.waitForCalls('views.open', opened + 1);
  const view = w.bareSlack.openViews(w.bareUser).at(-1);
  if (!view) throw new Error('bare app: no modal open');
  return { ackMs: ack.ackMs, viewId: view.id };
}

/** The bare app's modal, filled and submitted; the submission's ack time. */
export async function bareSubmit(w: World, title: string): Promise<number> {
  const { viewId } = await bareSlash(w);
  const result = await w.bareSlack.form(viewId).fill(BARE_INPUT_LABEL, title).submit(w.bareUser);
  if (!result.acked) throw new Error(`bare app: submission not acked ${JSON.stringify(result.clientErrors)}`);
  return result.ackMs;
}

export type DeclareKind = 'P1' | 'P4';

export interface Declared {
  viewId: string;
  ackMs: number;
  /** performance.now() right after the submission ack arrived. */
  ackedAt: number;
  /** Slack call / Jira request log positions: before `/incident`, and just before the submission. */
  marks: { slackStart: number; jiraStart: number; slackSubmit: number; jiraSubmit: number };
  /** Resolves when the app has replaced "declaring…" with the result (its views.update after the save). */
  confirmed: Promise<unknown>;
}

/** A real declaration through the form, as a person makes it: `/incident`, one impact, the details, Submit. */
export async function declare(w: World, kind: DeclareKind, title: string): Promise<Declared> {
  const slackStart = w.slack.calls().length;
  const jiraStart = w.jira.requests().length;
  const { form } = await openDeclareForm(w.h, w.alice);
  const settings = w.app.settings;
  if (kind === 'P1') {
    await setImpact(w.h, form, w.alice, settings, 'business', 'Highest');
    form.fill('Category', 'Payment').fill('Title', title).fill('Description', `Benchmark declaration: ${title}, with enough words.`);
  } else {
    await setImpact(w.h, form, w.alice, settings, 'business', 'Low');
    form
      .fill('Category', 'Search')
      .fill('Environments', ['PRD', 'STG'])
      .fill('Title', title)
      .fill('Description', `Benchmark declaration: ${title}, with enough words.`)
      .fill('Feature team', 'Search');
  }
  const updates = w.slack.calls('views.update').length;
  const slackSubmit = w.slack.calls().length;
  const jiraSubmit = w.jira.requests().length;
  const submission = await form.submit(w.alice);
  const ackedAt = performance.now();
  if (submission.responseAction !== 'update') {
    throw new Error(`declaration refused: ${JSON.stringify(submission.errors ?? submission.clientErrors ?? submission.responseError)}`);
  }
  const confirmed = w.slack.waitForCalls('views.update', updates + 1, 10_000);
  confirmed.catch(() => undefined);
  return { viewId: form.viewId, ackMs: submission.ackMs, ackedAt, marks: { slackStart, jiraStart, slackSubmit, jiraSubmit }, confirmed };
}

export interface SettledIncident {
  number: number;
  priority: number;
  declared: Date;
  steps: Record<DeclareStep, { state: string; doneAt: Date | null; attempts: number }>;
  id: string;
}

/** Polls the database every `everyMs` until every declare step of the incident left `pending`; performance.now() then. */
export async function waitSettled(w: World, viewId: string, everyMs = 5, timeoutMs = 30_000): Promise<{ incident: SettledIncident; settledAt: number }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const doc = await w.incidents.findOne({ submissionKey: viewId }, { projection: { number: 1, priority: 1, milestones: 1, steps: 1 } });
    if (doc) {
      const steps = doc.steps as SettledIncident['steps'];
      if (DECLARE_STEPS.every((s) => steps[s]?.state !== 'pending')) {
        const settledAt = performance.now();
        return {
          incident: { number: doc.number as number, priority: doc.priority as number, declared: (doc.milestones as { declared: Date }).declared, steps, id: String(doc._id) },
          settledAt,
        };
      }
    }
    if (performance.now() > deadline) throw new Error(`incident of view ${viewId} did not settle within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** Incidents with at least one step still pending. */
export function backlog(w: World): Promise<number> {
  return w.incidents.countDocuments({ $or: DECLARE_STEPS.map((s) => ({ [`steps.${s}.state`]: 'pending' })) });
}

/** Waits until no incident has a pending step; returns how long that took. */
export async function drain(w: World, timeoutMs = 120_000): Promise<number> {
  const t0 = performance.now();
  while ((await backlog(w)) > 0) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`the declare steps did not drain within ${timeoutMs} ms`);
    await sleep(50);
  }
  return performance.now() - t0;
}

/** Waits until neither emulator has logged anything new for `quietMs`. */
export async function quiet(w: World, quietMs = 300): Promise<void> {
  let last = `${w.slack.calls().length}/${w.jira.requests().length}`;
  let since = performance.now();
  while (performance.now() - since < quietMs) {
    await sleep(20);
    const now = `${w.slack.calls().length}/${w.jira.requests().length}`;
    if (now !== last) {
      last = now;
      since = performance.now();
    }
  }
}

/** `max(steps.*.doneAt) - milestones.declared`, in ms. */
export function declaredToDone(incident: SettledIncident): number {
  const done = DECLARE_STEPS.map((s) => incident.steps[s]?.doneAt).filter((d): d is Date => d instanceof Date);
  return Math.max(...done.map((d) => d.getTime())) - incident.declared.getTime();
}
