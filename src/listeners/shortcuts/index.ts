import type { App } from '@slack/bolt';
import { SHORTCUT } from '../../views/ids.js';
import type { ListenerDeps } from '../deps.js';
import { declareIncidentShortcut } from './declare-incident-shortcut.js';
import { declareFromMessage } from './declare-from-message.js';
import { addToTimeline } from './add-to-timeline.js';

export const SHORTCUTS: Array<{ callbackId: string; type: 'global' | 'message' }> = [
  { callbackId: SHORTCUT.declareIncident, type: 'global' },
  { callbackId: SHORTCUT.declareFromMessage, type: 'message' },
  { callbackId: SHORTCUT.addToTimeline, type: 'message' },
];

export function registerShortcuts(app: App, deps: ListenerDeps): void {
  app.shortcut({ callback_id: SHORTCUT.declareIncident, type: 'shortcut' }, declareIncidentShortcut(deps));
  app.shortcut({ callback_id: SHORTCUT.declareFromMessage, type: 'message_action' }, declareFromMessage(deps));
  app.shortcut({ callback_id: SHORTCUT.addToTimeline, type: 'message_action' }, addToTimeline(deps));
}
