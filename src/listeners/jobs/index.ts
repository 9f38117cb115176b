import { Agenda, InMemoryNotificationChannel, type Job } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import { ExternalCallError } from '../../errors.js';
import type { DeclareStep } from '../../models/incident.js';
import { StepRetryError, type StepDeps, type StepScheduler } from '../../services/incidents/declare-pipeline.js';
import { declareStepJob, StepBusyError, type DeclareStepData } from './declare-step-job.js';
import { JOB } from './names.js';
import { withPacedJobScans } from './paced-job-scans.js';
import { resumeDeclarationsJob } from './resume-declarations-job.js';
import { publishChangeJob, type PublishChangeData } from './publish-change-job.js';
import { purgeExpiredJob } from './purge-expired-job.js';
import { requeueJiraSyncJob } from './requeue-jira-sync-job.js';
import { jiraSyncJob, type JiraSyncData } from './jira-sync-job.js';
import { markJiraSyncPending, type JiraSyncDeps } from '../../services/jira/sync-incident-to-jira.js';
import { updateRemindersJob } from './update-reminders-job.js';
import { postmortemRemindersJob } from './postmortem-reminders-job.js';
import { retryJiraDeliveriesJob } from './retry-jira-deliveries-job.js';
import type { ApplyJiraDeps } from '../../services/jira/apply-jira-webhook.js';
import type { PublishDeps } from '../../services/incidents/publish-change.js';
import type { ChangePublisher, JiraSyncQueue } from '../../services/incidents/update-incident.js';
import type { LandbotTicketDeps, LandbotTicketQueue } from '../../services/landbot/create-landbot-ticket.js';
import { landbotTicketJob, type LandbotTicketData } from './landbot-ticket-job.js';

export interface JobSettings {
  pollMs: number;
  lockLifetimeMs: number;
  backoffMs: number;
  maxAttempts: number;
  resumeEveryMs: number;
  /** The least wait after a call whose outcome is unknown, so what it may have done becomes visible to the retry's lookups. */
  uncertainRetryMs: number;
  /** How often the update reminder scan runs (default every minute) and the post-mortem one (default hourly). */
  updateRemindersEveryMs?: number;
  postmortemRemindersEveryMs?: number;
  /** How often accepted Jira deliveries that were not applied are tried again (default every minute), and their least age. */
  jiraDeliveriesEveryMs?: number;
  jiraDeliveryRetryAfterMs?: number;
  /** How often incidents whose changes did not reach Jira after the last try get a new round (default every 5 minutes). */
  jiraSyncBacklogEveryMs?: number;
}

/** The job queue, and how to stop it: let running jobs finish (up to `timeoutMs`), then let no scan reach the database. */
export function createAgenda(db: Db, settings: JobSettings): { agenda: Agenda; stop: (timeoutMs: number) => Promise<void> } {
  // A job name that had nothing due is asked again after ten polls, unless this process queued a job of it meanwhile.
  const { backend, closeScans } = withPacedJobScans(new MongoBackend({ mongo: db }), { idleRescanMs: 10 * settings.pollMs });
  const agenda = new Agenda({
    backend,
    // Jobs queued by this process start at once instead of at the next poll; polling still finds the jobs of other
    // instances and the retries due later. (Change streams, the cross-process channel, do not exist on FerretDB.)
    notificationChannel: new InMemoryNotificationChannel(),
    processEvery: settings.pollMs,
    defaultLockLifetime: settings.lockLifetimeMs,
    removeOnComplete: true,
  });
  const stop = async (timeoutMs: number) => {
    await agenda.drain(timeoutMs);
    await closeScans();
  };
  return { agenda, stop };
}

/** Exponential backoff with jitter, or exactly what the service asked for when it said when to come back (429). */
export function stepBackoff(settings: JobSettings) {
  return ({ attempt, error }: { attempt: number; error: Error }): number | null => {
    if (attempt >= settings.maxAttempts) return null;
    if (error instanceof ExternalCallError && error.details.retryAfterMs) return error.details.retryAfterMs;
    const base = settings.backoffMs * 2 ** (attempt - 1);
    const delay = Math.min(base + Math.floor(Math.random() * settings.backoffMs * 0.2), 5 * 60_000);
    // A timed-out create may still land (and Jira's search lags its writes): look for it only after a while.
    return error instanceof ExternalCallError && error.details.outcomeUnknown ? Math.max(delay, settings.uncertainRetryMs) : delay;
  };
}

/**
 * How many runs of a job type at once, and how many this instance may lock ahead of running them. Agenda's default
 * locks every due job, one database scan each, however few it can run: a burst of a thousand declarations was a
 * thousand scans before the first step ran, and jobs waiting in the local queue outlived their locks.
 */
export function runsAtOnce(concurrency: number): { concurrency: number; lockLimit: number } {
  return { concurrency, lockLimit: concurrency * 4 };
}

/**
 * Declare steps decide themselves when to stop trying (the last failure is recorded and told), so their queue always
 * comes back: after the backoff of the attempt that failed, or, when the step was busy in another worker, after a
 * short wait that grows with each try and never exceeds a lease's lifetime.
 */
export function declareStepBackoff(settings: JobSettings) {
  const backoff = stepBackoff({ ...settings, maxAttempts: Number.POSITIVE_INFINITY });
  return ({ attempt, error }: { attempt: number; error: Error }): number | null => {
    if (error instanceof StepBusyError) return Math.min(settings.backoffMs * attempt, settings.lockLifetimeMs);
    if (error instanceof StepRetryError) return backoff({ attempt: error.attempt, error: error.failure });
    return backoff({ attempt, error });
  };
}

