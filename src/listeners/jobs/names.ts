/** Agenda job names. */
export const JOB = {
  declareStep: 'declare-step',
  resumeDeclarations: 'resume-declarations',
} as const;
