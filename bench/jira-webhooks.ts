/**
 * Jira webhook receiver benchmark: signed deliveries from a second process (child_process.fork of this file with
 * `--jira-webhooks-load`) over loopback keep-alive connections, first against a bare `node:http` server that only
 * answers 200, then against the real receiver (signature, zod, delivery recorded, change applied through
 * updateIncident on a real database) for the soak duration (60 s by default), sampling memory every 5 s. Each
 * delivery alternates an incident's Jira priority (P2 <-> P3) so every one applies. Last, the database floor: the
 * least database work one applied change needs (read the incident, write it, insert the timeline entry), one after the
 * other on the same connection, which bounds what any receiver can apply per second on this database.
 */
import { fork } from 'node:child_process';
import { Agent, createServer, request, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBenchDatabase } from './bench-database.js';
import { createHttpSidecar, listen } from '../src/listeners/http/index.js';
import { createJiraWebhookReceiver } from '../src/listeners/http/jira-webhook.js';
import { signHubBody } from '../src/listeners/http/verify-signature.js';
import { createLogger } from '../src/logger.js';
import { Incident } from '../src/models/incident.js';
import { IncidentUpdate } from '../src/models/incident-update.js';
import { JiraDelivery } from '../src/models/jira-delivery.js';
import { JiraTicket } from '../src/models/jira-ticket.js';
import type { ApplyJiraDeps } from '../src/services/jira/apply-jira-webhook.js';
import type { JiraGateway } from '../src/services/jira/jira-gateway.js';
import { createTicketDirectory } from '../src/services/jira/ticket-directory.js';
import { createSyncMarkers } from '../src/services/jira/sync-markers.js';
import { updateIncident } from '../src/services/incidents/update-incident.js';
import type { SlackGateway } from '../src/services/slack/slack-gateway.js';
import { loadSettings } from '../src/settings/load-settings.js';
import { mib, ratio } from './stats.js';

export const JIRA_WEBHOOKS_TARGET_PER_S = 300;
const SECRET = 'bench-webhook-secret-0123456789';
const LOAD_FLAG = '--jira-webhooks-load';

export interface JiraWebhooksBenchOptions {
  /** The receiver's series (the memory soak); the bare series runs min(seconds, 10). */
  seconds?: number;
  concurrency?: number;
  incidents?: number;
  uri?: string;
  progress?: (line: string) => void;
}

interface LoadReport {
  sent: number;
  ok: number;
  errors: number;
  statuses: Record<string, number>;
  seconds: number;
}

