import type { App, ReceiverEvent } from '@slack/bolt';
import { PayloadError } from '../errors.js';
import type { Logger } from '../logger.js';
import { userMessageFor } from '../views/error-text.js';
import { unknownFormModal } from '../views/unknown-request.js';

/**
 * Bolt acks nothing it has no listener for (an unknown command, form, button or shortcut, or a payload it cannot
 * read), and Slack then tells the person "the app did not respond". Once Bolt is done with an envelope nobody acked,
 * it is acked here: a command gets a message and a form an error, worded by error-text.ts.
 */
export function ackWhatNoListenerAcked(app: App, logger: Logger): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent) => {
    let acked = false;
    const ack: ReceiverEvent['ack'] = async (response) => {
      acked = true;
      await event.ack(response);
    };
    try {
      await processEvent({ ...event, ack });
    } finally {
      if (!acked) {
        const body = event.body as Record<string, unknown> | null;
        logger.warn('slack request no listener answered; acked', { kind: describe(body), slackUser: slackUserOf(body) });
        await event.ack(answerFor(body)).catch((error: Error) => logger.warn('could not ack a slack request', { error: error.message }));
      }
    }
  };
}

function answerFor(body: Record<string, unknown> | null): Record<string, unknown> | undefined {
  if (typeof body?.command === 'string') {
    const message = userMessageFor(new PayloadError(`${body.command.slice(0, 40)} is not a command this app answers`));
    return { response_type: 'ephemeral', text: `:warning: ${message}` };
  }
  if (body?.type === 'view_submission') {
    return { response_action: 'update', view: unknownFormModal(userMessageFor(new PayloadError('this form is not one the app knows'))) };
  }
  return undefined;
}

/** A short description for the log: the payload type and its id, never its content. */
function describe(body: Record<string, unknown> | null): string {
  if (typeof body !== 'object' || body === null) return typeof body;
  const view = body.view as { callback_id?: unknown } | undefined;
  const id = body.command ?? body.callback_id ?? view?.callback_id ?? (body.actions as Array<{ action_id?: unknown }> | undefined)?.[0]?.action_id;
  return [body.type ?? 'command', id].filter((part) => typeof part === 'string').map((part) => String(part).slice(0, 60)).join(' ');
}

function slackUserOf(body: Record<string, unknown> | null): string | undefined {
  const user = body?.user_id ?? (body?.user as { id?: unknown } | undefined)?.id;
  return typeof user === 'string' ? user.slice(0, 20) : undefined;
}
