import type { IncomingMessage, ServerResponse } from 'node:http';
import { isDatabaseOutage } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { createBatcher } from '../../services/batching.js';
import { applyJiraDelivery, type ApplyJiraDeps } from '../../services/jira/apply-jira-webhook.js';
import { deliveryIdOf, recordJiraDeliveries, type DeliveryToRecord } from '../../services/jira/record-jira-deliveries.js';
import { parseJiraWebhook, type JiraWebhookBody, type WebhookRoute } from '../../services/jira/jira-webhook-schema.js';
import type { TokenVerifier } from '../../services/tokens/api-tokens.js';
import { sendJson } from './health.js';
import { readBody } from './read-body.js';
import { verifyHubSignature } from './verify-signature.js';

export const JIRA_WEBHOOK_BODY_LIMIT = 1024 * 1024;
/** Deliveries recorded by one database insert at most. */
const RECORD_BATCH = 100;

export interface JiraWebhookOptions {
  secret: string | undefined;
  logger: Logger;
  deps: ApplyJiraDeps;
  /** FireFighter's two paths also accept a Bearer token of the app's token store instead of the signature. */
  tokens?: TokenVerifier;
}

export interface JiraWebhookReceiver {
  handle(route: WebhookRoute): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Deliveries being applied in this process (the retry job leaves them alone); resolves when all are done. */
  inFlight: Set<string>;
  drain(): Promise<void>;
}

/**
 * `POST /webhooks/jira` and FireFighter's `raid/jira_update` / `raid/jira_comment`: raw body (1 MiB at most) ->
 * signature over the exact bytes -> JSON -> zod -> record the delivery -> answer; the delivery is then applied in the
 * background, one at a time per ticket so changes keep Jira's order. A failure leaves it for the retry job. Deliveries
 * arriving together are recorded by one insert, and each is answered once its own record is written.
 */
export function createJiraWebhookReceiver(options: JiraWebhookOptions): JiraWebhookReceiver {
  const { logger } = options;
  const chains = new Map<string, Promise<void>>();
  const inFlight = new Set<string>();
  const record = createBatcher((deliveries: DeliveryToRecord[]) => recordJiraDeliveries(options.deps, deliveries), { maxBatch: RECORD_BATCH });

  const applyInOrder = (issueKey: string, deliveryId: string, body: JiraWebhookBody) => {
    inFlight.add(deliveryId);
    const previous = chains.get(issueKey) ?? Promise.resolve();
    const next = previous
      .then(() => applyJiraDelivery(options.deps, deliveryId, body))
      .then(
        () => undefined,
        (error: Error) => {
          logger.error('jira delivery could not be applied', { delivery: deliveryId, error: error.message });
        },
      )
      .finally(() => {
        inFlight.delete(deliveryId);
        if (chains.get(issueKey) === next) chains.delete(issueKey);
      });
    chains.set(issueKey, next);
  };

  const handle = (route: WebhookRoute) => async (req: IncomingMessage, res: ServerResponse) => {
    const contentType = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const read = await readBody(req, JIRA_WEBHOOK_BODY_LIMIT);
    if (!read.ok) {
      if (read.reason === 'too_large') {
        res.setHeader('Connection', 'close');
        sendJson(res, 413, { error: 'body_too_large', limit: JIRA_WEBHOOK_BODY_LIMIT });
      }
      return;
    }
    if (contentType !== 'application/json') {
      sendJson(res, 415, { error: 'unsupported_media_type', expected: 'application/json' });
      return;
    }
    const signed = verifyHubSignature(read.body, req.headers['x-hub-signature'], options.secret);
    const byToken = !signed && route !== 'jira' && options.tokens ? await options.tokens.verify(req.headers.authorization) : null;
    if (!signed && !byToken) {
      logger.warn('jira webhook refused: bad or missing signature', { path: req.url, configured: Boolean(options.secret) });
      sendJson(res, 401, { error: 'invalid_signature' });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(read.body.toString('utf8'));
    } catch {
      sendJson(res, 400, { error: 'invalid_json' });
      return;
    }
    const parsed = parseJiraWebhook(route, value);
    if (!parsed.ok) {
      sendJson(res, 400, { error: 'invalid_body', fields: parsed.fields });
      return;
    }
    const identifier = req.headers['x-atlassian-webhook-identifier'];
    const deliveryId = deliveryIdOf(typeof identifier === 'string' ? identifier : undefined, read.body);
    let recorded;
    try {
      recorded = await record({ deliveryId, route, raw: read.body, body: parsed.body });
    } catch (error) {
      if (!isDatabaseOutage(error)) throw error;
      // Never 200 unless recorded: a 5xx makes Jira deliver it again later.
      logger.warn('jira webhook refused: the database is unavailable', { delivery: deliveryId });
      res.setHeader('Retry-After', '30');
      sendJson(res, 503, { error: 'database_unavailable' });
      return;
    }
    if (recorded.kind === 'duplicate') {
      sendJson(res, 200, { duplicate: true });
      return;
    }
    if (recorded.kind === 'ignored') {
      sendJson(res, 200, { ignored: true, reason: recorded.reason });
      return;
    }
    sendJson(res, 200, { accepted: true });
    applyInOrder(parsed.body.issue.key, deliveryId, parsed.body);
  };

  return {
    handle,
    inFlight,
    drain: async () => {
      while (chains.size) await Promise.all([...chains.values()]);
    },
  };
}
