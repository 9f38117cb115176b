// Small helpers shared by the Jira emulator modules: Jira's timestamp format, Jira's error bodies.

/** Jira's REST timestamp format, always rendered in UTC: `2026-11-26T10:00:00.000+0000`. */
export function jiraTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** Jira's standard error collection body. */
export interface JiraErrorBody {
  errorMessages: string[];
  errors: Record<string, string>;
}

export function errorBody(errorMessages: string[] = [], errors: Record<string, string> = {}): JiraErrorBody {
  return { errorMessages, errors };
}

/**
 * Thrown by handlers to answer with a Jira-shaped error. `body` is sent as JSON unless it is a string
 * (then text/plain, like Jira's XSRF rejection).
 */
export class JiraHttpError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;

  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
    this.status = status;
    this.body = body;
    this.headers = headers;
  }

  static badRequest(errorMessages: string[], errors: Record<string, string> = {}): JiraHttpError {
    return new JiraHttpError(400, errorBody(errorMessages, errors));
  }

  static fieldErrors(errors: Record<string, string>): JiraHttpError {
    return new JiraHttpError(400, errorBody([], errors));
  }

  static notFound(message: string): JiraHttpError {
    return new JiraHttpError(404, errorBody([message]));
  }
}

export const ISSUE_NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Deep copy for JSON-like data (state snapshots handed to tests). */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
