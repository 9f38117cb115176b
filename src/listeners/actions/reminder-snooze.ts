import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { snoozeUpdateReminder } from '../../services/reminders/snooze-update-reminder.js';
import { userMessageFor } from '../../views/error-text.js';
import { updateReminderMessage } from '../../views/reminder-messages.js';
import type { ListenerDeps } from '../deps.js';

const pressed = z.object({
  minutes: z.coerce.number().int().positive(),
  userId: z.string().min(1),
  channelId: z.string().min(1),
  messageTs: z.string().regex(/^\d+\.\d+$/),
});

/**
 * A snooze button of an update reminder: no reminder before the snooze ends. The reminder then says who snoozed it,
 * until when, and when the next one comes; a person who may not change the incident is told why, only to them.
 */
export function reminderSnooze(deps: ListenerDeps) {
  return async ({ ack, body, action, client, logger }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>): Promise<void> => {
    await ack();
    const input = pressed.safeParse({ minutes: action.value, userId: body.user.id, channelId: body.channel?.id, messageTs: body.message?.ts ?? body.container?.message_ts });
    if (!input.success) {
      logger.warn('snooze payload not understood', input.error.issues.map((i) => i.path.join('.')));
      return;
    }
    const { minutes, userId, channelId, messageTs } = input.data;
    try {
      const snoozed = await snoozeUpdateReminder({ settings: deps.settings, logger: deps.logger }, { channelId, actor: userId, minutes });
      const message = updateReminderMessage(deps.settings, snoozed.incident, { snooze: { bySlackId: userId, until: snoozed.snoozedUntil, nextDueAt: snoozed.nextDueAt } });
      await client.chat.update({ channel: channelId, ts: messageTs, text: message.text, blocks: message.blocks ?? [] });
    } catch (error) {
      if (!(error instanceof AppError)) logger.error('snooze failed', error);
      await client.chat.postEphemeral({ channel: channelId, user: userId, text: `:no_entry: ${userMessageFor(error)}` }).catch((e: unknown) => logger.warn('could not answer a snooze', e));
    }
  };
}
