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
import { EventEmitter, once } from 'node:events';
import { MongoClient, ObjectId, type Collection, type Document } from 'mongodb';
import mongoose from 'mongoose';
import type { Job } from 'agenda';
import { startApp, type RunningApp } from '../src/app.js';
import { parseConfig, secretsOf, type AppConfig } from '../src/config.js';
import { startEmbeddedFerretDb, type EmbeddedFerretDb } from '../src/db/embedded-ferretdb.js';
import { createLogger } from '../src/logger.js';
import { DECLARE_STEPS, type DeclareStep } from '../src/models/incident.js';
import { JOB } from '../src/listeners/jobs/names.js';
import { loadSettings } from '../src/settings/load-settings.js';
import type { Harness } from '../test/support/app-harness.js';
import { openDeclareForm, setImpact } from '../test/support/declare-driver.js';
import { startJiraEmulator, type JiraEmulator } from '../test/support/jira-emulator/index.js';
import { startSlackEmulator, type SlackEmulator } from '../test/support/slack-emulator/index.js';
import { AckTrace } from './ack-trace.js';
import { BARE_INPUT_LABEL, startBareBoltApp, type BareBoltApp } from './bare-bolt-app.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The knobs the app runs with in the bench: production defaults except the queue polling interval and the log level. */
export function benchEnv(jobPollMs: number): Record<string, string> {
  return { JOB_POLL_MS: String(jobPollMs), LOG_LEVEL: 'warn' };
}

export interface StepTiming {
  /** Date.now() when Agenda started the job (first attempt). */
  startedAt?: number;
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
  /** Agenda job start times per `${incidentId}:${step}`. */
  jobTimes: Map<string, StepTiming>;
  rss: { beforeApp: NodeJS.MemoryUsage; afterApp: NodeJS.MemoryUsage };
  /** The app's one pooled database connection (maxPoolSize=1), seen through the driver's pool events. */
  pool: PoolStats;
  /** Frame timestamps inside both apps, by envelope id. */
  trace: AckTrace;
  /** Incident ids by submission key (the form's view id), seen as the app inserts them. */
  incidentIds: Map<string, string>;
  /** Count of finished declare-step jobs per incident id (a cue to look at the database again). */
  stepEvents: Map<string, number>;
  /** Emits an incident id when one of its declare-step jobs finishes, and `saved:<submission key>` when it is inserted. */
  signals: EventEmitter;
  /** Called with every mongoose operation of the app while set (for counting them). */
  onDbOp: ((collection: string, method: string) => void) | null;
  stop(): Promise<void>;
}