// ------------------------------------------------------------------------------------------ the load process
async function runLoad(target: { url: string; seconds: number; concurrency: number; incidents: number; offset: number }): Promise<LoadReport> {
  const agent = new Agent({ keepAlive: true, maxSockets: target.concurrency });
  const u = new URL(target.url);
  const report: LoadReport = { sent: 0, ok: 0, errors: 0, statuses: {}, seconds: 0 };
  const started = performance.now();
  const deadline = started + target.seconds * 1000;
  let seq = target.offset;
  const send = (body: string, id: string) =>
    new Promise<number>((resolve) => {
      const req = request(
        { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-hub-signature': signHubBody(body, SECRET), 'x-atlassian-webhook-identifier': id, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.end(body);
    });
  const worker = async (w: number) => {
    // Worker w owns incidents w, w+C, …: one delivery at a time per incident, so each alternation applies.
    const mine = Array.from({ length: Math.ceil(target.incidents / target.concurrency) }, (_, k) => w + k * target.concurrency).filter((i) => i < target.incidents);
    const toggles = new Map<number, boolean>();
    let turn = 0;
    while (performance.now() < deadline && mine.length) {
      const i = mine[turn++ % mine.length]!;
      const high = !toggles.get(i);
      toggles.set(i, high);
      const body = JSON.stringify({
        timestamp: Date.now(),
        webhookEvent: 'jira:issue_updated',
        issue_event_type_name: 'issue_updated',
        user: { accountId: 'bench-person', displayName: 'Bench Person' },
        issue: { id: String(10000 + i), key: `BENCH-${i + 1}`, fields: { summary: `Bench incident ${i + 1}` } },
        changelog: { id: String(++seq), items: [{ field: 'priority', fieldtype: 'jira', fieldId: 'priority', from: high ? '3' : '2', fromString: high ? 'Medium' : 'High', to: high ? '2' : '3', toString: high ? 'High' : 'Medium' }] },
      });
      const status = await send(body, `bench-${process.pid}-${seq}`);
      report.sent++;
      report.statuses[String(status)] = (report.statuses[String(status)] ?? 0) + 1;
      if (status === 200) report.ok++;
      else report.errors++;
    }
  };
  await Promise.all(Array.from({ length: target.concurrency }, (_, w) => worker(w)));
  report.seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return report;
}

if (process.argv.includes(LOAD_FLAG)) {
  process.on('message', (message: { url: string; seconds: number; concurrency: number; incidents: number; offset: number }) => {
    void runLoad(message).then((report) => {
      process.send!(report);
    });
  });
}

// ------------------------------------------------------------------------------------------ the measuring process
function loadProcess() {
  return fork(fileURLToPath(import.meta.url), [LOAD_FLAG], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function runPhase(child: ReturnType<typeof loadProcess>, job: { url: string; seconds: number; concurrency: number; incidents: number; offset: number }): Promise<LoadReport> {
  return new Promise((resolve) => {
    child.once('message', (report) => resolve(report as LoadReport));
    child.send(job);
  });
}

const SAMPLE_EVERY_MS = 5000;

interface MemorySample {
  atMs: number;
  rss: number;
  heapUsed: number;
}

/** RSS as the process holds it, and the heap after a collection when `--expose-gc` is on (what is really kept). */
function sampleMemory(atMs: number): MemorySample {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { atMs, rss: m.rss, heapUsed: m.heapUsed };
}

/** Changes per second when each does only the database work every applied change needs, sequentially. */
async function databaseFloor(incidents: number, seconds: number): Promise<number> {
  const ids = (await Incident.find({}, { _id: 1 }).limit(incidents).lean()).map((d) => d._id);
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let n = 0;
  while (performance.now() < deadline) {
    const id = ids[n % ids.length]!;
    const incident = await Incident.findById(id);
    await Incident.updateOne({ _id: id }, { $set: { priority: incident!.priority === 2 ? 3 : 2 } });
    await IncidentUpdate.create({ incidentId: id, eventType: 'updated', eventAt: new Date(), origin: 'jira', actorSlackId: null, message: null, changes: {} });
    n++;
  }
  return n / ((performance.now() - started) / 1000);
}

const quietSlack = { postMessage: async (channel: string) => ({ channel, ts: '1.1' }), lookupUserByEmail: async () => null } as unknown as SlackGateway;
const quietJira = { myAccountId: async () => 'bench-app', findUserByAccountId: async () => null, listWatchers: async () => [] } as unknown as JiraGateway;

export async function benchJiraWebhooks(options: JiraWebhooksBenchOptions = {}): Promise<{ report: string; appliedPerS: number; errors: number }> {
  const seconds = options.seconds ?? 60;
  const bareSeconds = Math.min(seconds, 10);
  const concurrency = options.concurrency ?? 16;
  const incidents = options.incidents ?? 64;
  const progress = options.progress ?? (() => undefined);
  const settings = loadSettings('config/settings.json');
  const logger = createLogger({ level: 'error', secrets: [SECRET], silent: true });

  const database = await openBenchDatabase('jira-webhooks', options.uri);
  const servers: Server[] = [];
  const child = loadProcess();
  try {
    progress(`seeding ${incidents} P3 incidents with tickets`);
    const now = new Date();
    for (let i = 0; i < incidents; i++) {
      const doc = await Incident.create({
        number: i + 1, submissionKey: `bench-${i}`, status: 'INVESTIGATING', priority: 3, title: `Bench incident ${i + 1}`, description: 'A benchmark incident.', category: 'cdn',
        environments: ['PRD'], platforms: ['platform-All'], impacts: [], reporter: { slackId: 'UBENCH' }, milestones: { declared: now },
        channel: { id: `CBENCH${i}`, name: `inc-bench-${i}` }, jira: { key: `BENCH-${i + 1}`, url: `https://jira.example/browse/BENCH-${i + 1}` },
        steps: Object.fromEntries(['channel', 'channel_setup', 'jira_ticket', 'jira_links', 'notify'].map((s) => [s, { state: 'done', attempts: 1 }])),
      });
      await JiraTicket.create({ incidentId: doc._id, issueId: String(10000 + i), key: `BENCH-${i + 1}`, url: `https://jira.example/browse/BENCH-${i + 1}`, projectKey: 'BENCH' });
    }
    let published = 0;
    const deps: ApplyJiraDeps = {
      settings, logger, slack: quietSlack, jira: quietJira, markers: createSyncMarkers(), tickets: createTicketDirectory(),
      updateIncident: (input) => updateIncident({ settings, logger, scheduler: { schedule: async () => undefined }, publisher: { publish: async () => void published++ } }, input),
    };
    const receiver = createJiraWebhookReceiver({ secret: SECRET, logger, deps });
    const app = createHttpSidecar({ probe: { databaseReachable: async () => true, slackConnected: () => true }, logger, jiraWebhook: receiver });
    const bare = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
        res.end('{}');
      });
    });
    servers.push(app, bare);
    const appPort = await listen(app, 0);
    const barePort = await listen(bare, 0);

    progress(`bare node:http for ${bareSeconds} s, ${concurrency} connections`);
    const bareReport = await runPhase(child, { url: `http://127.0.0.1:${barePort}/webhooks/jira`, seconds: bareSeconds, concurrency, incidents, offset: 0 });

    progress(`the Jira webhook receiver for ${seconds} s, ${concurrency} connections`);
    const memory: MemorySample[] = [sampleMemory(0)];
    const sampler = setInterval(() => memory.push(sampleMemory(memory.length * SAMPLE_EVERY_MS)), SAMPLE_EVERY_MS);
    const started = performance.now();
    const appReport = await runPhase(child, { url: `http://127.0.0.1:${appPort}/webhooks/jira`, seconds, concurrency, incidents, offset: 10_000_000 });
    await receiver.drain();
    const appliedSeconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    memory.push(sampleMemory(Math.round(appliedSeconds * 1000)));
    const applied = await JiraDelivery.countDocuments({ state: 'applied' });
    const notApplied = await JiraDelivery.countDocuments({ state: { $ne: 'applied' } });

    progress('the database floor: read, write and timeline entry of one change, one after the other, for 5 s');
    const floorPerS = await databaseFloor(incidents, 5);

    const appliedPerS = applied / appliedSeconds;
    const barePerS = bareReport.ok / bareReport.seconds;
    const appPerS = appReport.ok / appReport.seconds;
    const errors = appReport.errors + notApplied + (applied === published ? 0 : Math.abs(applied - published));
    const half = Math.floor(memory.length / 2);
    const heapGrowth = memory.at(-1)!.heapUsed - memory[Math.min(2, memory.length - 1)]!.heapUsed;
    const report = [
      `Jira webhooks: ${concurrency} keep-alive connections from a second process, ${incidents} incidents`,
      `  bare node:http 200 (${bareSeconds} s):     ${barePerS.toFixed(0)} answers/s (${bareReport.ok} ok, ${bareReport.errors} errors)`,
      `  receiver answered (${seconds} s):     ${appPerS.toFixed(0)} deliveries/s (${appReport.ok} ok, ${appReport.errors} errors, statuses ${JSON.stringify(appReport.statuses)})`,
      `  receiver applied:             ${appliedPerS.toFixed(0)} deliveries/s (${applied} applied incl. the drain, ${notApplied} not applied, ${published} changes published) — target ${JIRA_WEBHOOKS_TARGET_PER_S}/s`,
      `  ratio bare / receiver:        ${ratio(barePerS, appliedPerS)}`,
      `  database floor (same run):    ${floorPerS.toFixed(0)} changes/s — read + write + timeline entry, nothing else`,
      `  memory every ${SAMPLE_EVERY_MS / 1000} s (RSS / heap used after GC): ${memory.map((m) => `${(m.rss / 1048576).toFixed(0)}/${(m.heapUsed / 1048576).toFixed(0)}`).join(' ')} MiB`,
      `  heap used, 10 s in -> end:    ${heapGrowth >= 0 ? '+' : '−'}${mib(Math.abs(heapGrowth))}; RSS first half max ${mib(Math.max(...memory.slice(0, half).map((m) => m.rss)))}, second half max ${mib(Math.max(...memory.slice(half).map((m) => m.rss)))}`,
      `  verdict: ${appliedPerS >= JIRA_WEBHOOKS_TARGET_PER_S && errors === 0 ? 'PASS' : 'FAIL'}`,
    ].join('\n');
    return { report, appliedPerS, errors };
  } finally {
    child.kill();
    for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
    await database.close();
  }
}
