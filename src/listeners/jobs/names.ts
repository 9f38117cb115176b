/** Agenda job names. */
export const JOB = {
  declareStep: 'declare-step',
  resumeDeclarations: 'resume-declarations',
  publishChange: 'publish-change',
  jiraSync: 'jira-sync',
  updateReminders: 'update-reminders',
  postmortemReminders: 'postmortem-reminders',
  retryJiraDeliveries: 'retry-jira-deliveries',
  requeueJiraSync: 'requeue-jira-sync',
  purgeExpired: 'purge-expired',
  landbotTicket: 'landbot-ticket',
} as const;
