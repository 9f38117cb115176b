import { Incident, type DeclareStep, type IncidentDocument } from '../../models/incident.js';
import { IncidentUpdate } from '../../models/incident-update.js';
import type { Logger } from '../../logger.js';
import type { Settings } from '../../settings/schema.js';
import { nextIncidentNumber } from './next-incident-number.js';
import { scheduleReadySteps, type StepScheduler } from './declare-pipeline.js';
import type { Declaration } from './validate-declaration.js';

export interface DeclareIncidentDeps {
  settings: Settings;
  scheduler: StepScheduler;
  logger: Logger;
  now?: () => Date;
}

export interface DeclareIncidentInput {
  declaration: Declaration;
  reporter: { slackId: string; name?: string | null; email?: string | null };
  /** Natural key of this declaration (the Slack view id): declaring twice with it returns the first incident. */
  submissionKey: string;
}

/**
 * Saves the incident at once (number, reporter as commander, the `declared` milestone and timeline entry), then
 * hands the side effects to durable steps. Everything after the save can fail and be retried without losing it.
 */
export async function declareIncident(deps: DeclareIncidentDeps, input: DeclareIncidentInput): Promise<{ incident: IncidentDocument; created: boolean }> {
  const existing = await Incident.findOne({ submissionKey: input.submissionKey });
  if (existing) {
    // An earlier try may have stopped right after the insert (the database went away): finish what it left.
    await finishInterruptedDeclaration(deps, existing);
    return { incident: existing, created: false };
  }

  const now = (deps.now ?? (() => new Date()))();
  const { declaration: d } = input;
  const critical = d.priority.responseType === 'critical';
  const stepState = (applies: boolean) => ({ state: applies ? ('pending' as const) : ('skipped' as const), attempts: 0 });

  let incident: IncidentDocument | null = null;
  for (let attempt = 0; attempt < 5 && !incident; attempt++) {
    const number = await nextIncidentNumber();
    try {
      incident = await Incident.create({
        number,
        submissionKey: input.submissionKey,
        title: d.title,
        description: d.description,
        status: 'OPEN',
        priority: d.priority.value,
        impacts: d.impacts,
        businessImpact: d.businessImpact,
        category: d.category,
        environments: d.environments,
        platforms: d.platforms,
        customer: d.customer,
        seller: d.seller,
        featureTeam: d.featureTeam,
        private: d.private,
        reporter: { slackId: input.reporter.slackId, name: input.reporter.name ?? null, email: input.reporter.email ?? null },
        roles: [{ role: 'commander', slackId: input.reporter.slackId }],
        milestones: { declared: now },
        steps: {
          channel: stepState(critical),
          channel_setup: stepState(critical),
          jira_ticket: stepState(true),
          jira_links: stepState(critical),
          notify: stepState(!critical),
        },
      });
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
      // FerretDB does not say which index refused: if it was the submission key, the first one won.
      const raced = await Incident.findOne({ submissionKey: input.submissionKey });
      if (raced) {
        await finishInterruptedDeclaration(deps, raced);
        return { incident: raced, created: false };
      }
      deps.logger.warn('incident number taken, retrying', { number });
    }
  }
  if (!incident) throw new Error('could not save the incident');

  await recordDeclared(incident, now);
  deps.logger.info('incident declared', { incident: incident.number, priority: d.priority.name, slackUser: input.reporter.slackId });

  await scheduleReadySteps(deps.scheduler, incident);
  return { incident, created: true };
}

/** The `declared` timeline entry, from what the incident holds. */
async function recordDeclared(incident: IncidentDocument, at: Date): Promise<void> {
  await IncidentUpdate.create({
    incidentId: incident._id,
    eventType: 'declared',
    eventAt: at,
    origin: 'slack',
    actorSlackId: incident.reporter.slackId,
    message: incident.description,
    changes: { status: { to: 'OPEN' }, priority: { to: incident.priority }, commander: { to: incident.reporter.slackId } },
  });
}

async function finishInterruptedDeclaration(deps: DeclareIncidentDeps, incident: IncidentDocument): Promise<void> {
  if (!(await IncidentUpdate.exists({ incidentId: incident._id, eventType: 'declared' }))) {
    await recordDeclared(incident, incident.milestones?.declared ?? new Date());
  }
  await scheduleReadySteps(deps.scheduler, incident);
}

export type { DeclareStep };
