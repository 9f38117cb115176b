import type { App } from '@slack/bolt';
import { COMMAND } from '../../views/ids.js';
import type { ListenerDeps } from '../deps.js';
import { incidentCommand } from './incident-command.js';

export const COMMANDS = [COMMAND.incident] as const;

export function registerCommands(app: App, deps: ListenerDeps): void {
  app.command(COMMAND.incident, incidentCommand(deps));
}
