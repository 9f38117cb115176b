import type { HomeView } from '@slack/types';
import { HomeViewer } from '../../models/home-viewer.js';
import type { Settings } from '../../settings/schema.js';
import { homeTab } from '../../views/home-tab.js';
import { homeDataFor, loadHomeBoard, type HomeBoard } from './build-home-data.js';

/** Publishes a Home view for a user (views.publish, through the Slack gateway or the listener's Bolt client). */
export type PublishHomeView = (userId: string, view: HomeView) => Promise<void>;

export interface HomeDeps {
  settings: Settings;
  publish: PublishHomeView;
  now?: () => Date;
}

/** Remembers that the user looks at the Home tab, so that changes to incidents refresh it. */
export async function recordHomeViewer(userId: string, at: Date): Promise<void> {
  const write = () => HomeViewer.updateOne({ _id: userId }, { $set: { lastOpenedAt: at } }, { upsert: true });
  try {
    await write();
  } catch (error) {
    // Two first opens raced to insert (FerretDB's upsert is not atomic): the row exists now, so update it.
    if ((error as { code?: number }).code !== 11000) throw error;
    await write();
  }
}

/** Renders one user's Home from a board and publishes it. */
export async function publishHomeFrom(deps: HomeDeps, board: HomeBoard, userId: string, now: Date): Promise<void> {
  await deps.publish(userId, homeTab(deps.settings, homeDataFor(deps.settings, board, userId), now));
}

/** The user opened the Home tab: remember them, and show it from the stored board. */
export async function openHome(deps: HomeDeps, userId: string): Promise<void> {
  const now = deps.now?.() ?? new Date();
  const [board] = await Promise.all([loadHomeBoard(deps.settings, now), recordHomeViewer(userId, now)]);
  await publishHomeFrom(deps, board, userId, now);
}
