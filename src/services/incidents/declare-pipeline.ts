import { ExternalCallError } from '../../errors.js';
import { Incident, DECLARE_STEPS, type DeclareStep, type IncidentDocument } from '../../models/incident.js';
import { acquireStepLease } from './step-lease.js';
import type { Logger } from '../../logger.js';
import type { Settings } from '../../settings/schema.js';
import type { JiraGateway } from '../jira/jira-gateway.js';
import type { SlackGateway } from '../slack/slack-gateway.js';
import { stepFailedMessage } from '../../views/incident-messages.js';
import { toIncidentFacts } from './incident-facts.js';
import { createChannel } from './steps/create-channel.js';
import { setUpChannel } from './steps/set-up-channel.js';
import { createJiraTicket } from './steps/create-jira-ticket.js';
import { linkJiraTicket } from './steps/link-jira-ticket.js';
import { notifyReporterAndAlertChannels } from './steps/notify-reporter-and-alert-channels.js';

/** Puts a step on the durable queue; `delayMs` for a retry at a given time. Implemented with Agenda. */
export interface StepScheduler {
  schedule(incidentId: string, step: DeclareStep): Promise<void>;
}

export interface StepDeps {
  settings: Settings;
  slack: SlackGateway;
  jira: JiraGateway;
  scheduler: StepScheduler;
  logger: Logger;
  maxAttempts: number;
  /** How long a step's lease outlives its holder's last renewal, i.e. how soon a step whose worker died is taken over. */
  claimWindowMs: number;
  now?: () => number;
}

export interface StepContext {
  incident: IncidentDocument;
  deps: StepDeps;
  /** True when an earlier attempt started and may have acted outside before it could record the result. */
  reconcile: boolean;
  /** Records results on the incident at once, so the next attempt knows what is already done. */
  record(fields: Record<string, unknown>): Promise<void>;
}

/** Each step and the steps that must be done (or skipped) before it may run. */
export const STEP_DEPENDENCIES: Record<DeclareStep, DeclareStep[]> = {
  channel: [],
  channel_setup: ['channel'],
  jira_ticket: [],
  jira_links: ['jira_ticket', 'channel_setup'],
  notify: ['jira_ticket'],
};

const STEP_RUNNERS: Record<DeclareStep, (ctx: StepContext) => Promise<void>> = {
  channel: createChannel,
  channel_setup: setUpChannel,
  jira_ticket: createJiraTicket,
  jira_links: linkJiraTicket,
  notify: notifyReporterAndAlertChannels,
};

export const STEP_DESCRIPTIONS: Record<DeclareStep, string> = {
  channel: 'creating the incident channel',
  channel_setup: 'setting up the incident channel',
  jira_ticket: 'creating the Jira ticket',
  jira_links: 'linking the Jira ticket and the channel',
  notify: 'notifying you and the alert channels',
};

const finished = (state: string | undefined) => state === 'done' || state === 'skipped';

/** Schedules every pending step whose dependencies are finished. Safe to call any number of times. */
export async function scheduleReadySteps(scheduler: StepScheduler, incident: IncidentDocument): Promise<DeclareStep[]> {
  const ready = DECLARE_STEPS.filter(
    (step) => incident.steps[step]?.state === 'pending' && STEP_DEPENDENCIES[step].every((dep) => finished(incident.steps[dep]?.state)),
  );
  for (const step of ready) await scheduler.schedule(incident._id.toString(), step);
  return ready;
}

export type StepOutcome = 'done' | 'already_done' | 'busy' | 'failed' | 'missing';

/**
 * A step attempt failed in a way another attempt may mend. `attempt` counts the attempts that acted (the queue's own
 * count also includes runs that found the step busy), so the queue waits the backoff due to this attempt.
 */
export class StepRetryError extends Error {
  constructor(
    readonly attempt: number,
    readonly failure: Error,
  ) {
    super(failure.message, { cause: failure });
    this.name = 'StepRetryError';
  }
}

/**
 * Runs one declare step for one incident, unless it is finished or another worker is acting on it ('busy': the queue
 * comes back later). A retryable failure is thrown as a StepRetryError so the queue retries it with backoff; the last
 * failure is recorded on the incident and told to the reporter.
 */
