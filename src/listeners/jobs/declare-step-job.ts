import type { Job } from 'agenda';
import { z } from 'zod';
import { DECLARE_STEPS } from '../../models/incident.js';
import { keepLocked } from './keep-locked.js';
import { runDeclareStep, type StepDeps } from '../../services/incidents/declare-pipeline.js';

const declareStepData = z.object({
  incidentId: z.string().regex(/^[a-f0-9]{24}$/),
  step: z.enum(DECLARE_STEPS),
});

export type DeclareStepData = z.infer<typeof declareStepData>;

/** One durable declare step. Safe to run twice: the step checks what is already done and claims its attempt. */
export function declareStepJob(deps: StepDeps, lockLifetimeMs: number) {
  return async (job: Job<DeclareStepData>): Promise<void> => {
    const data = declareStepData.safeParse(job.attrs.data);
    if (!data.success) {
      deps.logger.error('declare step job has bad data; dropped', { job: job.attrs.name, issues: data.error.issues.map((i) => i.message) });
      return;
    }
    const attempt = (job.attrs.failCount ?? 0) + 1;
    // A slow Slack or Jira call must not let the lock lapse: another worker would run the same attempt meanwhile.
    const release = keepLocked(job, lockLifetimeMs);
    try {
      await runDeclareStep(deps, data.data.incidentId, data.data.step, attempt);
    } finally {
      release();
    }
  };
}
