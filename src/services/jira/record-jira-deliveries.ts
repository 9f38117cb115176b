import { createHash } from 'node:crypto';
import { JiraDelivery, type DeliveryState } from '../../models/jira-delivery.js';
import type { JiraWebhookBody, WebhookRoute } from './jira-webhook-schema.js';
import type { TicketDirectory } from './ticket-directory.js';

export const COMMENT_EVENTS = new Set(['comment_created', 'comment_updated', 'comment_deleted']);

/** The dedupe key: Jira's delivery identifier (stable across its retries), else a hash of the exact bytes. */
export function deliveryIdOf(identifier: string | undefined, raw: Buffer): string {
  const id = identifier?.trim();
  return id ? `jira:${id.slice(0, 200)}` : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

export interface DeliveryToRecord {
  deliveryId: string;
  route: WebhookRoute;
  raw: Buffer;
  body: JiraWebhookBody;
}

export type RecordOutcome = { kind: 'duplicate' } | { kind: 'ignored'; reason: string } | { kind: 'recorded'; deliveryId: string };

/**
 * Records accepted deliveries before anything is applied, in one insert for the batch: the insert against the unique
 * `_id` is what makes a redelivery a no-op. Deliveries that can never apply (unknown ticket, an event we do not act
 * on) are recorded as ignored straight away.
 */
export async function recordJiraDeliveries(deps: { tickets: TicketDirectory; now?: () => Date }, deliveries: DeliveryToRecord[]): Promise<RecordOutcome[]> {
  const now = (deps.now ?? (() => new Date()))();
  const reasons = deliveries.map((d) => ignoredEventReason(d.body));
  const known = await deps.tickets.findMany(deliveries.filter((_, i) => !reasons[i]).map((d) => d.body.issue.key));
  deliveries.forEach((d, i) => {
    if (!reasons[i] && !known.has(d.body.issue.key)) reasons[i] = `unknown ticket ${d.body.issue.key}`;
  });
  const docs = deliveries.map((d, i) => ({
    _id: d.deliveryId,
    route: d.route,
    event: d.body.webhookEvent,
    issueKey: d.body.issue.key,
    body: d.raw.toString('utf8'),
    state: (reasons[i] ? 'ignored' : 'received') satisfies DeliveryState,
    reason: reasons[i],
    receivedAt: now,
    doneAt: reasons[i] ? now : null,
  }));
  const duplicates = new Set<number>();
  try {
    await JiraDelivery.insertMany(docs, { ordered: false });
  } catch (error) {
    const writeErrors = (error as { writeErrors?: Array<{ index: number; code?: number; err?: { code?: number } }> }).writeErrors;
    if (!writeErrors?.length) throw error;
    for (const e of writeErrors) {
      if ((e.code ?? e.err?.code) !== 11000) throw error;
      duplicates.add(e.index);
    }
  }
  return deliveries.map((d, i): RecordOutcome => {
    if (duplicates.has(i)) return { kind: 'duplicate' };
    const reason = reasons[i];
    return reason ? { kind: 'ignored', reason } : { kind: 'recorded', deliveryId: d.deliveryId };
  });
}

function ignoredEventReason(body: JiraWebhookBody): string | null {
  if (COMMENT_EVENTS.has(body.webhookEvent)) return body.comment ? null : 'comment event without a comment';
  if (body.webhookEvent !== 'jira:issue_updated') return `event ${body.webhookEvent} is not acted on`;
  // Jira reports a comment to issue_updated subscribers too; the comment_* delivery is the one that alerts.
  if (!body.changelog?.items.length) return 'no changelog items';
  return null;
}