export async function runDeclareStep(deps: StepDeps, incidentId: string, step: DeclareStep): Promise<StepOutcome> {
  const lease = await acquireStepLease(`${incidentId}:${step}`, {
    lifetimeMs: deps.claimWindowMs,
    now: deps.now ?? Date.now,
    onRenewalError: (error) => deps.logger.warn('could not renew a declare step lease', { incidentId, job: `declare:${step}`, error: error.message }),
  });
  if (!lease) return 'busy';
  try {
    // Read under the lease: a worker that held it before may have finished the step.
    const incident = await Incident.findById(incidentId);
    if (!incident) return 'missing';
    if (incident.steps[step]?.state !== 'pending') return 'already_done';
    return await runLeasedStep(deps, incident, step);
  } finally {
    await lease.release();
  }
}

async function runLeasedStep(deps: StepDeps, incident: IncidentDocument, step: DeclareStep): Promise<StepOutcome> {
  const now = deps.now ?? Date.now;
  const previousAttempts = incident.steps[step]?.attempts ?? 0;
  const attempt = previousAttempts + 1;
  await Incident.updateOne({ _id: incident._id }, { $set: { [`steps.${step}.attempts`]: attempt } });
  const log = deps.logger.child({ incident: incident.number, job: `declare:${step}`, attempt });

  const ctx: StepContext = {
    incident,
    deps,
    reconcile: previousAttempts > 0,
    record: async (fields) => {
      await Incident.updateOne({ _id: incident._id }, { $set: fields });
      for (const [path, value] of Object.entries(fields)) incident.set(path, value);
    },
  };

  try {
    await STEP_RUNNERS[step](ctx);
  } catch (error) {
    // Slack and Jira say whether trying again can help; anything else (a database hiccup) is worth another try.
    const retryable = error instanceof ExternalCallError ? error.details.retryable : true;
    const reason = (error as Error).message;
    if (retryable && attempt < deps.maxAttempts) {
      log.warn('declare step failed, will retry', { error: reason });
      await Incident.updateOne({ _id: incident._id }, { $set: { [`steps.${step}.lastError`]: reason } });
      throw new StepRetryError(attempt, error as Error);
    }
    log.error('declare step failed for good', { error: reason });
    await failStep(deps, incident, step, reason, attempt);
    return 'failed';
  }

  await ctx.record({ [`steps.${step}.state`]: 'done', [`steps.${step}.doneAt`]: new Date(now()), [`steps.${step}.lastError`]: null });
  log.info('declare step done');
  await scheduleStepsAfter(deps, incident._id.toString());
  return 'done';
}

/** Records the failure, skips what depended on it, and tells the reporter which step failed. */
async function failStep(deps: StepDeps, incident: IncidentDocument, step: DeclareStep, reason: string, attempts: number): Promise<void> {
  const dependents = DECLARE_STEPS.filter((s) => dependsOn(s, step) && incident.steps[s]?.state === 'pending');
  const fields: Record<string, unknown> = { [`steps.${step}.state`]: 'failed', [`steps.${step}.lastError`]: reason };
  for (const s of dependents) {
    fields[`steps.${s}.state`] = 'skipped';
    fields[`steps.${s}.lastError`] = `not run: ${STEP_DESCRIPTIONS[step]} failed`;
  }
  await Incident.updateOne({ _id: incident._id }, { $set: fields });
  for (const [path, value] of Object.entries(fields)) incident.set(path, value);
  const message = stepFailedMessage(toIncidentFacts(incident), STEP_DESCRIPTIONS[step], reason, attempts);
  try {
    await deps.slack.postMessage(incident.reporter.slackId, message);
    if (incident.channel?.id && step !== 'channel') await deps.slack.postMessage(incident.channel.id, message);
  } catch (error) {
    deps.logger.error('could not tell the reporter that a step failed', { incident: incident.number, error: (error as Error).message });
  }
  // Steps that did not depend on the failed one may now be ready.
  await scheduleStepsAfter(deps, incident._id.toString());
}

/**
 * Re-reads the incident before looking for ready steps: another step may have finished meanwhile, and the copy this
 * step started with would not show it. Whichever of two concurrent steps writes last sees both and queues the next.
 */
async function scheduleStepsAfter(deps: StepDeps, incidentId: string): Promise<void> {
  const fresh = await Incident.findById(incidentId);
  if (fresh) await scheduleReadySteps(deps.scheduler, fresh);
}

function dependsOn(step: DeclareStep, on: DeclareStep): boolean {
  const direct = STEP_DEPENDENCIES[step];
  return direct.includes(on) || direct.some((d) => dependsOn(d, on));
}
