import type { App } from '@slack/bolt';
import { SHORTCUT } from '../../views/ids.js';
import type { ListenerDeps } from '../deps.js';
import { declareIncidentShortcut } from './declare-incident-shortcut.js';

export const SHORTCUTS = [{ callbackId: SHORTCUT.declareIncident, type: 'global' as const }];

export function registerShortcuts(app: App, deps: ListenerDeps): void {
  app.shortcut({ callback_id: SHORTCUT.declareIncident, type: 'shortcut' }, declareIncidentShortcut(deps));
}
