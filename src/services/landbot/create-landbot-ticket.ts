import { randomUUID } from 'node:crypto';
import { ExternalCallError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { LandbotRequest, type LandbotRequestDocument } from '../../models/landbot-request.js';
import { StepClaim } from '../../models/step-claim.js';
import type { Settings } from '../../settings/schema.js';
import { adfFromText } from '../jira/adf.js';
import type { JiraGateway } from '../jira/jira-gateway.js';
import type { SlackGateway } from '../slack/slack-gateway.js';
import type { FetchAttachments, FetchedAttachment, RefusedAttachment } from './attachment-types.js';
import { describeTicket, prepareLandbotFields, requestLabel, ticketKindOf } from './prepare-landbot-fields.js';
import { resolveReporter, type ResolvedReporter } from './resolve-reporter.js';
import type { LandbotTicketRequest } from './ticket-request-schema.js';

/** Uploads one fetched file to a ticket (the Jira gateway's attachment call). */
export type UploadAttachment = (issueKey: string, file: Pick<FetchedAttachment, 'fileName' | 'contentType' | 'bytes'>) => Promise<void>;

/** Puts a request's durable job on the queue for `at` (one job per request: a later call moves it). */
export interface LandbotTicketQueue {
  schedule(requestId: string, at: Date): Promise<void>;
}

export interface LandbotTicketDeps {
  settings: Settings;
  jira: JiraGateway;
  slack: SlackGateway;
  logger: Logger;
  fetchAttachments: FetchAttachments;
  uploadAttachment: UploadAttachment;
  queue: LandbotTicketQueue;
  /** Tries of the ticket creation, the first one (in the request) included. */
  maxAttempts: number;
  /** Delay of the first retry when Jira cannot be reached; later ones back off in the job queue. */
  retryDelayMs: number;
  /** When the job runs anyway if the request that accepted the ticket dies before it queues it. */
  safetyNetMs: number;
  now?: () => number;
}

export type CreateOutcome = { kind: 'created' } | { kind: 'claimed_elsewhere' } | { kind: 'retry'; error: Error } | { kind: 'failed'; reason: string };

export function requestOf(doc: LandbotRequestDocument): LandbotTicketRequest {
  return JSON.parse(doc.request) as LandbotTicketRequest;
}

/**
 * One try at turning an accepted request into its Jira ticket: claim the try, resolve the reporter, fetch the
 * attachments, create the ticket (or, after an interrupted try, find it by the request's label), record it, then
 * upload the files. Refused attachments are listed in the description and a failed upload in the request's record;
 * neither fails the ticket. A Jira failure that may pass is `retry`; one that will not is `failed`.
 */
export async function createLandbotTicket(deps: LandbotTicketDeps, doc: LandbotRequestDocument, attempt: number): Promise<CreateOutcome> {
  const now = deps.now ?? Date.now;
  // The first try is the request's own: inserting the request was its claim. Later tries (the job) claim theirs.
  if (attempt > 1) {
    try {
      await StepClaim.create({ _id: `landbot:${doc._id}:create:${attempt}`, owner: randomUUID(), expiresAt: new Date(now() + 24 * 3600_000) });
    } catch (error) {
      if ((error as { code?: number }).code === 11000) return { kind: 'claimed_elsewhere' };
      throw error;
    }
    await LandbotRequest.updateOne({ _id: doc._id }, { $set: { attempts: attempt } });
    doc.attempts = attempt;
  }
  const request = requestOf(doc);
  const log = deps.logger.child({ landbotRequest: doc._id, attempt });

  let resolved: ResolvedReporter | null = null;
  try {
    const [reporter, batch] = await Promise.all([reporterOf(deps, doc), deps.fetchAttachments(request.attachmentUrls)]);
    resolved = reporter;
    const refused: RefusedAttachment[] = [...batch.refused];
    const prepared = prepareLandbotFields(deps.settings, { requestId: doc._id, request, reporterAccountId: reporter.jiraAccountId, notes: { refusedAttachments: refused } });
    // An earlier try may have created the ticket and died before recording it: its label finds it.
    const existing = attempt > 1 ? await deps.jira.findIssueByLabel(requestLabel(deps.settings, doc._id)) : null;
    const ref = existing ?? (await deps.jira.createIssue(prepared.fields));
    const ticket = { issueId: ref.id, key: ref.key, url: deps.jira.browseUrl(ref.key), projectKey: prepared.fields.project.key, kind: prepared.kind };
    // One write records the reporter, the ticket and, when there is nothing to upload, the attachments.
    const nothingToUpload = batch.fetched.length === 0 || Boolean(doc.attachments?.done);
    const created: Record<string, unknown> = { reporter, ticket, state: 'created', createdAt: new Date(now()), lastError: null };
    if (nothingToUpload && !doc.attachments?.done) created.attachments = { added: [], refused, done: true };
    await LandbotRequest.updateOne({ _id: doc._id }, { $set: created });
    doc.set(created);
    log.info('ticket created from the ticket API', { ticket: ref.key, kind: prepared.kind, reporterVia: reporter.via, found: Boolean(existing) });

    const added: string[] = [];
    if (!nothingToUpload) {
      for (const file of batch.fetched) {
        try {
          await deps.uploadAttachment(ref.key, file);
          added.push(file.fileName);
        } catch (error) {
          refused.push({ url: file.url, reason: `upload to Jira failed: ${(error as Error).message}` });
        }
      }
      if (refused.length > batch.refused.length) await noteUploadFailures(deps, ref.key, request, refused, log);
      const attachments = { added, refused, done: true };
      await LandbotRequest.updateOne({ _id: doc._id }, { $set: { attachments } });
      doc.set({ attachments });
    }
    return { kind: 'created' };
  } catch (error) {
    const reason = (error as Error).message;
    await LandbotRequest.updateOne({ _id: doc._id }, { $set: { lastError: reason, ...(resolved ? { reporter: resolved } : {}) } });
    // Slack and Jira say whether trying again can help; anything else (a database hiccup) is worth another try.
    if (error instanceof ExternalCallError && !error.details.retryable) {
      log.error('ticket API request refused by Jira', { error: reason });
      return { kind: 'failed', reason };
    }
    log.warn('ticket API request not turned into a ticket yet', { error: reason });
    return { kind: 'retry', error: error as Error };
  }
}

async function reporterOf(deps: LandbotTicketDeps, doc: LandbotRequestDocument): Promise<ResolvedReporter> {
  if (doc.reporter?.via) {
    return { email: doc.reporter.email, jiraAccountId: doc.reporter.jiraAccountId ?? null, via: doc.reporter.via as ResolvedReporter['via'], slackId: doc.reporter.slackId ?? null };
  }
  // Recorded with the ticket (or with the error): a try that dies before either resolves the reporter again.
  const reporter = await resolveReporter(deps, doc.reporter?.email ?? requestOf(doc).reporterEmail);
  doc.set({ reporter });
  return reporter;
}

/** The ticket exists; files that could not be uploaded are added to its description, best effort. */
async function noteUploadFailures(deps: LandbotTicketDeps, key: string, request: LandbotTicketRequest, refused: RefusedAttachment[], log: Logger): Promise<void> {
  try {
    const description = describeTicket(deps.settings, request, ticketKindOf(request), { refusedAttachments: refused });
    await deps.jira.editIssue(key, { description: adfFromText(description) });
  } catch (error) {
    log.warn('could not list the failed uploads in the ticket description', { ticket: key, error: (error as Error).message });
  }
}
