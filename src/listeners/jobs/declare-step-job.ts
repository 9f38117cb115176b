import type { Job } from 'agenda';
import { z } from 'zod';
import { DECLARE_STEPS } from '../../models/incident.js';
import { runDeclareStep, type StepDeps } from '../../services/incidents/declare-pipeline.js';

const declareStepData = z.object({
  incidentId: z.string().regex(/^[a-f0-9]{24}$/),
  step: z.enum(DECLARE_STEPS),
});

export type DeclareStepData = z.infer<typeof declareStepData>;

/** Thrown to the queue when another worker is acting on the step: the queue comes back after a short wait. */
export class StepBusyError extends Error {
  constructor(step: string) {
    super(`declare step ${step} is being run by another worker`);
    this.name = 'StepBusyError';
  }
}

/**
 * One durable declare step. Safe to run twice, even at once: the step checks what is already done, and its lease
 * lets one worker act at a time. Agenda's lock is not renewed (renewing the locks of several steps at once made Agenda
 * cancel and rerun them under load); when it lapses, the rerun finds the step busy and comes back later.
 */
export function declareStepJob(deps: StepDeps) {
  return async (job: Job<DeclareStepData>): Promise<void> => {
    const data = declareStepData.safeParse(job.attrs.data);
    if (!data.success) {
      deps.logger.error('declare step job has bad data; dropped', { job: job.attrs.name, issues: data.error.issues.map((i) => i.message) });
      return;
    }
    const outcome = await runDeclareStep(deps, data.data.incidentId, data.data.step);
    if (outcome === 'busy') throw new StepBusyError(data.data.step);
  };
}
