import type { App, BlockAction, ButtonAction, OverflowAction } from '@slack/bolt';
import { ACTION, KEY_EVENT_ACTION, KEY_EVENT_ACTION_PATTERN, REMINDER_ACTION, REMINDER_SNOOZE_ACTION, HOME_ACTION } from '../../views/ids.js';
import type { ListenerDeps } from '../deps.js';
import { impactLevelChanged } from './impact-level-changed.js';
import { keyEventPicked } from './key-event-picked.js';
import { keyEventsClose } from './key-events-close.js';
import { reminderUpdateNow } from './reminder-update-now.js';
import { reminderSnooze } from './reminder-snooze.js';
import { homeDeclare } from './home-declare.js';
import { homeIncidentMenu } from './home-incident-menu.js';

export function registerActions(app: App, deps: ListenerDeps): void {
  app.action<BlockAction>({ action_id: ACTION.impactLevel }, impactLevelChanged(deps));
  app.action<BlockAction>({ action_id: KEY_EVENT_ACTION_PATTERN }, keyEventPicked(deps));
  app.action<BlockAction<ButtonAction>>({ action_id: KEY_EVENT_ACTION.close }, keyEventsClose(deps));
  app.action<BlockAction<ButtonAction>>({ action_id: REMINDER_ACTION.updateNow }, reminderUpdateNow(deps));
  app.action<BlockAction<ButtonAction>>({ action_id: REMINDER_SNOOZE_ACTION }, reminderSnooze(deps));
  app.action<BlockAction<ButtonAction>>({ action_id: HOME_ACTION.declare }, homeDeclare(deps));
  app.action<BlockAction<OverflowAction>>({ action_id: HOME_ACTION.incidentMenu }, homeIncidentMenu(deps));
}
