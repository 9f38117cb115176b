import type { SlackGateway, SlackMessage } from './slack-gateway.js';

/**
 * Posts a message, unless an interrupted earlier attempt may already have: then it first looks for a message of this
 * metadata type and payload among the bot's recent ones, and returns its ts instead of posting again.
 */
export async function postOnce(
  slack: SlackGateway,
  channel: string,
  eventType: string,
  message: SlackMessage,
  options: { lookFirst: boolean; match: Record<string, string> },
): Promise<string> {
  if (options.lookFirst) {
    const found = await slack.findPostedMessage(channel, eventType, options.match);
    if (found) return found;
  }
  return (await slack.postMessage(channel, message)).ts;
}
