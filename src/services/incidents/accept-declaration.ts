import { DatabaseUnavailableError, isDatabaseOutage } from '../../errors.js';
import type { IncidentDocument } from '../../models/incident.js';
import type { Logger } from '../../logger.js';
import type { Settings } from '../../settings/schema.js';
import { declarationRefusedLaterMessage, declarationSavedLaterMessage, declaredModal } from '../../views/declare-modal.js';
import type { SlackGateway } from '../slack/slack-gateway.js';
import type { DeclareIncidentInput } from './declare-incident.js';
import type { SpooledDeclaration, SubmissionSpool } from './submission-spool.js';
import { validateDeclaration, type Declaration, type DeclarationDraft, type DeclarationField } from './validate-declaration.js';

export interface AcceptDeclarationDeps {
  settings: Settings;
  logger: Logger;
  spool: SubmissionSpool;
  declare(input: DeclareIncidentInput): Promise<{ incident: IncidentDocument; created: boolean }>;
  databaseReachable(): Promise<boolean>;
  slack: Pick<SlackGateway, 'postMessage' | 'updateView'>;
  /** Submissions being saved in this process right now (by the first attempt or the spool drain). */
  inFlight: Set<string>;
  /** How long the first save may take before the user is told it is queued (default 2500 ms). */
  saveDeadlineMs?: number;
  now?: () => Date;
}

export type DeclarationOutcome =
  | { kind: 'declared'; incident: IncidentDocument }
  /** Kept in the spool: saved when the database is back. */
  | { kind: 'queued' }
  | { kind: 'failed'; error: unknown };

export type Acceptance =
  | { kind: 'invalid'; errors: Partial<Record<DeclarationField, string>> }
  | { kind: 'accepted'; declaration: Declaration; saved: Promise<DeclarationOutcome> };

export interface AcceptDeclarationInput {
  draft: DeclarationDraft;
  reporter: { slackId: string; name: string | null };
  /** The Slack view id: the same submission delivered twice is one incident. */
  submissionKey: string;
}

/**
 * Takes a submitted declare form. Valid input is first written to the local spool, so that once the user is answered
 * it cannot be lost; `saved` then settles with the incident, or with `queued` when the database is away (the spool
 * drain saves it when it is back), within `saveDeadlineMs` either way.
 */
export async function acceptDeclaration(deps: AcceptDeclarationDeps, input: AcceptDeclarationInput): Promise<Acceptance> {
  const result = validateDeclaration(deps.settings, input.draft);
  if (!result.ok) return { kind: 'invalid', errors: result.errors };
  const declaration = result.value;
  // Taken before the entry exists, so the spool drain never picks up a submission this call is still saving.
  deps.inFlight.add(input.submissionKey);
  let spooled = true;
  try {
    await deps.spool.put({ submissionKey: input.submissionKey, acceptedAt: (deps.now?.() ?? new Date()).toISOString(), reporter: input.reporter, draft: input.draft });
  } catch (error) {
    spooled = false;
    deps.logger.error('could not keep the declaration in the spool; saving it directly', { error: (error as Error).message });
  }
  return { kind: 'accepted', declaration, saved: saveFirstTime(deps, input, declaration, spooled) };
}

