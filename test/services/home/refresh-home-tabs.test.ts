import assert from 'node:assert/strict';
import type { HomeView } from '@slack/types';
import { ExternalCallError } from '../../../src/errors.js';
import { HomeSnapshot } from '../../../src/models/home-snapshot.js';
import { HomeViewer } from '../../../src/models/home-viewer.js';
import { Incident } from '../../../src/models/incident.js';
import { openHome, recordHomeViewer } from '../../../src/services/home/publish-home.js';
import { createHomeRefresher, MAX_REFRESHED_HOMES, refreshHomeTabs, type RefreshOutcome } from '../../../src/services/home/refresh-home-tabs.js';
import { connectTestDatabase, dropTestDatabase } from '../../support/database.js';
import { FakeSlack, silentLogger } from '../../support/fakes.js';
import { formatIssues, validateView } from '../../support/slack-emulator/block-kit-limits.js';
import { defaultSettings } from '../../support/settings.js';
import { seedIncident } from './seed.js';

const settings = defaultSettings();
const logger = silentLogger();
const hour = 60 * 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('publishing and refreshing Home tabs', () => {
  let slack: FakeSlack;
  let now: Date;
  const deps = () => ({ settings, logger, publish: (u: string, v: HomeView) => slack.publishHome(u, v), now: () => now });
  const homeText = (user: string) => JSON.stringify(slack.homes.get(user)?.blocks ?? null);

  before(() => connectTestDatabase('home-refresh'));
  after(() => dropTestDatabase());
  beforeEach(async () => {
    await Promise.all([Incident.deleteMany({}), HomeSnapshot.deleteMany({}), HomeViewer.deleteMany({})]);
    slack = new FakeSlack();
    now = new Date('2024-06-20T12:00:00.000Z');
  });

  it('opening the Home publishes it and remembers the viewer (once per user)', async () => {
    await seedIncident({ priority: 1, status: 'OPEN', declared: new Date('2024-06-20T11:00:00Z'), title: 'Search is down', commander: 'UALICE' });
    await openHome(deps(), 'UALICE');
    assert.match(homeText('UALICE'), /Search is down/);
    assert.deepEqual(formatIssues(validateView(slack.homes.get('UALICE'))), []);
    now = new Date(now.getTime() + 1000);
    await openHome(deps(), 'UALICE');
    const viewers = await HomeViewer.find({}).lean();
    assert.deepEqual(viewers.map((v) => [v._id, v.lastOpenedAt.toISOString()]), [['UALICE', '2024-06-20T12:00:01.000Z']]);
  });

  it('recording a viewer twice at once leaves one row', async () => {
    await Promise.all([recordHomeViewer('UBOB', now), recordHomeViewer('UBOB', now), recordHomeViewer('UBOB', now)]);
    assert.equal(await HomeViewer.countDocuments({ _id: 'UBOB' }), 1);
  });

  it('a refresh re-publishes the Homes opened in the last 24 h, newest first, and forgets older viewers', async () => {
    await seedIncident({ priority: 2, status: 'OPEN', declared: new Date('2024-06-20T09:00:00Z'), title: 'Payments slow' });
    await recordHomeViewer('URECENT', new Date(now.getTime() - hour));
    await recordHomeViewer('UNEWEST', new Date(now.getTime() - 60_000));
    await recordHomeViewer('UOLD', new Date(now.getTime() - 25 * hour));
    const outcome = await refreshHomeTabs(deps());
    assert.deepEqual(outcome, { unchanged: false, published: 2, retryAfterMs: null });
    assert.deepEqual([...slack.homes.keys()], ['UNEWEST', 'URECENT']);
    assert.match(homeText('UNEWEST'), /Payments slow/);
    assert.deepEqual((await HomeViewer.find({}).lean()).map((v) => v._id).sort(), ['UNEWEST', 'URECENT']);
  });

  it('publishes nothing when the board did not change, unless forced, and shows a change at the next refresh', async () => {
    const incident = await seedIncident({ priority: 2, status: 'OPEN', declared: new Date('2024-06-20T09:00:00Z') });
    await recordHomeViewer('UALICE', now);
    assert.equal((await refreshHomeTabs(deps())).published, 1);
    slack.homes.clear();
    assert.deepEqual(await refreshHomeTabs(deps()), { unchanged: true, published: 0, retryAfterMs: null });
    assert.equal(slack.homes.size, 0);
    assert.equal((await refreshHomeTabs(deps(), { force: true })).published, 1);

    await Incident.updateOne({ _id: incident._id }, { $set: { status: 'MITIGATING' } });
    assert.equal((await refreshHomeTabs(deps())).published, 1);
    assert.match(homeText('UALICE'), /\*Mitigating\*/);
  });

  it('refreshes at most 50 Homes, the most recently opened', async () => {
    for (let i = 0; i < MAX_REFRESHED_HOMES + 5; i++) await recordHomeViewer(`U${String(i).padStart(3, '0')}`, new Date(now.getTime() - (i + 1) * 1000));
    const outcome = await refreshHomeTabs(deps());
    assert.equal(outcome.published, MAX_REFRESHED_HOMES);
    assert.ok(slack.homes.has('U000') && slack.homes.has('U049') && !slack.homes.has('U050'));
  });

  it('stops at a rate limit and says when to try again; other failures skip one user only', async () => {
    for (const [user, ago] of [['UA', 1], ['UB', 2], ['UC', 3], ['UD', 4]] as const) await recordHomeViewer(user, new Date(now.getTime() - ago * 1000));
    const published: string[] = [];
    const publish = async (user: string) => {
      if (user === 'UA') throw new ExternalCallError('slack_call_failed', 'Slack views.publish answered user_not_found', { method: 'views.publish', apiError: 'user_not_found', retryable: false });
      if (user === 'UC') throw new ExternalCallError('slack_call_failed', 'Slack views.publish was rate limited', { method: 'views.publish', status: 429, retryable: true, retryAfterMs: 3000 });
      published.push(user);
    };
    const outcome = await refreshHomeTabs({ ...deps(), publish });
    assert.deepEqual(outcome, { unchanged: false, published: 1, retryAfterMs: 3000 });
    assert.deepEqual(published, ['UB']);
  });
});

