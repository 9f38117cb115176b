import type { App } from '@slack/bolt';
import { COMMANDS, registerCommands } from './commands/index.js';
import type { ListenerDeps } from './deps.js';
import { EVENTS, registerEvents } from './events/index.js';
import { registerActions } from './actions/index.js';
import { SHORTCUTS, registerShortcuts } from './shortcuts/index.js';
import { registerViews } from './views/index.js';

/** What the app answers to; `manifest.json` must declare exactly this (a test compares them). */
export const SLACK_TRIGGERS = { commands: [...COMMANDS], shortcuts: SHORTCUTS, events: EVENTS };

export function registerListeners(app: App, deps: ListenerDeps): void {
  registerCommands(app, deps);
  registerShortcuts(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerEvents(app, deps);
}
