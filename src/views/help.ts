import type { Settings } from '../settings/schema.js';

/** The subcommands of `/incident`, as the help lists them and the manifest's usage hint names them. */
export const SUBCOMMANDS = [
  { word: 'open', text: 'declare an incident (P1–P3 get a channel, every priority gets a Jira ticket)' },
  { word: 'update', text: 'change the status, priority or category, with a message' },
  { word: 'roles', text: 'assign the commander and the other roles' },
  { word: 'edit', text: 'edit the title, description and environments' },
  { word: 'close', text: 'close the incident (with a reason if it is not mitigated yet)' },
  { word: 'status', text: 'a recap: key details, participants, last update, metrics' },
  { word: 'timeline', text: 'add a note or a key event (started, detected, recovered)' },
  { word: 'help', text: 'this help' },
] as const;

export const USAGE_HINT = `[${SUBCOMMANDS.map((s) => s.word).join('|')}]`;

/** The ephemeral help of `/incident`. */
export function helpText(settings: Settings, command: string, unknown?: string): string {
  const lines = [
    unknown ? `:grey_question: \`${command} ${unknown}\` is not a command I know. Here is what I can do:` : `*${settings.appName}* helps you run incidents from Slack:`,
    ...SUBCOMMANDS.map((s) => `• \`${command} ${s.word}\`: ${s.text}`),
    'In an incident channel the commands are about its incident; elsewhere I ask which incident.',
  ];
  return lines.join('\n');
}