async function saveFirstTime(deps: AcceptDeclarationDeps, input: AcceptDeclarationInput, declaration: Declaration, spooled: boolean): Promise<DeclarationOutcome> {
  const unavailable = (error: unknown): DeclarationOutcome => (spooled ? { kind: 'queued' } : { kind: 'failed', error });
  if (!(await deps.databaseReachable())) {
    deps.inFlight.delete(input.submissionKey);
    return unavailable(new DatabaseUnavailableError('the database did not answer its ping'));
  }
  let toldQueued = false;
  const attempt = deps
    .declare({ declaration, reporter: input.reporter, submissionKey: input.submissionKey })
    .then(async ({ incident }): Promise<DeclarationOutcome> => {
      if (spooled) await deps.spool.remove(input.submissionKey);
      // Saved after the user was told it was kept: give them the number now, as the spool drain would have.
      if (toldQueued) await tellSavedLater(deps, { submissionKey: input.submissionKey, reporterId: input.reporter.slackId, declaration, incident });
      return { kind: 'declared', incident };
    })
    .catch((error: unknown): DeclarationOutcome => {
      if (isDatabaseOutage(error)) return unavailable(error);
      deps.logger.error('declaration not saved', { error: (error as Error).message });
      if (spooled) void deps.spool.remove(input.submissionKey).catch(() => undefined);
      return { kind: 'failed', error };
    })
    .finally(() => deps.inFlight.delete(input.submissionKey));

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<DeclarationOutcome>((resolve) => {
    timer = setTimeout(() => {
      toldQueued = spooled;
      resolve(unavailable(new DatabaseUnavailableError('saving the incident took too long')));
    }, deps.saveDeadlineMs ?? 2500);
  });
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export type SaveSpooledDeps = AcceptDeclarationDeps;

/**
 * Saves what the spool holds, oldest first, once the database answers; tells each reporter the incident number (in
 * the form if it is still open, and by direct message). Stops at the first sign of a new outage. Safe to run while a
 * first attempt is still going (it skips those) and after a crash (the submission key finds what was saved).
 */
export async function saveSpooledDeclarations(deps: SaveSpooledDeps): Promise<number> {
  const { entries, unreadable } = await deps.spool.list();
  for (const name of unreadable) deps.logger.error('a spooled declaration could not be read; set aside', { file: name });
  const waiting = entries.filter((e) => !deps.inFlight.has(e.submissionKey));
  if (waiting.length === 0 || !(await deps.databaseReachable())) return 0;
  let saved = 0;
  for (const entry of waiting) {
    deps.inFlight.add(entry.submissionKey);
    try {
      const incident = await saveSpooled(deps, entry);
      if (incident) saved++;
    } catch (error) {
      if (isDatabaseOutage(error)) return saved;
      deps.logger.error('a spooled declaration could not be saved; will try again', { error: (error as Error).message });
    } finally {
      deps.inFlight.delete(entry.submissionKey);
    }
  }
  return saved;
}

async function saveSpooled(deps: SaveSpooledDeps, entry: SpooledDeclaration): Promise<IncidentDocument | null> {
  const result = validateDeclaration(deps.settings, entry.draft);
  if (!result.ok) {
    // Only a settings change between the submission and now can do this; the user must hear of it.
    deps.logger.error('a spooled declaration no longer passes the rules; dropped', { fields: Object.keys(result.errors) });
    await deps.spool.remove(entry.submissionKey);
    await deps.slack
      .postMessage(entry.reporter.slackId, declarationRefusedLaterMessage({ title: entry.draft.title ?? '', reasons: Object.values(result.errors) }))
      .catch(() => undefined);
    return null;
  }
  const { incident } = await deps.declare({ declaration: result.value, reporter: entry.reporter, submissionKey: entry.submissionKey });
  await deps.spool.remove(entry.submissionKey);
  deps.logger.info('spooled declaration saved', { incident: incident.number, slackUser: entry.reporter.slackId });
  await tellSavedLater(deps, { submissionKey: entry.submissionKey, reporterId: entry.reporter.slackId, declaration: result.value, incident });
  return incident;
}

/** The number of an incident saved after its reporter was told it was kept: in the form if still open, and by DM. */
async function tellSavedLater(
  deps: AcceptDeclarationDeps,
  saved: { submissionKey: string; reporterId: string; declaration: Declaration; incident: IncidentDocument },
): Promise<void> {
  const { priority } = saved.declaration;
  const { number, title } = saved.incident;
  const confirmation = declaredModal({ number, title, priorityLabel: `${priority.emoji} ${priority.name}`, critical: priority.responseType === 'critical' });
  await deps.slack.updateView(saved.submissionKey, confirmation).catch(() => undefined);
  await deps.slack.postMessage(saved.reporterId, declarationSavedLaterMessage({ number, title })).catch((error: Error) => {
    deps.logger.warn('could not tell the reporter that the kept declaration is saved', { error: error.message });
  });
}
