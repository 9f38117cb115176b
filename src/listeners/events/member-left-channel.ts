import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { membershipEventSchema } from './member-joined-channel.js';

/** `member_left_channel`: someone who leaves an incident channel is no longer a member of the incident. */
export function memberLeftChannel(deps: ListenerDeps) {
  return async ({ event, context, logger }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'member_left_channel'>): Promise<void> => {
    const parsed = membershipEventSchema.safeParse(event);
    if (!parsed.success || parsed.data.user === context.botUserId) return;
    try {
      await deps.services.trackMembership({ channel: parsed.data.channel, user: parsed.data.user, change: 'left' });
    } catch (error) {
      logger.error('could not record a channel leave', error);
    }
  };
}
