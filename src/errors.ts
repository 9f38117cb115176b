/**
 * Typed errors with stable codes. `src/views/error-text.ts` is the one place that turns them into what a user reads.
 */
export type ErrorCode =
  | 'config_invalid'
  | 'payload_invalid'
  | 'incident_not_found'
  | 'database_unavailable'
  | 'slack_call_failed'
  | 'jira_call_failed'
  | 'step_failed'
  | 'transition_refused'
  | 'not_allowed'
  | 'invalid_change'
  | 'token_name_taken'
  | 'token_not_found';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ConfigError extends AppError {
  constructor(message: string) {
    super('config_invalid', message);
  }
}

export class PayloadError extends AppError {
  constructor(message: string, readonly fields: string[] = []) {
    super('payload_invalid', message);
  }
}

/** An outside call failed; `retryAfterMs` is set when the service told us when to come back (429). */
export class ExternalCallError extends AppError {
  constructor(
    code: 'slack_call_failed' | 'jira_call_failed',
    message: string,
    readonly details: {
      method: string;
      status?: number;
      apiError?: string;
      retryAfterMs?: number;
      retryable: boolean;
      /** No answer came (timeout, connection lost): the call may have taken effect. */
      outcomeUnknown?: boolean;
    },
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** A change the rules refuse; `reasons` are written for the user. */
export class RefusedError extends AppError {
  constructor(
    code: 'transition_refused' | 'not_allowed' | 'invalid_change',
    readonly reasons: string[],
  ) {
    super(code, reasons.join(' '));
  }
}

/** A token of the external ticket API could not be created or revoked as asked. */
export class TokenError extends AppError {
  constructor(code: 'token_name_taken' | 'token_not_found', message: string) {
    super(code, message);
  }
}

/** The database did not answer (down, unreachable, or the operation timed out waiting for it). */
export class DatabaseUnavailableError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('database_unavailable', message, options);
  }
}

/** What the MongoDB driver and mongoose raise when the server is away, rather than when a request is wrong. */
const OUTAGE_ERROR_NAMES = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

export function isDatabaseOutage(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  if (name && OUTAGE_ERROR_NAMES.has(name)) return true;
  return name === 'MongooseError' && /buffering timed out/.test(message ?? '');
}

/** Any error as one of ours: a database outage gets its code; other unknown errors stay as they are. */
export function asAppError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (isDatabaseOutage(error)) return new DatabaseUnavailableError((error as Error).message, { cause: error });
  return error;
}
