import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { refusalFor } from '../../services/incidents/authorize.js';
import { userMessageFor } from '../../views/error-text.js';
import { TIMELINE_ACTION, TIMELINE_BLOCK } from '../../views/ids.js';
import type { ListenerDeps } from '../deps.js';
import { ViewState } from './view-state.js';

/** The picker's private_metadata (see `encodePendingMessage`): the message the shortcut was used on. */
const pendingSchema = z.object({
  channel: z.string().min(1),
  ts: z.string().regex(/^\d+\.\d+$/),
  author: z.string().nullable(),
  text: z.string(),
  complete: z.boolean(),
  responseUrl: z.url().nullable(),
});

/**
 * "Which incident?" was answered for "Add to incident timeline". A wrong choice (gone, or not the person's to
 * change) is answered in the form; otherwise the form closes and the message goes on that incident's timeline, the
 * answer coming as an ephemeral in the channel where the shortcut was used.
 */
export function timelineIncidentPicked(deps: ListenerDeps) {
  return async ({ ack, body, view, logger }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>): Promise<void> => {
    let incidentId: string | null;
    let pending: z.infer<typeof pendingSchema>;
    try {
      incidentId = new ViewState(view.state.values).select(TIMELINE_BLOCK.incident, TIMELINE_ACTION.incident);
      pending = pendingSchema.parse(JSON.parse(view.private_metadata || '{}'));
    } catch (error) {
      logger.warn('unreadable timeline picker submission', error);
      await ack({ response_action: 'errors', errors: { [TIMELINE_BLOCK.incident]: userMessageFor(error) } });
      return;
    }
    const incident = incidentId ? await deps.services.findIncidentById(incidentId) : null;
    const refusal = incident ? refusalFor(deps.settings, incident, body.user.id, 'change') : 'That incident does not exist (any more): choose another.';
    if (refusal || !incident) {
      await ack({ response_action: 'errors', errors: { [TIMELINE_BLOCK.incident]: refusal ?? 'Choose an incident.' } });
      return;
    }
    await ack();
    try {
      await deps.services.addMessageToTimeline({
        incidentId: incident._id.toString(),
        channel: pending.channel,
        ts: pending.ts,
        message: { text: pending.text, author: pending.author, complete: pending.complete },
        actor: body.user.id,
        via: 'picker',
        // Without a response_url (it was not in the payload) the answer goes where the message is.
        reply: pending.responseUrl ? { responseUrl: pending.responseUrl } : { ephemeralIn: pending.channel },
      });
    } catch (error) {
      logger.error('could not add a message to the chosen timeline', error);
    }
  };
}
