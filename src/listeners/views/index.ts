import type { App } from '@slack/bolt';
import { CALLBACK } from '../../views/ids.js';
import type { ListenerDeps } from '../deps.js';
import { declareSubmitted } from './declare-submitted.js';

export function registerViews(app: App, deps: ListenerDeps): void {
  app.view(CALLBACK.declareModal, declareSubmitted(deps));
}
