import { App, SocketModeReceiver } from '@slack/bolt';
import type { Server } from 'node:http';
import type { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import type { AppConfig } from './config.js';
import { boltLogger } from './bolt-logger.js';
import { connectDatabase, type Database } from './db/connect-database.js';
import { createLogger, type Logger } from './logger.js';
import { secretsOf } from './config.js';
import { loadSettings } from './settings/load-settings.js';
import type { Settings } from './settings/schema.js';
import { createJiraGateway } from './services/jira/jira-gateway.js';
import { createSlackGateway } from './services/slack/slack-gateway.js';
import { declareIncident } from './services/incidents/declare-incident.js';
import type { StepDeps } from './services/incidents/declare-pipeline.js';
import { registerListeners } from './listeners/index.js';
import { createAgenda, createChangePublisher, createStepScheduler, registerJobs, scheduleRecurringJobs, type JobSettings } from './listeners/jobs/index.js';
import { updateIncident } from './services/incidents/update-incident.js';
import { createHttpSidecar, listen } from './listeners/http/index.js';

export interface RunningApp {
  settings: Settings;
  logger: Logger;
  database: Database;
  agenda: Agenda;
  httpPort: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Extra knobs for tests and benchmarks; production uses the defaults. */
  jobs?: Partial<JobSettings>;
  clientPingTimeoutMs?: number;
}

/** The composition root: config -> logger -> db -> gateways -> Agenda -> Bolt -> sidecar; stop in reverse. */
export async function startApp(config: AppConfig, options: StartOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const settings = loadSettings(config.settingsPath);
  const database = await connectDatabase({ uri: config.mongodbUri, dataDir: config.ferretDbDataDir, logger });

  const stopped: Array<() => Promise<void>> = [() => database.stop()];
  const stopAll = async () => {
    for (const stop of stopped.reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.warn('error while stopping', { error: (error as Error).message });
      }
    }
  };

  try {
    const slack = createSlackGateway({ token: config.slack.botToken, apiUrl: config.slack.apiUrl, logger });
    const jira = createJiraGateway({ ...config.jira, logger });

    const jobSettings: JobSettings = {
      pollMs: config.steps.pollMs,
      lockLifetimeMs: config.steps.lockMs,
      backoffMs: config.steps.backoffMs,
      maxAttempts: config.steps.maxAttempts,
      resumeEveryMs: 60_000,
      uncertainRetryMs: config.steps.uncertainRetryMs,
      ...options.jobs,
    };
    const agenda = createAgenda(database.connection.db as unknown as Db, jobSettings);
    const scheduler = createStepScheduler(agenda);
    const publisher = createChangePublisher(agenda);
    const stepDeps: StepDeps = { settings, slack, jira, scheduler, logger, maxAttempts: jobSettings.maxAttempts, claimWindowMs: jobSettings.lockLifetimeMs };
    registerJobs(agenda, { ...stepDeps }, jobSettings);
    agenda.on('error', (error: Error) => logger.error('job queue error', { error: error.message }));
    await agenda.start();
    stopped.push(async () => {
      await agenda.drain(10_000);
    });
    await scheduleRecurringJobs(agenda, jobSettings);

    let slackConnected = false;
    const receiver = new SocketModeReceiver({
      appToken: config.slack.appToken,
      logger: boltLogger(logger),
      installerOptions: { clientOptions: { slackApiUrl: config.slack.apiUrl } },
      ...(options.clientPingTimeoutMs ? { clientPingTimeout: options.clientPingTimeoutMs } : {}),
    });
    receiver.client.on('connected', () => {
      slackConnected = true;
    });
    // `close` comes as soon as the socket drops; the client then waits before `reconnecting`.
    for (const down of ['close', 'reconnecting', 'disconnected']) {
      receiver.client.on(down, () => {
        slackConnected = false;
      });
    }
    const bolt = new App({
      token: config.slack.botToken,
      receiver,
      logger: boltLogger(logger),
      clientOptions: { slackApiUrl: config.slack.apiUrl },
    });
    registerListeners(bolt, {
      settings,
      logger,
      services: {
        declareIncident: (input) => declareIncident({ settings, scheduler, logger }, input),
        updateIncident: (input) => updateIncident({ settings, scheduler, publisher, logger }, input),
      },
    });
    bolt.error(async (error) => {
      logger.error('unhandled error in a Slack listener', { error: error.message, code: (error as { code?: string }).code });
    });
    await bolt.start();
    stopped.push(async () => {
      await bolt.stop();
    });
    logger.info('connected to Slack over Socket Mode');

    const sidecar: Server = createHttpSidecar({ probe: { databaseConnected: database.isConnected, slackConnected: () => slackConnected }, logger });
    const httpPort = await listen(sidecar, config.httpPort);
    stopped.push(() => new Promise<void>((resolve) => sidecar.close(() => resolve())));
    logger.info('http sidecar listening', { port: httpPort });

    return { settings, logger, database, agenda, httpPort, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
