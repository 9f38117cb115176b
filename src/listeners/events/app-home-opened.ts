import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { openHome } from '../../services/home/publish-home.js';
import type { ListenerDeps } from '../deps.js';

const homeOpened = z.object({ user: z.string().regex(/^[UW][A-Z0-9]+$/), tab: z.string() });

/** `app_home_opened` on the Home tab (not the Messages tab): publish the user's Home and remember they look at it. */
export function appHomeOpened(deps: ListenerDeps) {
  return async ({ event, client, logger }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>): Promise<void> => {
    const parsed = homeOpened.safeParse(event);
    if (!parsed.success || parsed.data.tab !== 'home') return;
    try {
      await openHome(
        {
          settings: deps.settings,
          publish: async (userId, view) => {
            await client.views.publish({ user_id: userId, view });
          },
        },
        parsed.data.user,
      );
    } catch (error) {
      logger.error('could not publish the Home tab', error);
    }
  };
}
