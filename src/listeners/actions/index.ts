import type { App, BlockAction } from '@slack/bolt';
import { ACTION } from '../../views/ids.js';
import type { ListenerDeps } from '../deps.js';
import { impactLevelChanged } from './impact-level-changed.js';

export function registerActions(app: App, deps: ListenerDeps): void {
  app.action<BlockAction>({ action_id: ACTION.impactLevel }, impactLevelChanged(deps));
}