export function registerJobs(agenda: Agenda, deps: StepDeps & PublishDeps, settings: JobSettings): void {
  agenda.define(JOB.declareStep, declareStepJob(deps), { backoff: declareStepBackoff(settings), ...runsAtOnce(5) });
  // One at a time, so the channel shows changes in the order they were made.
  agenda.define(JOB.publishChange, publishChangeJob(deps, settings.maxAttempts), { backoff: stepBackoff(settings), ...runsAtOnce(1) });
  agenda.define(JOB.resumeDeclarations, resumeDeclarationsJob({ scheduler: deps.scheduler, logger: deps.logger, staleAfterMs: settings.resumeEveryMs }), runsAtOnce(1));
  agenda.define(JOB.updateReminders, updateRemindersJob(deps), runsAtOnce(1));
  agenda.define(JOB.postmortemReminders, postmortemRemindersJob(deps), runsAtOnce(1));
  agenda.define(JOB.purgeExpired, purgeExpiredJob({ deliveryRetentionDays: deps.settings.jira.deliveryRetentionDays, logger: deps.logger }), runsAtOnce(1));
}

export async function scheduleRecurringJobs(agenda: Agenda, settings: JobSettings): Promise<void> {
  await agenda.every(settings.resumeEveryMs, JOB.resumeDeclarations);
  await agenda.every(settings.updateRemindersEveryMs ?? 60_000, JOB.updateReminders);
  await agenda.every(settings.postmortemRemindersEveryMs ?? 60 * 60_000, JOB.postmortemReminders);
  await agenda.every(settings.jiraDeliveriesEveryMs ?? 60_000, JOB.retryJiraDeliveries);
  await agenda.every(settings.jiraSyncBacklogEveryMs ?? 5 * 60_000, JOB.requeueJiraSync);
  await agenda.every(60 * 60_000, JOB.purgeExpired);
}

/** The retry of Jira webhook deliveries that were accepted but not applied. */
export function registerJiraDeliveryJobs(agenda: Agenda, deps: ApplyJiraDeps, settings: JobSettings, inFlight: Set<string>): void {
  const options = { olderThanMs: settings.jiraDeliveryRetryAfterMs ?? 30_000, maxTries: settings.maxAttempts, inFlight };
  agenda.define(JOB.retryJiraDeliveries, retryJiraDeliveriesJob(deps, options), runsAtOnce(1));
}

/** Queues a step unless the same step of the same incident is already queued. */
export function createStepScheduler(agenda: Agenda): StepScheduler {
  return {
    schedule: async (incidentId: string, step: DeclareStep) => {
      const data: DeclareStepData = { incidentId, step };
      const job: Job<DeclareStepData> = agenda.create(JOB.declareStep, data);
      job.unique({ 'data.incidentId': incidentId, 'data.step': step }, { insertOnly: true });
      job.schedule(new Date());
      await job.save();
    },
  };
}

/** Queues the Slack side of a recorded change, once per change. */
export function createChangePublisher(agenda: Agenda): ChangePublisher {
  return {
    publish: async (incidentId: string, updateId: string) => {
      const data: PublishChangeData = { incidentId, updateId };
      const job: Job<PublishChangeData> = agenda.create(JOB.publishChange, data);
      job.unique({ 'data.updateId': updateId }, { insertOnly: true });
      job.schedule(new Date());
      await job.save();
    },
  };
}

/**
 * Writing incident changes to Jira: one at a time, so a ticket sees them in the order they were made; and the sweep
 * that gives changes stuck after their last try a new round.
 */
export function registerJiraSyncJob(agenda: Agenda, deps: JiraSyncDeps, settings: JobSettings): void {
  agenda.define(JOB.jiraSync, jiraSyncJob(deps, settings.maxAttempts, settings.lockLifetimeMs), { backoff: stepBackoff(settings), ...runsAtOnce(1) });
  const retry = async (incidentId: string, updateId: string) => {
    const data: JiraSyncData = { incidentId, updateId };
    // Not unique by update like the first job: that one still exists, with its tries used up.
    await agenda.now(JOB.jiraSync, data);
  };
  agenda.define(JOB.requeueJiraSync, requeueJiraSyncJob({ retry, logger: deps.logger }), runsAtOnce(1));
}

/** Queues the Jira side of a recorded change, once per change. */
export function createJiraSyncQueue(agenda: Agenda): JiraSyncQueue {
  return {
    queue: async (incidentId: string, updateId: string) => {
      await markJiraSyncPending(updateId);
      const data: JiraSyncData = { incidentId, updateId };
      const job: Job<JiraSyncData> = agenda.create(JOB.jiraSync, data);
      job.unique({ 'data.updateId': updateId }, { insertOnly: true });
      job.schedule(new Date());
      await job.save();
    },
  };
}

/** Ticket API requests: creation retried with backoff while Jira cannot be reached, then the announcements. */
export function registerLandbotTicketJob(agenda: Agenda, deps: LandbotTicketDeps, settings: JobSettings): void {
  agenda.define(JOB.landbotTicket, landbotTicketJob(deps), { backoff: stepBackoff(settings), ...runsAtOnce(5) });
}

/** One job per request; scheduling it again moves it (the safety net, then the real run). */
export function createLandbotTicketQueue(agenda: Agenda): LandbotTicketQueue {
  return {
    schedule: async (requestId: string, at: Date) => {
      const data: LandbotTicketData = { requestId };
      const job: Job<LandbotTicketData> = agenda.create(JOB.landbotTicket, data);
      job.unique({ 'data.requestId': requestId });
      job.schedule(at);
      await job.save();
    },
  };
}
