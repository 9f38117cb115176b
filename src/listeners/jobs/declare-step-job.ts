import type { Job } from 'agenda';
import { z } from 'zod';
import { DECLARE_STEPS } from '../../models/incident.js';
import { runDeclareStep, type StepDeps } from '../../services/incidents/declare-pipeline.js';

const declareStepData = z.object({
  incidentId: z.string().regex(/^[a-f0-9]{24}$/),
  step: z.enum(DECLARE_STEPS),
});

export type DeclareStepData = z.infer<typeof declareStepData>;

/** One durable declare step. Safe to run twice: the step checks what is already done and claims its attempt. */
export function declareStepJob(deps: StepDeps) {
  return async (job: Job<DeclareStepData>): Promise<void> => {
    const data = declareStepData.safeParse(job.attrs.data);
    if (!data.success) {
      deps.logger.error('declare step job has bad data; dropped', { job: job.attrs.name, issues: data.error.issues.map((i) => i.message) });
      return;
    }
    const attempt = (job.attrs.failCount ?? 0) + 1;
    // No lock renewal here: renewing the locks of several steps at once made Agenda cancel and rerun them under load.
    // A lapsed lock is harmless: the step's claim lets only one worker act on an attempt.
    await runDeclareStep(deps, data.data.incidentId, data.data.step, attempt);
  };
}
