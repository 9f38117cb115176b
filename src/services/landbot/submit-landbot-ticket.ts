import { createHash, randomUUID } from 'node:crypto';
import { LandbotRequest, type LandbotRequestDocument } from '../../models/landbot-request.js';
import { StepClaim } from '../../models/step-claim.js';
import type { RefusedAttachment } from './attachment-types.js';
import { announceLandbotTicket, failLandbotTicket } from './announce-landbot-ticket.js';
import { createLandbotTicket, type LandbotTicketDeps } from './create-landbot-ticket.js';
import type { LandbotTicketRequest } from './ticket-request-schema.js';

export type SubmitOutcome =
  | { kind: 'created'; id: string; duplicate: boolean; key: string; url: string; attachments: { added: string[]; refused: RefusedAttachment[] } }
  | { kind: 'accepted'; id: string; duplicate: boolean }
  | { kind: 'failed'; id: string; duplicate: boolean; reason: string };

/**
 * The id of a request: a hash of the token's name and the checked body, and the time window it came in. The same
 * request sent again (Landbot's retry, a double click) within the window, or in the next one, is the same request.
 */
export function requestIdOf(tokenName: string, request: LandbotTicketRequest, window: number): string {
  // The checked request has a fixed key order, so equal requests serialise equally.
  const digest = createHash('sha256').update(`${tokenName}\0${JSON.stringify(request)}`).digest('hex').slice(0, 32);
  return `${digest}-${window}`;
}

/**
 * Accepts a ticket request: records it (the insert of its id is the exactly-once claim: a repeat is answered with
 * the first one's outcome), then tries to create the ticket at once. Created: the announcements are queued. Jira
 * unreachable: the request stays accepted and the `landbot-ticket` job creates it later. Jira refusing it for good:
 * it is recorded as failed. A job is queued before the first try, so a crash in the middle loses nothing.
 */
export async function submitLandbotTicket(deps: LandbotTicketDeps, input: { tokenName: string; request: LandbotTicketRequest }): Promise<SubmitOutcome> {
  const now = deps.now ?? Date.now;
  const windowMs = deps.settings.landbot.duplicateWindowMinutes * 60_000;
  const window = Math.floor(now() / windowMs);
  const earlier = await LandbotRequest.findById(requestIdOf(input.tokenName, input.request, window - 1));
  if (earlier) return outcomeOf(earlier, true);

  const id = requestIdOf(input.tokenName, input.request, window);
  let doc: LandbotRequestDocument;
  try {
    doc = await LandbotRequest.create({
      _id: id,
      tokenName: input.tokenName,
      request: JSON.stringify(input.request),
      reporter: { email: input.request.reporterEmail },
      attempts: 1,
      receivedAt: new Date(now()),
    });
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
    const first = await LandbotRequest.findById(id);
    if (!first) throw error;
    return outcomeOf(first, true);
  }

  // The job is queued first, for later: if this process dies or the announcements fail, it finishes the work.
  await deps.queue.schedule(id, new Date(now() + deps.safetyNetMs));
  const outcome = await createLandbotTicket(deps, doc, 1);
  if (outcome.kind === 'created') announceSoon(deps, doc);
  else if (outcome.kind === 'retry') await deps.queue.schedule(id, new Date(now() + deps.retryDelayMs));
  else if (outcome.kind === 'failed') await failLandbotTicket(deps, doc, outcome.reason);
  return outcomeOf(doc, false);
}

/**
 * Announces a ticket created in the request right after it, without holding the answer. A failure is left to the
 * job queued for later, which looks for what was posted before posting again.
 */
function announceSoon(deps: LandbotTicketDeps, doc: LandbotRequestDocument): void {
  setImmediate(() => {
    claimAnnouncement(deps, doc._id, 'request')
      .then((claimed) => (claimed ? announceLandbotTicket(deps, doc, false) : undefined))
      .catch((error: Error) => deps.logger.warn('ticket announcement failed; the job will try again', { landbotRequest: doc._id, error: error.message }));
  });
}

/** Two workers may run the same job (FerretDB's job lock is not atomic), and the request announces too: one does. */
async function claimAnnouncement(deps: LandbotTicketDeps, requestId: string, by: string): Promise<boolean> {
  try {
    await StepClaim.create({ _id: `landbot:${requestId}:announce:${by}`, owner: randomUUID(), expiresAt: new Date((deps.now ?? Date.now)() + 24 * 3600_000) });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return false;
    throw error;
  }
}

/**
 * The job's work for one request, whatever is left: create the ticket (when the first try could not), then announce
 * it. `run` is the job's try (1 for the first). A failure that may pass is thrown so the queue retries with backoff;
 * after the last try the request is recorded as failed and the reporter told.
 */
export async function continueLandbotTicket(deps: LandbotTicketDeps, requestId: string, run: number): Promise<void> {
  const doc = await LandbotRequest.findById(requestId);
  if (!doc) return;
  if (doc.state === 'received') {
    const attempt = doc.attempts + 1;
    const outcome = await createLandbotTicket(deps, doc, attempt);
    if (outcome.kind === 'claimed_elsewhere') return;
    if (outcome.kind === 'retry') {
      if (attempt < deps.maxAttempts) throw outcome.error;
      await failLandbotTicket(deps, doc, outcome.error.message);
      return;
    }
    if (outcome.kind === 'failed') {
      await failLandbotTicket(deps, doc, outcome.reason);
      return;
    }
  }
  if (doc.state !== 'created' || doc.announce?.done) return;
  if (!(await claimAnnouncement(deps, requestId, `job-${run}`))) return;
  // The request that created the ticket may have posted some messages before failing: look before posting.
  await announceLandbotTicket(deps, doc, true);
}

function outcomeOf(doc: LandbotRequestDocument, duplicate: boolean): SubmitOutcome {
  if (doc.state === 'created' && doc.ticket?.key && doc.ticket.url) {
    const refused = (doc.attachments?.refused ?? []).map((r) => ({ url: r.url, reason: r.reason }));
    return { kind: 'created', id: doc._id, duplicate, key: doc.ticket.key, url: doc.ticket.url, attachments: { added: [...(doc.attachments?.added ?? [])], refused } };
  }
  if (doc.state === 'failed') return { kind: 'failed', id: doc._id, duplicate, reason: doc.lastError ?? 'Jira refused the ticket' };
  return { kind: 'accepted', id: doc._id, duplicate };
}
