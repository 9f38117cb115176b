/**
 * Ticket API (Landbot) benchmark: requests with a valid Bearer token from a second process (child_process.fork of this
 * file with `--landbot-api-load`) over loopback keep-alive connections, first against a bare `node:http` server that
 * answers 201 with a key, then against the real route: token checked in the store, body checked, request recorded,
 * reporter resolved and ticket created through jira.js against the Jira emulator at zero latency, job queued. Every
 * request has its own summary, so each one makes a ticket. Reported: requests/s, p50/p99 latency, errors, RSS.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, createServer, request, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from 'mongodb';
import { openBenchDatabase } from './bench-database.js';
import { createHttpSidecar, listen } from '../src/listeners/http/index.js';
import { createLandbotTicketReceiver } from '../src/listeners/http/landbot-tickets.js';
import { createAgenda, createLandbotTicketQueue } from '../src/listeners/jobs/index.js';
import { createLogger } from '../src/logger.js';
import { LandbotRequest } from '../src/models/landbot-request.js';
import { createJiraGateway } from '../src/services/jira/jira-gateway.js';
import type { LandbotTicketDeps } from '../src/services/landbot/create-landbot-ticket.js';
import { submitLandbotTicket } from '../src/services/landbot/submit-landbot-ticket.js';
import { createSlackGateway } from '../src/services/slack/slack-gateway.js';
import { createApiToken, createTokenVerifier } from '../src/services/tokens/api-tokens.js';
import { loadSettings } from '../src/settings/load-settings.js';
import { startJiraEmulator } from '../test/support/jira-emulator/index.js';
import { startSlackEmulator } from '../test/support/slack-emulator/index.js';
import { mib, ms, ratio, summarize, type Summary } from './stats.js';

const LOAD_FLAG = '--landbot-api-load';
const REPORTERS = ['ana@example.com', 'ben@example.com', 'cyd@partner.io', 'dee@example.com'];

export interface LandbotApiBenchOptions {
  seconds?: number;
  concurrency?: number;
  uri?: string;
  progress?: (line: string) => void;
}

interface LoadJob {
  url: string;
  token: string;
  seconds: number;
  concurrency: number;
  tag: string;
}

interface LoadReport {
  ok: number;
  errors: number;
  statuses: Record<string, number>;
  seconds: number;
  latencies: number[];
}

// ------------------------------------------------------------------------------------------ the load process
async function runLoad(job: LoadJob): Promise<LoadReport> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const u = new URL(job.url);
  const report: LoadReport = { ok: 0, errors: 0, statuses: {}, seconds: 0, latencies: [] };
  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  let seq = 0;
  const send = (body: string) =>
    new Promise<number>((resolve) => {
      const req = request(
        { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${job.token}`, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.end(body);
    });
  const worker = async () => {
    while (performance.now() < deadline) {
      const n = ++seq;
      const body = JSON.stringify({
        summary: `Bench ${job.tag} request ${n}`,
        description: 'Customers see an error on the payment step.',
        seller_contract_id: '',
        zoho: '',
        zendesk: n % 3 === 0 ? `ZD-${n}` : '',
        platform: 'FR',
        reporter_email: REPORTERS[n % REPORTERS.length],
        incident_category: 'Payment Processing',
        suggested_team_routing: 'PAY',
        priority: 4,
        business_impact: n % 2 ? 'High' : 'Low',
        labels: ['originBot'],
        environments: ['PRD'],
        issue_type: 'Incident',
      });
      const t0 = performance.now();
      const status = await send(body);
      report.latencies.push(performance.now() - t0);
      report.statuses[String(status)] = (report.statuses[String(status)] ?? 0) + 1;
      if (status === 201) report.ok++;
      else report.errors++;
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, () => worker()));
  report.seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return report;
}

if (process.argv.includes(LOAD_FLAG)) {
  process.on('message', (message: LoadJob) => {
    void runLoad(message).then((report) => process.send!(report));
  });
}

// ------------------------------------------------------------------------------------------ the measuring process
function loadProcess() {
  return fork(fileURLToPath(import.meta.url), [LOAD_FLAG], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function runPhase(child: ReturnType<typeof loadProcess>, job: LoadJob): Promise<LoadReport> {
  return new Promise((resolve) => {
    child.once('message', (report) => resolve(report as LoadReport));
    child.send(job);
  });
}

export interface LandbotApiResult {
  report: string;
  bare: { perS: number; latency: Summary };
  api: { perS: number; latency: Summary; errors: number; recorded: number };
}

export async function benchLandbotApi(options: LandbotApiBenchOptions = {}): Promise<LandbotApiResult> {
  const seconds = options.seconds ?? 20;
  const concurrency = options.concurrency ?? 16;
  const progress = options.progress ?? (() => undefined);
  const settings = loadSettings('config/settings.json');
  const logger = createLogger({ level: 'error', secrets: [], silent: true });

  const database = await openBenchDatabase('landbot-api', options.uri);
  const { connection } = database;
  const jiraEmulator = await startJiraEmulator({ latencyMs: 0 });
  const slackEmulator = await startSlackEmulator();
  for (const key of ['SBI', 'PAY', 'INC']) jiraEmulator.addProject({ key });
  for (const email of REPORTERS.filter((e) => e.endsWith('@example.com'))) {
    jiraEmulator.addUser({ email, displayName: email.split('@')[0]! });
    slackEmulator.addUser({ name: email.split('@')[0]!, email });
  }
  const servers: Server[] = [];
  const child = loadProcess();
  const { agenda } = createAgenda(connection.db as unknown as Db, { pollMs: 60_000, lockLifetimeMs: 60_000, backoffMs: 1000, maxAttempts: 3, resumeEveryMs: 60_000, uncertainRetryMs: 1000 });
  try {
    const { token } = await createApiToken('bench');
    const jira = createJiraGateway({ url: jiraEmulator.url, email: jiraEmulator.email, apiToken: jiraEmulator.apiToken, timeoutMs: 10_000, logger });
    const slack = createSlackGateway({ token: slackEmulator.botToken, apiUrl: slackEmulator.apiUrl, logger });
    // The job queue is not started: the jobs a request queues are saved (that cost is measured), not run.
    const deps: LandbotTicketDeps = {
      settings,
      jira,
      slack,
      logger,
      fetchAttachments: async (urls) => ({ fetched: [], refused: urls.map((url) => ({ url, reason: 'not fetched in the benchmark' })) }),
      uploadAttachment: async () => undefined,
      queue: createLandbotTicketQueue(agenda),
      maxAttempts: 3,
      retryDelayMs: 1000,
      safetyNetMs: 60_000,
    };
    const tickets = createLandbotTicketReceiver({ settings, tokens: createTokenVerifier({ logger }), logger, submitTicket: (input) => submitLandbotTicket(deps, input) });
    const app = createHttpSidecar({ probe: { databaseReachable: async () => true, slackConnected: () => true }, logger, landbotTickets: tickets });
    const bare = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json', 'content-length': 10 });
        res.end('"SBI-1234"');
      });
    });
    servers.push(app, bare);
    const appPort = await listen(app, 0);
    const barePort = await listen(bare, 0);
    const tag = randomBytes(3).toString('hex');

    progress(`landbot api: bare node:http for ${seconds} s, ${concurrency} connections`);
    const bareReport = await runPhase(child, { url: `http://127.0.0.1:${barePort}/api/raid/tickets`, token, seconds, concurrency, tag: `${tag}-bare` });

    progress(`landbot api: the ticket route for ${seconds} s, ${concurrency} connections`);
    const rss = { start: process.memoryUsage().rss, end: 0 };
    const appReport = await runPhase(child, { url: `http://127.0.0.1:${appPort}/api/raid/tickets`, token, seconds, concurrency, tag });
    rss.end = process.memoryUsage().rss;
    const recorded = await LandbotRequest.countDocuments({ state: 'created' });
    const tickets201 = jiraEmulator.issues().length;

    const bareResult = { perS: bareReport.ok / bareReport.seconds, latency: summarize(bareReport.latencies) };
    const apiResult = { perS: appReport.ok / appReport.seconds, latency: summarize(appReport.latencies), errors: appReport.errors, recorded };
    const report = [
      `Ticket API (Landbot): ${seconds} s per series, ${concurrency} keep-alive connections from a second process, Jira emulator at 0 ms`,
      `  bare node:http 201:   ${bareResult.perS.toFixed(0)} requests/s, p50 ${ms(bareResult.latency.p50, 2)} ms, p99 ${ms(bareResult.latency.p99, 2)} ms (${bareReport.ok} ok, ${bareReport.errors} errors)`,
      `  ticket route 201:     ${apiResult.perS.toFixed(0)} requests/s, p50 ${ms(apiResult.latency.p50)} ms, p99 ${ms(apiResult.latency.p99)} ms (${appReport.ok} ok, ${appReport.errors} errors, statuses ${JSON.stringify(appReport.statuses)})`,
      `  tickets:              ${tickets201} in Jira, ${recorded} requests recorded as created`,
      `  ratio bare / route:   ${ratio(bareResult.perS, apiResult.perS)} (requests/s)`,
      `  RSS start/end:        ${mib(rss.start)} / ${mib(rss.end)}`,
    ].join('\n');
    return { report, bare: bareResult, api: apiResult };
  } finally {
    child.kill();
    for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
    await jiraEmulator.stop();
    await slackEmulator.stop();
    await database.close();
  }
}
