/** Agenda job names. */
export const JOB = {
  declareStep: 'declare-step',
  resumeDeclarations: 'resume-declarations',
  publishChange: 'publish-change',
  jiraSync: 'jira-sync',
  updateReminders: 'update-reminders',
  postmortemReminders: 'postmortem-reminders',
  retryJiraDeliveries: 'retry-jira-deliveries',
  landbotTicket: 'landbot-ticket',
} as const;
