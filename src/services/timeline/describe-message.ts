import type { Logger } from '../../logger.js';
import type { Settings } from '../../settings/schema.js';
import { declarationDescription } from '../../views/timeline-messages.js';
import type { SlackGateway } from '../slack/slack-gateway.js';

export interface DescribeMessageDeps {
  settings: Settings;
  slack: Pick<SlackGateway, 'permalink'>;
  logger: Logger;
  /** How long to wait for the permalink: the trigger id that opens the form lives 3 s from the click. */
  permalinkTimeoutMs?: number;
}

/**
 * The declare form's description for "Declare incident from message": the message's text and its permalink, within
 * the settings' description limit. Without the permalink (slow or failed call) it is the text alone.
 */
export async function describeMessageForDeclaration(deps: DescribeMessageDeps, input: { channel: string; ts: string; text: string }): Promise<string> {
  const timeoutMs = deps.permalinkTimeoutMs ?? 1200;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  let permalink: string | null = null;
  try {
    permalink = await Promise.race([deps.slack.permalink(input.channel, input.ts), timeout]);
    if (permalink === null) deps.logger.warn('permalink too slow for the declare form', { timeoutMs });
  } catch (error) {
    deps.logger.warn('no permalink for the declare form', { error: (error as Error).message });
  } finally {
    clearTimeout(timer);
  }
  return declarationDescription(input.text, permalink || null, deps.settings.declare.descriptionMax);
}
