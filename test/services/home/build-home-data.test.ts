import assert from 'node:assert/strict';
import { HomeSnapshot } from '../../../src/models/home-snapshot.js';
import {
  computeHomeBoard,
  homeDataFor,
  loadHomeBoard,
  median,
  monthFigures,
  monthStartOf,
  readStoredHomeBoard,
  storeHomeBoard,
} from '../../../src/services/home/build-home-data.js';
import { Incident } from '../../../src/models/incident.js';
import { connectTestDatabase, dropTestDatabase } from '../../support/database.js';
import { defaultSettings, settingsWith } from '../../support/settings.js';
import { seedIncident } from './seed.js';

const settings = defaultSettings();
const now = new Date('2024-06-20T12:00:00.000Z');
const at = (iso: string) => new Date(iso);
const minutes = (n: number) => n * 60_000;

describe('Home board: what the Home tab shows, from the incidents', () => {
  before(() => connectTestDatabase('home-board'));
  after(() => dropTestDatabase());
  beforeEach(async () => {
    await Incident.deleteMany({});
    await HomeSnapshot.deleteMany({});
  });

  it('median and month figures are computed in code, per priority', () => {
    assert.equal(median([]), null);
    assert.equal(median([5]), 5);
    assert.equal(median([9, 1, 5]), 5);
    assert.equal(median([1, 2, 3, 10]), 2.5);
    const d = at('2024-06-03T10:00:00Z');
    const figures = monthFigures(settings, [
      { priority: 2, declaredAt: d, mitigatedAt: new Date(d.getTime() + minutes(30)) },
      { priority: 2, declaredAt: d, mitigatedAt: new Date(d.getTime() + minutes(90)) },
      { priority: 2, declaredAt: d, mitigatedAt: null },
      { priority: 1, declaredAt: d, mitigatedAt: new Date(d.getTime() - 1000) },
    ]);
    assert.deepEqual(figures.map((f) => f.priority), [1, 2, 3, 4, 5], 'every priority of the settings, in order');
    assert.deepEqual(figures[1], { priority: 2, declared: 3, mitigated: 2, medianTimeToMitigateMs: minutes(60) });
    assert.deepEqual(figures[0], { priority: 1, declared: 1, mitigated: 0, medianTimeToMitigateMs: null }, 'a mitigation before the declaration is not a time to mitigate');
    assert.equal(monthStartOf(now).toISOString(), '2024-06-01T00:00:00.000Z');
  });

  it('lists the open incidents most urgent first, counts the month, finds the latest P4–P5 and cuts it per user', async () => {
    const a = await seedIncident({ priority: 1, status: 'INVESTIGATING', declared: at('2024-06-20T10:00:00Z'), commander: 'UALICE', members: ['UALICE', 'UBOB'] });
    const b = await seedIncident({ priority: 1, status: 'OPEN', declared: at('2024-06-20T11:00:00Z'), commander: 'UDAVE', members: [] });
    const c = await seedIncident({ priority: 3, status: 'MITIGATED', declared: at('2024-05-10T10:00:00Z'), mitigated: at('2024-05-10T12:00:00Z'), commander: 'UDAVE', roles: [{ role: 'commander', slackId: 'UDAVE' }, { role: 'communication_lead', slackId: 'UALICE' }] });
    await seedIncident({ priority: 2, status: 'CLOSED', declared: at('2024-06-05T10:00:00Z'), mitigated: at('2024-06-05T10:30:00Z') });
    await seedIncident({ priority: 2, status: 'CLOSED', declared: at('2024-06-06T10:00:00Z'), mitigated: at('2024-06-06T11:30:00Z') });
    const f = await seedIncident({ priority: 4, status: 'CLOSED', declared: at('2024-04-01T10:00:00Z') });
    const g = await seedIncident({ priority: 5, status: 'OPEN', declared: at('2024-06-19T10:00:00Z'), private: true, commander: 'UCAROL', members: ['UCAROL'] });
    const h = await seedIncident({ priority: 4, status: 'CLOSED', declared: at('2024-06-18T10:00:00Z'), jiraKey: 'INC-77' });
    await seedIncident({ priority: 1, status: 'CLOSED', declared: at('2024-06-02T10:00:00Z'), mitigated: at('2024-06-01T10:00:00Z') });

    const board = await computeHomeBoard(settings, now);
    assert.deepEqual(board.open.map((i) => i.number), [b.number, a.number, c.number, g.number]);
    assert.equal(board.openTotal, 4);
    const first = board.open.find((i) => i.number === a.number)!;
    assert.deepEqual(
      { ...first, people: [...first.people].sort() },
      {
        id: a._id.toString(),
        number: a.number,
        title: a.title,
        status: 'INVESTIGATING',
        priority: 1,
        declaredAt: at('2024-06-20T10:00:00Z'),
        commanderSlackId: 'UALICE',
        channelId: `C${a.number}`,
        jira: { key: `INC-${a.number}`, url: `https://jira.example/browse/INC-${a.number}` },
        private: false,
        people: ['UALICE', 'UBOB'],
      },
    );
    assert.deepEqual(
      board.month.map((m) => [m.priority, m.declared, m.mitigated, m.medianTimeToMitigateMs]),
      [[1, 3, 0, null], [2, 2, 2, minutes(60)], [3, 0, 0, null], [4, 1, 0, null], [5, 1, 0, null]],
    );
    // Only two this month: the older P4 comes from the second query.
    assert.deepEqual(board.latestLow.map((i) => i.number), [g.number, h.number, f.number]);

    const alice = homeDataFor(settings, board, 'UALICE');
    assert.deepEqual(alice.mine.map((i) => i.number), [a.number, c.number], 'commander, or any other role');
    assert.deepEqual(alice.open.map((i) => i.number), [b.number, a.number, c.number], 'a private incident is not shown to others');
    assert.equal(alice.openTotal, 3);
    assert.deepEqual(alice.latestLow.map((i) => i.number), [h.number, f.number]);
    assert.deepEqual(homeDataFor(settings, board, 'UBOB').mine.map((i) => i.number), [a.number], 'a channel member');
    const carol = homeDataFor(settings, board, 'UCAROL');
    assert.deepEqual(carol.mine.map((i) => i.number), [g.number]);
    assert.equal(carol.openTotal, 4);
    const admin = homeDataFor(settingsWith((s) => (s.admins = ['UADMIN'])), board, 'UADMIN');
    assert.equal(admin.openTotal, 4, 'admins see private incidents');
    assert.deepEqual(admin.mine, []);
  });

  it('takes the latest P4–P5 from the month alone when the month has enough of them', async () => {
    await seedIncident({ priority: 4, status: 'CLOSED', declared: at('2024-05-31T23:00:00Z') });
    const recent = [];
    for (let i = 0; i < 20; i++) recent.push(await seedIncident({ priority: 5, status: 'CLOSED', declared: new Date(at('2024-06-01T00:00:00Z').getTime() + minutes(i)) }));
    const board = await computeHomeBoard(settings, now);
    assert.deepEqual(board.latestLow.map((i) => i.number), recent.map((i) => i.number).reverse());
    assert.equal(homeDataFor(settings, board, 'UX').latestLow.length, 5);
  });

  it('stores the board, reads it back by _id, and never lets an older computation overwrite a newer one', async () => {
    await seedIncident({ priority: 2, status: 'OPEN', declared: at('2024-06-10T10:00:00Z') });
    const newer = await computeHomeBoard(settings, now);
    await storeHomeBoard(newer);
    const older = { ...newer, computedAt: new Date(now.getTime() - 1000), open: [] };
    await storeHomeBoard(older);
    const stored = await readStoredHomeBoard();
    assert.ok(stored);
    assert.deepEqual(stored.board, newer, 'the newer board, with its dates back as dates');
    assert.equal(await HomeSnapshot.countDocuments({}), 1);
  });

  it('loads the stored board; computes it when there is none, when it is unreadable, or when it is from another month', async () => {
    const first = await seedIncident({ priority: 2, status: 'OPEN', declared: at('2024-06-10T10:00:00Z') });
    let board = await loadHomeBoard(settings, now);
    assert.deepEqual(board.open.map((i) => i.number), [first.number], 'computed when there is none');
    assert.ok(await readStoredHomeBoard(), 'and stored');

    const second = await seedIncident({ priority: 1, status: 'OPEN', declared: at('2024-06-11T10:00:00Z') });
    board = await loadHomeBoard(settings, new Date(now.getTime() + 60_000));
    assert.deepEqual(board.open.map((i) => i.number), [first.number], 'the stored one, until a refresh recomputes it');

    board = await loadHomeBoard(settings, at('2024-07-01T00:00:01Z'));
    assert.deepEqual(board.open.map((i) => i.number), [second.number, first.number], 'a new month: recomputed');
    assert.equal(board.monthStart.toISOString(), '2024-07-01T00:00:00.000Z');

    await HomeSnapshot.updateOne({}, { $set: { payload: '{"not":"a board"}' } });
    assert.equal(await readStoredHomeBoard(), null);
    board = await loadHomeBoard(settings, at('2024-07-01T00:00:02Z'));
    assert.equal(board.open.length, 2, 'unreadable: recomputed');
  });
});
