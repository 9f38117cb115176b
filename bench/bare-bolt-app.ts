/**
 * The baseline: a bare @slack/bolt App in Socket Mode that does the least a Slack app can do for the same two
 * interactions. `/incident` acks, then opens a tiny modal (like the real app, which acks and then opens its form);
 * the modal's submission is acked with nothing else. It connects to its own Slack emulator, so the emulator's
 * round-robin never hands one of its envelopes to the real app (or the other way round).
 */
import { App, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { AckTrace } from './ack-trace.js';

export const BARE_CALLBACK_ID = 'bench_bare_modal';
export const BARE_INPUT_LABEL = 'Title';

export interface BareBoltApp {
  stop(): Promise<void>;
}

/**
 * With a trace, the Slack logger only records the Socket Mode frame timestamps (see ack-trace.ts); without one,
 * Bolt's console logger at ERROR level.
 */
/** Where the bare app connects: an emulator's (or a workspace's) tokens and Web API URL. */
export interface BareSlackTarget {
  appToken: string;
  botToken: string;
  apiUrl: string;
}

export async function startBareBoltApp(emulator: BareSlackTarget, trace?: AckTrace): Promise<BareBoltApp> {
  const logging = trace ? { logger: trace.slackLogger() } : { logLevel: LogLevel.ERROR };
  // Same receiver construction as src/app.ts, without the app's logger adapter.
  const receiver = new SocketModeReceiver({
    appToken: emulator.appToken,
    ...logging,
    installerOptions: { clientOptions: { slackApiUrl: emulator.apiUrl } },
  });
  const app = new App({
    token: emulator.botToken,
    receiver,
    ...logging,
    clientOptions: { slackApiUrl: emulator.apiUrl },
  });

  app.command('/incident', async ({ ack, body, client, logger }) => {
    await ack();
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: {
          type: 'modal',
          callback_id: BARE_CALLBACK_ID,
          title: { type: 'plain_text', text: 'Bench' },
          submit: { type: 'plain_text', text: 'Submit' },
          blocks: [
            {
              type: 'input',
              block_id: 'title',
              label: { type: 'plain_text', text: BARE_INPUT_LABEL },
              element: { type: 'plain_text_input', action_id: 'title' },
            },
          ],
        },
      });
    } catch (error) {
      logger.error('bare app: views.open failed', error);
    }
  });

  app.view(BARE_CALLBACK_ID, async ({ ack }) => {
    await ack();
  });

  await app.start();
  return {
    stop: async () => {
      await app.stop();
    },
  };
}