export interface PoolStats {
  /** Checkouts of the app's connection (each is one command or one short sequence, app and Agenda alike). */
  checkouts: number;
  /** Sum of checked-out time, ms. */
  holdMs: number;
  /** Time each checkout waited for the connection, ms. */
  waits: number[];
  reset(): void;
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

export async function startWorld(options: { jobPollMs: number }): Promise<World> {
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
  // The channel where the settings announce P1–P3 (the test harness leaves it out; the app then only warns).
  const incidentsChannelName = (loadSettings('config/settings.json').channels as { incidents?: string }).incidents?.replace(/^#/, '');
  const incidentsChannel = incidentsChannelName ? slack.addChannel({ name: incidentsChannelName }) : slack.addChannel({ name: 'incidents' });

  const trace = new AckTrace();
  trace.install();
  const bare = await startBareBoltApp(bareSlack, trace);
  await bareSlack.waitForConnection(5000);
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
    ...benchEnv(options.jobPollMs),
  };
  const config = parseConfig(env);
  const logPath = path.resolve('.cache', 'bench-app.log');
  const logStream: WriteStream = createWriteStream(logPath, { flags: 'w' });
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config), stream: logStream });
  // Every line (child loggers included) goes through the root logger's write(), whatever its level: note the
  // Socket Mode frame lines for the ack breakdown, then carry on as usual.
  const write = logger.write.bind(logger);
  logger.write = ((info: { message?: unknown }) => {
    trace.observe(info.message);
    return write(info as never);
  }) as typeof logger.write;
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
  const stepEvents = new Map<string, number>();
  const signals = new EventEmitter();
  signals.setMaxListeners(0);
  app.agenda.on(`complete:${JOB.declareStep}`, (job: Job) => {
    const incidentId = (job.attrs.data as { incidentId?: string } | undefined)?.incidentId;
    if (!incidentId) return;
    stepEvents.set(incidentId, (stepEvents.get(incidentId) ?? 0) + 1);
    signals.emit(incidentId);
  });

  // The app's mongoose operations, as mongoose's debug hook reports them (the app shares this mongoose module).
  const incidentIds = new Map<string, string>();
  mongoose.set('debug', (collection: string, method: string, ...args: unknown[]) => {
    world.onDbOp?.(collection, method);
    if (collection === 'incidents' && method === 'insertOne') {
      const doc = args[0] as { _id?: unknown; submissionKey?: unknown } | undefined;
      if (doc && typeof doc.submissionKey === 'string' && doc._id) {
        incidentIds.set(doc.submissionKey, String(doc._id));
        signals.emit(`saved:${doc.submissionKey}`);
      }
    }
  });

  const pool: PoolStats = {
    checkouts: 0,
    holdMs: 0,
    waits: [],
    reset() {
      this.checkouts = 0;
      this.holdMs = 0;
      this.waits = [];
    },
  };
  const client = app.database.connection.getClient();
  const waiting: number[] = [];
  const outSince = new Map<unknown, number>();
  client.on('connectionCheckOutStarted', () => waiting.push(performance.now()));
  client.on('connectionCheckOutFailed', () => waiting.shift());
  client.on('connectionCheckedOut', (event) => {
    const now = performance.now();
    const since = waiting.shift();
    if (since !== undefined) pool.waits.push(now - since);
    pool.checkouts++;
    outSince.set(event.connectionId, now);
  });
  client.on('connectionCheckedIn', (event) => {
    const since = outSince.get(event.connectionId);
    if (since !== undefined) pool.holdMs += performance.now() - since;
    outSince.delete(event.connectionId);
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
    channels: { alertsNormal: alertsNormal.id, alertsHigh: alertsHigh.id, general: slack.generalChannelId, incidents: incidentsChannel.id },
    logLines: [],
    startApp: () => Promise.reject(new Error('the bench starts the app itself')),
    stop: () => Promise.reject(new Error('the bench stops the app itself')),
  };
  const h: Harness = harnessLike;

  const world: World = {
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
    pool,
    trace,
    incidentIds,
    stepEvents,
    signals,
    onDbOp: null,
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
  return world;
}

// ------------------------------------------------------------------------------------------------ single runs

/** One measured envelope: its ack time as the emulator saw it, and its id (for the trace). */
export interface AckSample {
  ackMs: number;
  envelopeId: string;
}

/** `/incident` to the real app; resolves once its form is open. */
export async function appSlash(w: World): Promise<AckSample> {
  // As openDeclareForm (test/support/declare-driver.ts) does it, noting when the ack came in.
  const opened = w.slack.calls('views.open').length;
  const ack = await w.slack.sendSlashCommand({ command: '/incident', userId: w.alice, channelId: w.h.channels.general });
  await w.slack.waitForCalls('views.open', opened + 1);
  if (!w.slack.openViews(w.alice).at(-1)) throw new Error('app: the declare form did not open');
  return { ackMs: ack.ackMs, envelopeId: ack.envelopeId };
}

/** `/incident` to the bare app; resolves once its modal is open. */
export async function bareSlash(w: World): Promise<AckSample & { viewId: string }> {
  const opened = w.bareSlack.calls('views.open').length;
  const ack = await w.bareSlack.sendSlashCommand({ command: '/incident', userId: w.bareUser, channelId: w.bareSlack.generalChannelId });
  await w.bareSlack.waitForCalls('views.open', opened + 1);
  const view = w.bareSlack.openViews(w.bareUser).at(-1);
  if (!view) throw new Error('bare app: no modal open');
  return { ackMs: ack.ackMs, envelopeId: ack.envelopeId, viewId: view.id };
}

/** The bare app's modal, filled and submitted; the submission's ack. */
export async function bareSubmit(w: World, title: string): Promise<AckSample> {
  const { viewId } = await bareSlash(w);
  const result = await w.bareSlack.form(viewId).fill(BARE_INPUT_LABEL, title).submit(w.bareUser);
  if (!result.acked) throw new Error(`bare app: submission not acked ${JSON.stringify(result.clientErrors)}`);
  return { ackMs: result.ackMs, envelopeId: result.envelopeId };
}

export type DeclareKind = 'P1' | 'P4';

export interface Declared {
  viewId: string;
  ackMs: number;
  envelopeId: string;
  /** performance.now() right after the submission ack arrived. */
  ackedAt: number;
  /** Slack call / Jira request log positions: before `/incident`, and just before the submission. */
  marks: { slackStart: number; jiraStart: number; slackSubmit: number; jiraSubmit: number };
  /** Date.now() right after the submission ack arrived (the emulators' call log uses Date.now()). */
  ackedAtMs: number;
  /**
   * Resolves when the app has replaced "declaring…" with the result (its views.update of this view after the
   * save), with the ms from the submission ack to that call.
   */
  confirmed: Promise<number>;
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
  const slackSubmit = w.slack.calls().length;
  const jiraSubmit = w.jira.requests().length;
  const submission = await form.submit(w.alice);
  const ackedAt = performance.now();
  const ackedAtMs = Date.now();
  if (submission.responseAction !== 'update') {
    throw new Error(`declaration refused: ${JSON.stringify(submission.errors ?? submission.clientErrors ?? submission.responseError)}`);
  }
  const viewId = form.viewId;
  const confirmed = w.slack
    .waitUntil(
      () => w.slack.calls().slice(slackSubmit).find((c) => c.method === 'views.update' && c.args.view_id === viewId),
      60_000,
      `the confirmation of view ${viewId}`,
    )
    .then((call) => call.at - ackedAtMs);
  confirmed.catch(() => undefined);
  return { viewId, ackMs: submission.ackMs, envelopeId: submission.envelopeId, ackedAt, ackedAtMs, marks: { slackStart, jiraStart, slackSubmit, jiraSubmit }, confirmed };
}

export interface SettledIncident {
  number: number;
  priority: number;
  declared: Date;
  steps: Record<DeclareStep, { state: string; doneAt: Date | null; attempts: number }>;
  id: string;
}

type IncidentDoc = Document & { number: number; priority: number; milestones: { declared: Date }; steps: SettledIncident['steps'] };

/** The incident, by _id (FerretDB answers that from its primary key; a filter on another field reads every document). */
async function readIncident(w: World, id: string): Promise<IncidentDoc | null> {
  return (await w.incidents.findOne({ _id: new ObjectId(id) }, { projection: { number: 1, priority: 1, milestones: 1, steps: 1 } })) as IncidentDoc | null;
}

const isSettled = (doc: IncidentDoc | null): doc is IncidentDoc => doc !== null && DECLARE_STEPS.every((s) => doc.steps[s]?.state !== 'pending');

/** Resolves on the next `signal`, or after `ms`. */
async function nextSignal(w: World, signal: string, ms: number): Promise<void> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ms);
  try {
    await once(w.signals, signal, { signal: abort.signal });
  } catch {
    // Timed out: look again anyway.
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until every declare step of the incident declared from `viewId` has left `pending`. The database is read
 * (by _id) each time one of its step jobs finishes, and every `fallbackMs` anyway; `settledAt` is performance.now()
 * when the read that saw it settled began.
 */
export async function waitSettled(w: World, viewId: string, fallbackMs = 50, timeoutMs = 60_000): Promise<{ incident: SettledIncident; settledAt: number }> {
  const deadline = performance.now() + timeoutMs;
  let id = w.incidentIds.get(viewId);
  while (!id) {
    if (performance.now() > deadline) throw new Error(`no incident was saved for view ${viewId}`);
    await nextSignal(w, `saved:${viewId}`, fallbackMs);
    id = w.incidentIds.get(viewId);
  }
  for (;;) {
    const seen = w.stepEvents.get(id) ?? 0;
    const readAt = performance.now();
    const doc = await readIncident(w, id);
    if (isSettled(doc)) {
      return {
        incident: { number: doc.number, priority: doc.priority, declared: doc.milestones.declared, steps: doc.steps, id },
        settledAt: readAt,
      };
    }
    if (performance.now() > deadline) throw new Error(`incident of view ${viewId} did not settle within ${timeoutMs} ms`);
    // A step that finished while we read is not missed: then look again at once.
    if ((w.stepEvents.get(id) ?? 0) === seen) await nextSignal(w, id, fallbackMs);
  }
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
