import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../logger.js';
import type { Settings } from '../../settings/schema.js';
import type { SubmitOutcome } from '../../services/landbot/submit-landbot-ticket.js';
import { parseTicketRequest, type FieldError, type LandbotTicketRequest } from '../../services/landbot/ticket-request-schema.js';
import type { TokenVerifier } from '../../services/tokens/api-tokens.js';
import { sendJson } from './health.js';
import { readBody } from './read-body.js';

export const LANDBOT_BODY_LIMIT = 1024 * 1024;

/** `api`: our route, answers with details. `firefighter`: FireFighter's path, answers exactly as FireFighter did. */
export type LandbotRoute = 'api' | 'firefighter';

export interface LandbotTicketOptions {
  settings: Settings;
  tokens: TokenVerifier;
  logger: Logger;
  submitTicket(input: { tokenName: string; request: LandbotTicketRequest }): Promise<SubmitOutcome>;
}

/** Errors in FireFighter's shape (drf-standardized-errors), so a Landbot flow built for it reads ours the same way. */
function sendErrors(res: ServerResponse, status: number, type: 'client_error' | 'validation_error' | 'server_error', errors: FieldError[], extra: Record<string, unknown> = {}): void {
  sendJson(res, status, { type, errors, ...extra });
}

/**
 * `POST /api/raid/tickets` and FireFighter's `POST /api/v2/firefighter/raid/jira_bot`: Bearer token (401) ->
 * JSON content type (415) -> body of 1 MiB at most (413) -> JSON and FireFighter's fields (400, each refused field
 * named) -> submitTicket -> 201 with the ticket key, 202 when Jira is unreachable and the ticket will follow, 502 when
 * Jira refuses it. The token is checked before the body is read, so an unknown caller cannot make us buffer anything.
 */
export function createLandbotTicketReceiver(options: LandbotTicketOptions) {
  const { logger } = options;
  return (route: LandbotRoute) => async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const authorization = req.headers.authorization;
    const token = await options.tokens.verify(authorization);
    if (!token) {
      req.resume();
      res.setHeader('WWW-Authenticate', 'Bearer');
      const missing = authorization === undefined;
      sendErrors(res, 401, 'client_error', [
        missing
          ? { code: 'not_authenticated', detail: 'Authentication credentials were not provided.', attr: null }
          : { code: 'authentication_failed', detail: 'Invalid token.', attr: null },
      ]);
      return;
    }
    const contentType = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType !== 'application/json') {
      req.resume();
      sendErrors(res, 415, 'client_error', [{ code: 'unsupported_media_type', detail: `Unsupported media type "${contentType}" in request; send application/json.`, attr: null }]);
      return;
    }
    const read = await readBody(req, LANDBOT_BODY_LIMIT);
    if (!read.ok) {
      if (read.reason === 'too_large') {
        res.setHeader('Connection', 'close');
        sendErrors(res, 413, 'client_error', [{ code: 'request_too_large', detail: `The body is over ${LANDBOT_BODY_LIMIT} bytes.`, attr: null }]);
      }
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(read.body.toString('utf8'));
    } catch {
      sendErrors(res, 400, 'client_error', [{ code: 'parse_error', detail: 'The body is not valid JSON.', attr: null }]);
      return;
    }
    const parsed = parseTicketRequest(options.settings, value);
    if (!parsed.ok) {
      logger.info('ticket API request refused', { token: token.name, fields: parsed.errors.map((e) => e.attr) });
      sendErrors(res, 400, 'validation_error', parsed.errors);
      return;
    }

    const outcome = await options.submitTicket({ tokenName: token.name, request: parsed.request });
    res.setHeader('X-Request-Id', outcome.id);
    if (outcome.duplicate) res.setHeader('X-Duplicate-Request', 'true');
    switch (outcome.kind) {
      case 'created':
        if (route === 'firefighter') {
          // FireFighter answers with the key alone; what could not be attached is in the ticket and counted here.
          if (outcome.attachments.refused.length > 0) res.setHeader('X-Attachments-Refused', String(outcome.attachments.refused.length));
          sendJson(res, 201, outcome.key);
        } else {
          sendJson(res, 201, { id: outcome.id, key: outcome.key, url: outcome.url, duplicate: outcome.duplicate, attachments: outcome.attachments });
        }
        return;
      case 'accepted':
        sendJson(res, 202, { id: outcome.id, status: 'accepted', duplicate: outcome.duplicate, detail: 'Jira cannot be reached now; the ticket will be created as soon as it can, and the reporter told.' });
        return;
      case 'failed':
        sendErrors(res, 502, 'server_error', [{ code: 'jira_refused', detail: outcome.reason, attr: null }], { id: outcome.id });
        return;
    }
  };
}

export type LandbotTicketReceiver = ReturnType<typeof createLandbotTicketReceiver>;
