import { AppError, asAppError } from '../errors.js';

/** The one place that turns an error into what a Slack user reads. Internal details stay in the log. */
export function userMessageFor(thrown: unknown): string {
  const error = asAppError(thrown);
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

/** A declaration taken while the database is away: it is kept on the app's disk and saved when the database is back. */
export function declarationQueuedText(): string {
  return (
    'The incident database is not reachable right now. Your declaration is kept: the incident is saved as soon as the ' +
    'database is back, and you will get a direct message with its number. You do not need to declare it again.'
  );
}
