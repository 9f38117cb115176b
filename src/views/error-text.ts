import { AppError } from '../errors.js';

/** The one place that turns an error into what a Slack user reads. Internal details stay in the log. */
export function userMessageFor(error: unknown): string {
  if (error instanceof AppError) {
    switch (error.code) {
      case 'payload_invalid':
        return `Slack sent something this app could not read (${error.message.split('\n')[0]}). Please try again.`;
      case 'database_unavailable':
        return 'The incident database is not reachable right now. Nothing was saved: please try again in a minute.';
      case 'incident_not_found':
        return 'That incident does not exist (any more).';
      case 'slack_call_failed':
        return 'Slack refused a call this app needed. Please try again; if it keeps failing, tell your Slack admin.';
      case 'jira_call_failed':
        return 'Jira did not answer as expected. The incident is safe; the Jira part will be retried.';
      case 'step_failed':
      case 'transition_refused':
      case 'not_allowed':
      case 'invalid_change':
        return error.message;
      case 'config_invalid':
        return 'The app is misconfigured; an admin has to fix its settings.';
    }
  }
  return 'Something went wrong on our side and it was logged. Nothing you typed was lost: please try again.';
}
