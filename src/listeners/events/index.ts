import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { reactionAdded } from './reaction-added.js';
import { memberJoinedChannel } from './member-joined-channel.js';
import { memberLeftChannel } from './member-left-channel.js';
import { appHomeOpened } from './app-home-opened.js';

/** Slack events the app subscribes to (the manifest lists exactly these). */
export const EVENTS: string[] = ['reaction_added', 'member_joined_channel', 'member_left_channel', 'app_home_opened'];

export function registerEvents(app: App, deps: ListenerDeps): void {
  app.event('reaction_added', reactionAdded(deps));
  app.event('member_joined_channel', memberJoinedChannel(deps));
  app.event('member_left_channel', memberLeftChannel(deps));
  app.event('app_home_opened', appHomeOpened(deps));
}
