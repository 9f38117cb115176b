import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import mongoose from 'mongoose';
import { startApp, type RunningApp, type StartOptions } from '../../src/app.js';
import { parseConfig, secretsOf, type AppConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { Incident } from '../../src/models/incident.js';
import { loadSettings } from '../../src/settings/load-settings.js';
import type { Settings } from '../../src/settings/schema.js';
import { startJiraEmulator, type JiraEmulator } from './jira-emulator/index.js';
import { startSlackEmulator, type SlackEmulator } from './slack-emulator/index.js';
import { testDatabaseUri } from './database.js';
import { collectLogs, registerConfiguredSecrets } from './log-audit.js';

export interface Harness {
  slack: SlackEmulator;
  jira: JiraEmulator;
  app: RunningApp | null;
  config: AppConfig;
  settings: Settings;
  env: Record<string, string>;
  users: { alice: { id: string; email: string }; bob: { id: string; email: string } };
  jiraAccounts: { alice: string };
  channels: { alertsNormal: string; alertsHigh: string; general: string; incidents: string };
  logLines: string[];
  startApp(options?: StartOptions): Promise<RunningApp>;
  stop(): Promise<void>;
}

/**
 * The real app against the Slack and Jira emulators and a fresh database on the test FerretDB. Workspace: Alice
 * (with a Jira account) and Bob (without one), the two default alert channels, and the Jira projects of the settings.
 */
export async function startHarness(label: string, options: { env?: Record<string, string>; start?: boolean } = {}): Promise<Harness> {
  const slack = await startSlackEmulator();
  const jira = await startJiraEmulator();
  const alice = slack.addUser({ name: 'alice', email: 'alice@example.com' });
  const bob = slack.addUser({ name: 'bob', email: 'bob@partner.io' });
  const aliceJira = jira.addUser({ email: 'alice@example.com', displayName: 'Alice Martin' });
  for (const key of ['INC', 'SRCH', 'CHK', 'CAT', 'PAY', 'PLAT', 'SBI', 'INCIDENT']) jira.addProject({ key, name: `Project ${key}` });
  const alertsNormal = slack.addChannel({ name: 'raid-alert-incidents-normal' });
  const alertsHigh = slack.addChannel({ name: 'raid-alert-incidents-high' });
  const incidents = slack.addChannel({ name: 'incidents' });

  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    MONGODB_URI: testDatabaseUri(label),
    SUBMISSION_SPOOL_DIR: mkdtempSync(path.join(tmpdir(), 'incident-spool-')),
    JIRA_URL: jira.url,
    JIRA_EMAIL: jira.email,
    JIRA_API_TOKEN: jira.apiToken,
    JIRA_WEBHOOK_SECRET: 'test-webhook-secret-0123456789',
    HTTP_PORT: '0',
    LOG_LEVEL: 'info',
    STEP_BACKOFF_MS: '40',
    STEP_MAX_ATTEMPTS: '4',
    JOB_POLL_MS: '40',
    JOB_LOCK_MS: '10000',
    JIRA_TIMEOUT_MS: '3000',
    STEP_UNCERTAIN_RETRY_MS: '100',
    ...options.env,
  };
  const config = parseConfig(env);
  registerConfiguredSecrets(env);
  const logLines: string[] = [];
  const audited = collectLogs(`harness:${label}`);
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      audited.push(String(chunk));
      if (process.env.TEST_LOGS) process.stderr.write(chunk);
      done();
    },
  });

  const harness: Harness = {
    slack,
    jira,
    app: null,
    config,
    settings: loadSettings(config.settingsPath),
    env,
    users: { alice: { id: alice.id, email: 'alice@example.com' }, bob: { id: bob.id, email: 'bob@partner.io' } },
    jiraAccounts: { alice: aliceJira.accountId },
    channels: { alertsNormal: alertsNormal.id, alertsHigh: alertsHigh.id, general: slack.generalChannelId, incidents: incidents.id },
    logLines,
    startApp: async (startOptions = {}) => {
      const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config), stream });
      harness.app = await startApp(config, { logger, ...startOptions });
      await slack.waitForConnection(5000);
      return harness.app;
    },
    stop: async () => {
      if (harness.app) {
        if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) await mongoose.connection.dropDatabase().catch(() => undefined);
        await harness.app.stop();
      }
      await slack.stop();
      await jira.stop();
    },
  };
  if (options.start !== false) await harness.startApp();
  return harness;
}

/** Polls until `check` returns a value, or fails with what it was waiting for. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until every declare step of the incident has finished (done, skipped or failed). */
export async function stepsSettled(number: number, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const incident = await Incident.findOne({ number });
      if (!incident) return null;
      const states = Object.values(incident.toObject().steps).map((s) => (s as { state: string }).state);
      return states.every((s) => s !== 'pending') ? incident : null;
    },
    `incident #${number} steps to settle`,
    timeoutMs,
  );
}
