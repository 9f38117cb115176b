import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { ListenerDeps } from '../deps.js';

export const membershipEventSchema = z.object({ user: z.string().min(1), channel: z.string().min(1) });

/** `member_joined_channel`: someone who joins an incident channel becomes a member of the incident. */
export function memberJoinedChannel(deps: ListenerDeps) {
  return async ({ event, context, logger }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'member_joined_channel'>): Promise<void> => {
    const parsed = membershipEventSchema.safeParse(event);
    // The bot joins every channel it creates; it is no member of the incident.
    if (!parsed.success || parsed.data.user === context.botUserId) return;
    try {
      await deps.services.trackMembership({ channel: parsed.data.channel, user: parsed.data.user, change: 'joined' });
    } catch (error) {
      logger.error('could not record a channel join', error);
    }
  };
}
