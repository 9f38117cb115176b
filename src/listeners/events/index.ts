import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';

/** Slack events the app subscribes to (the manifest lists exactly these). None yet: declaring needs none. */
export const EVENTS: string[] = [];

export function registerEvents(_app: App, _deps: ListenerDeps): void {}
