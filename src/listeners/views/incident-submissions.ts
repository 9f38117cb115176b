import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { RefusedError } from '../../errors.js';
import type { IncidentChange, UpdateIncidentInput } from '../../services/incidents/update-incident.js';
import { userMessageFor } from '../../views/error-text.js';
import type { ListenerDeps } from '../deps.js';
import { incidentIdOf, ViewState } from './view-state.js';

type SubmissionArgs = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

/** What a submitted incident modal asks for, and under which block a refusal is shown. */
export interface ParsedSubmission {
  change: IncidentChange;
  message?: string | null;
  note?: boolean;
  /** Field-level problems found while reading the form: answered in the form, nothing is changed. */
  errors?: Record<string, string>;
  errorBlock: string;
}

/**
 * The shared shape of every incident modal's submission: read the form, ask `updateIncident`, and answer a refusal in
 * the form under the block it concerns (Slack shows it there); anything else closes the modal.
 */
export function incidentSubmission(deps: ListenerDeps, parse: (state: ViewState, args: SubmissionArgs) => ParsedSubmission) {
  return async (args: SubmissionArgs): Promise<void> => {
    const { ack, body, view, logger } = args;
    let parsed: ParsedSubmission;
    let input: UpdateIncidentInput;
    try {
      parsed = parse(new ViewState(view.state.values), args);
      if (parsed.errors && Object.keys(parsed.errors).length) {
        await ack({ response_action: 'errors', errors: parsed.errors });
        return;
      }
      input = { incidentId: incidentIdOf(view.private_metadata), actor: body.user.id, origin: 'slack', change: parsed.change, message: parsed.message ?? null, note: parsed.note ?? false };
    } catch (error) {
      await ack({ response_action: 'errors', errors: { [firstInputBlock(view)]: userMessageFor(error) } });
      return;
    }
    // The rules are checked before the answer, so a refusal can be shown in the form; the change itself is quick
    // (one read, one write), and Slack's side of it is queued.
    const change = deps.services.updateIncident(input);
    try {
      // Slack waits 3 s: past 2.5 s, close the form and let the change finish on its own.
      const outcome = await Promise.race([change.then(() => 'done' as const), delay(2500).then(() => 'slow' as const)]);
      await ack();
      if (outcome === 'slow') change.catch((error: unknown) => logger.error('slow incident change failed', error));
    } catch (error) {
      if (error instanceof RefusedError) {
        await ack({ response_action: 'errors', errors: { [parsed.errorBlock]: error.reasons.join(' ').slice(0, 1900) } });
        return;
      }
      logger.error('incident change failed', error);
      await ack({ response_action: 'errors', errors: { [parsed.errorBlock]: userMessageFor(error) } });
    }
  };
}

function firstInputBlock(view: ViewSubmitAction['view']): string {
  const input = view.blocks.find((b) => b.type === 'input');
  return (input?.block_id as string | undefined) ?? 'message';
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
