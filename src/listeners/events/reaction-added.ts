import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { ListenerDeps } from '../deps.js';

/** The reaction that puts a message on the incident timeline, as in FireFighter. */
export const TIMELINE_REACTION = 'mega';

const reactionSchema = z.object({
  user: z.string().min(1),
  reaction: z.string(),
  item: z.object({ type: z.literal('message'), channel: z.string().min(1), ts: z.string().regex(/^\d+\.\d+$/) }),
});

/**
 * `reaction_added`: a :mega: on a message in an incident channel puts it on that incident's timeline (the service
 * reads the message and answers the person with an ephemeral). Other reactions, files and other channels: nothing.
 */
export function reactionAdded(deps: ListenerDeps) {
  return async ({ event, context, logger }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'reaction_added'>): Promise<void> => {
    const parsed = reactionSchema.safeParse(event);
    if (!parsed.success || parsed.data.reaction !== TIMELINE_REACTION || parsed.data.user === context.botUserId) return;
    const { user, item } = parsed.data;
    try {
      await deps.services.addMessageToTimeline({ channel: item.channel, ts: item.ts, actor: user, via: 'reaction', reply: { ephemeralIn: item.channel } });
    } catch (error) {
      logger.error('could not add a reacted message to a timeline', error);
    }
  };
}
