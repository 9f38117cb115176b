import type { Settings } from '../settings/schema.js';

/** The ephemeral help of `/incident`. */
export function helpText(settings: Settings, command: string, unknown?: string): string {
  const lines = [
    unknown ? `:grey_question: \`${command} ${unknown}\` is not a command I know. Here is what I can do:` : `*${settings.appName}* helps you run incidents from Slack:`,
    `• \`${command}\` or \`${command} open\`: declare an incident (P1–P3 get a channel, every priority gets a Jira ticket)`,
    `• \`${command} help\`: this help`,
  ];
  return lines.join('\n');
}
