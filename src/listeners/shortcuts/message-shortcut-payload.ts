import { z } from 'zod';
import { PayloadError } from '../../errors.js';
import { describeZodIssues } from '../../validation.js';

const slackTs = z.string().regex(/^\d+\.\d+$/, 'a Slack message ts');

/** The parts of a message shortcut payload (`message_action`) the two message shortcuts use. */
const messageShortcutSchema = z.object({
  trigger_id: z.string().min(1),
  response_url: z.url(),
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1) }),
  message: z.object({
    ts: slackTs,
    text: z.string().default(''),
    user: z.string().optional(),
    bot_id: z.string().optional(),
  }),
});

export interface MessageShortcutPayload {
  triggerId: string;
  responseUrl: string;
  userId: string;
  channelId: string;
  message: { ts: string; text: string; author: string | null };
}

export function parseMessageShortcut(body: unknown): MessageShortcutPayload {
  const parsed = messageShortcutSchema.safeParse(body);
  if (!parsed.success) throw new PayloadError(`message shortcut payload:\n${describeZodIssues(parsed.error).join('\n')}`);
  const p = parsed.data;
  return {
    triggerId: p.trigger_id,
    responseUrl: p.response_url,
    userId: p.user.id,
    channelId: p.channel.id,
    message: { ts: p.message.ts, text: p.message.text, author: p.message.user ?? p.message.bot_id ?? null },
  };
}
