import { App, SocketModeReceiver } from '@slack/bolt';
import type { Server } from 'node:http';
import type { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import type { AppConfig } from './config.js';
import { boltLogger } from './bolt-logger.js';
import { connectDatabase, type Database } from './db/connect-database.js';
import { createLogger, type Logger } from './logger.js';
import { secretsOf } from './config.js';
import { isDatabaseOutage } from './errors.js';
import { loadSettings } from './settings/load-settings.js';
import type { Settings } from './settings/schema.js';
import { createJiraGateway } from './services/jira/jira-gateway.js';
import { createSlackGateway } from './services/slack/slack-gateway.js';
import { declareIncident } from './services/incidents/declare-incident.js';
import { acceptDeclaration, saveSpooledDeclarations, type AcceptDeclarationDeps } from './services/incidents/accept-declaration.js';
import { createSubmissionSpool } from './services/incidents/submission-spool.js';
import { startSpoolDrain } from './listeners/jobs/spool-drain.js';
import type { StepDeps } from './services/incidents/declare-pipeline.js';
import { registerListeners } from './listeners/index.js';
import { ackWhatNoListenerAcked } from './listeners/unacknowledged.js';
import { createAgenda, createChangePublisher, createJiraSyncQueue, registerJiraSyncJob, createStepScheduler, registerJiraDeliveryJobs, registerJobs, scheduleRecurringJobs, createLandbotTicketQueue, registerLandbotTicketJob, type JobSettings } from './listeners/jobs/index.js';
import { updateIncident } from './services/incidents/update-incident.js';
import { findIncidentByChannel, findIncidentById, listOpenIncidents } from './services/incidents/find-incidents.js';
import { addMessageToTimeline } from './services/timeline/add-message-to-timeline.js';
import { describeMessageForDeclaration } from './services/timeline/describe-message.js';
import { trackMembership } from './services/incidents/track-membership.js';
import { createHttpSidecar, listen } from './listeners/http/index.js';
import { createJiraWebhookReceiver } from './listeners/http/jira-webhook.js';
import { createSyncMarkers } from './services/jira/sync-markers.js';
import { createTicketDirectory } from './services/jira/ticket-directory.js';
import type { ApplyJiraDeps } from './services/jira/apply-jira-webhook.js';
import { JOB } from './listeners/jobs/names.js';
import { createHomeRefresher, refreshHomeTabs } from './services/home/refresh-home-tabs.js';
import { createLandbotTicketReceiver } from './listeners/http/landbot-tickets.js';
import type { LandbotTicketDeps } from './services/landbot/create-landbot-ticket.js';
import { createAttachmentFetcher } from './services/landbot/fetch-attachments.js';
import { submitLandbotTicket } from './services/landbot/submit-landbot-ticket.js';
import { createTokenVerifier } from './services/tokens/api-tokens.js';

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
  /** How often the spool of declarations kept during a database outage is looked at (default 2 s). */
  spoolDrainEveryMs?: number;
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
      updateRemindersEveryMs: config.reminderScanMs,
      ...options.jobs,
    };
    const { agenda, stop: stopAgenda } = createAgenda(database.connection.db as unknown as Db, jobSettings);
    const scheduler = createStepScheduler(agenda);
    const publisher = createChangePublisher(agenda);
    // Incident -> Jira: each change with a Jira counterpart becomes a job (services/jira/sync-incident-to-jira.ts). One
    // marker store for both directions: what we write is recognised when its webhook comes back.
    const syncMarkers = createSyncMarkers();
    const jiraSync = createJiraSyncQueue(agenda);
    registerJiraSyncJob(agenda, { settings, jira, slack, markers: syncMarkers, logger }, jobSettings);
    const stepDeps: StepDeps = { settings, slack, jira, scheduler, logger, maxAttempts: jobSettings.maxAttempts, claimWindowMs: jobSettings.lockLifetimeMs };
    // Home tabs follow every change shown in Slack and every declare step, once per burst (see refresh-home-tabs.ts).
    const homeRefresher = createHomeRefresher({
      refresh: (force) => refreshHomeTabs({ settings, logger, publish: (userId, view) => slack.publishHome(userId, view) }, { force }),
      logger,
      everyMs: 10 * 60_000,
    });
    stopped.push(() => homeRefresher.stop());
    registerJobs(agenda, { ...stepDeps, afterPublish: async () => homeRefresher.request() }, jobSettings);
    agenda.on(`complete:${JOB.declareStep}`, () => homeRefresher.request());
    // Jira -> incident: webhooks apply through the same updateIncident as Slack, with origin 'jira'.
    const jiraApplyDeps: ApplyJiraDeps = {
      settings,
      logger,
      slack,
      jira,
      markers: syncMarkers,
      tickets: createTicketDirectory(),
      updateIncident: (input) => updateIncident({ settings, scheduler, publisher, logger }, input),
    };
    if (!config.jira.webhookSecret) logger.warn('JIRA_WEBHOOK_SECRET is not set: every Jira webhook will be refused (401)');
    const tokens = createTokenVerifier({ logger });
    const jiraWebhook = createJiraWebhookReceiver({ secret: config.jira.webhookSecret, logger, deps: jiraApplyDeps, tokens });
    registerJiraDeliveryJobs(agenda, jiraApplyDeps, jobSettings, jiraWebhook.inFlight);
    // The ticket API (Landbot): tickets created at once when Jira answers, else by the retried `landbot-ticket` job.
    const landbotDeps: LandbotTicketDeps = {
      settings,
      jira,
      slack,
      logger,
      fetchAttachments: createAttachmentFetcher(settings.attachments),
      uploadAttachment: (issueKey, file) => jira.addAttachment(issueKey, file),
      queue: createLandbotTicketQueue(agenda),
      maxAttempts: jobSettings.maxAttempts,
      retryDelayMs: Math.max(jobSettings.backoffMs, jobSettings.uncertainRetryMs),
      safetyNetMs: jobSettings.lockLifetimeMs,
    };
    registerLandbotTicketJob(agenda, landbotDeps, jobSettings);
    const landbotTickets = createLandbotTicketReceiver({ settings, tokens, logger, submitTicket: (input) => submitLandbotTicket(landbotDeps, input) });
    // During a database outage every poll fails: say so once every half minute rather than on each poll.
    let outageLoggedAt = 0;
    agenda.on('error', (error: Error) => {
      if (!isDatabaseOutage(error)) return logger.error('job queue error', { error: error.message });
      if (Date.now() - outageLoggedAt < 30_000) return;
      outageLoggedAt = Date.now();
      logger.warn('job queue cannot reach the database; jobs wait for it', { error: error.message });
    });
    await agenda.start();
    stopped.push(() => stopAgenda(10_000));
    await scheduleRecurringJobs(agenda, jobSettings);

    // Declarations are written to a local spool before they are acked, and saved from it once the database answers.
    const acceptDeps: AcceptDeclarationDeps = {
      settings,
      logger,
      spool: createSubmissionSpool(config.spoolDir),
      declare: (input) => declareIncident({ settings, scheduler, logger }, input),
      databaseReachable: database.probe.reachable,
      slack,
      inFlight: new Set(),
    };
    const spoolDrain = startSpoolDrain({ everyMs: options.spoolDrainEveryMs ?? 2000, drain: () => saveSpooledDeclarations(acceptDeps), logger });
    stopped.push(() => spoolDrain.stop());

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
        acceptDeclaration: (input) => acceptDeclaration(acceptDeps, input),
        updateIncident: (input) => updateIncident({ settings, scheduler, publisher, jiraSync, logger }, input),
        findIncidentByChannel,
        findIncidentById,
        listOpenIncidents,
        addMessageToTimeline: (input) => addMessageToTimeline({ settings, slack, logger }, input),
        describeMessageForDeclaration: (input) => describeMessageForDeclaration({ settings, slack, logger }, input),
        trackMembership: (input) => trackMembership({ logger }, input),
      },
    });
    ackWhatNoListenerAcked(bolt, logger);
    bolt.error(async (error) => {
      logger.error('unhandled error in a Slack listener', { error: error.message, code: (error as { code?: string }).code });
    });
    await bolt.start();
    stopped.push(async () => {
      await bolt.stop();
    });
    logger.info('connected to Slack over Socket Mode');

    stopped.push(() => jiraWebhook.drain());
    const sidecar: Server = createHttpSidecar({ probe: { databaseReachable: database.probe.reachable, slackConnected: () => slackConnected }, logger, jiraWebhook, landbotTickets });
    const httpPort = await listen(sidecar, config.httpPort);
    stopped.push(() => new Promise<void>((resolve) => sidecar.close(() => resolve())));
    logger.info('http sidecar listening', { port: httpPort });

    return { settings, logger, database, agenda, httpPort, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
