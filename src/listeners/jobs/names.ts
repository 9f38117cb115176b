/** Agenda job names. */
export const JOB = {
  declareStep: 'declare-step',
  resumeDeclarations: 'resume-declarations',
  publishChange: 'publish-change',
} as const;