describe('the Home refresher (debounce)', () => {
  const ok: RefreshOutcome = { unchanged: false, published: 0, retryAfterMs: null };

  it('several requests within the delay make one refresh', async () => {
    const runs: boolean[] = [];
    const refresher = createHomeRefresher({ refresh: async (force) => (runs.push(force), ok), logger: silentLogger(), delayMs: 40 });
    for (let i = 0; i < 5; i++) refresher.request();
    await sleep(20);
    refresher.request();
    await sleep(80);
    assert.deepEqual(runs, [false]);
    await refresher.stop();
  });

  it('a request during a refresh makes exactly one more after it, so the last change is shown', async () => {
    let runs = 0;
    let release!: () => void;
    const refresher = createHomeRefresher({
      refresh: async () => {
        runs++;
        if (runs === 1) await new Promise<void>((r) => (release = r));
        return ok;
      },
      logger: silentLogger(),
      delayMs: 10,
    });
    refresher.request();
    await sleep(30);
    assert.equal(runs, 1);
    refresher.request();
    refresher.request();
    release();
    await sleep(50);
    assert.equal(runs, 2);
    await refresher.stop();
  });

  it('after a rate limit, runs again forced once Slack allows', async () => {
    const runs: boolean[] = [];
    const refresher = createHomeRefresher({
      refresh: async (force) => {
        runs.push(force);
        return runs.length === 1 ? { unchanged: false, published: 1, retryAfterMs: 30 } : ok;
      },
      logger: silentLogger(),
      delayMs: 5,
    });
    refresher.request();
    await sleep(80);
    assert.deepEqual(runs, [false, true]);
    await refresher.stop();
  });

  it('a failed refresh is logged and the next request still runs; after stop, requests are ignored', async () => {
    let runs = 0;
    const refresher = createHomeRefresher({
      refresh: async () => {
        runs++;
        if (runs === 1) throw new Error('database went away');
        return ok;
      },
      logger: silentLogger(),
      delayMs: 5,
    });
    refresher.request();
    await sleep(30);
    refresher.request();
    await sleep(30);
    assert.equal(runs, 2);
    await refresher.stop();
    refresher.request();
    await sleep(30);
    assert.equal(runs, 2);
  });

  it('recomputes now and then on its own (everyMs)', async () => {
    let runs = 0;
    const refresher = createHomeRefresher({ refresh: async () => (runs++, ok), logger: silentLogger(), delayMs: 1, everyMs: 20 });
    await sleep(110);
    await refresher.stop();
    assert.ok(runs >= 3, `${runs} runs`);
  });
});
