import assert from 'node:assert/strict';
import type { HomeData, HomeIncident, MonthFigures } from '../../src/services/home/build-home-data.js';
import { HOME_ACTION, HOME_BLOCK } from '../../src/views/ids.js';
import { HOME_LIMITS, homeRefusalModal, homeTab } from '../../src/views/home-tab.js';
import { MAX_VIEW_BYTES, formatIssues, validateView, viewByteSize } from '../support/slack-emulator/block-kit-limits.js';
import { defaultSettings } from '../support/settings.js';

const settings = defaultSettings();
const now = new Date('2024-06-20T12:00:00.000Z');
const ME = 'U0MEMEMEME';

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  fields?: Array<{ text: string }>;
  elements?: Array<{ text?: string }>;
  accessory?: { type: string; action_id: string; options?: Array<{ text: { text: string }; value: string }>; text?: { text: string } };
};

const hex = (n: number) => n.toString(16).padStart(24, '0');

function incident(n: number, over: Partial<HomeIncident> = {}): HomeIncident {
  return {
    id: hex(n),
    number: n,
    title: `Checkout fails for some users ${n}`,
    status: 'INVESTIGATING',
    priority: (n % 5) + 1,
    declaredAt: new Date(now.getTime() - n * 60_000),
    commanderSlackId: 'U0COMMANDER',
    channelId: `C0CHAN${n}`,
    jira: { key: `INC-${n}`, url: `https://jira.example.com/browse/INC-${n}` },
    private: false,
    people: ['U0COMMANDER'],
    ...over,
  };
}

const month: MonthFigures[] = [
  { priority: 1, declared: 2, mitigated: 2, medianTimeToMitigateMs: 65 * 60_000 },
  { priority: 2, declared: 1, mitigated: 0, medianTimeToMitigateMs: null },
  { priority: 3, declared: 0, mitigated: 0, medianTimeToMitigateMs: null },
  { priority: 4, declared: 7, mitigated: 3, medianTimeToMitigateMs: 30 * 60_000 },
  { priority: 5, declared: 1, mitigated: 1, medianTimeToMitigateMs: 45_000 },
];

function data(open: HomeIncident[], over: Partial<HomeData> = {}): HomeData {
  return {
    userId: ME,
    mine: open.filter((i) => i.people.includes(ME)),
    open,
    openTotal: open.length,
    latestLow: [],
    month: { start: new Date('2024-06-01T00:00:00.000Z'), figures: month },
    computedAt: now,
    ...over,
  };
}

const blocksOf = (view: { blocks: unknown[] }) => view.blocks as Block[];
const text = (view: { blocks: unknown[] }) => JSON.stringify(view.blocks);

function assertWithinSlackLimits(view: { blocks: unknown[] }): void {
  assert.deepEqual(formatIssues(validateView(view)), [], 'validateView');
  assert.ok(view.blocks.length <= 100, `${view.blocks.length} blocks`);
  assert.ok(viewByteSize(view) < MAX_VIEW_BYTES, `${viewByteSize(view)} bytes`);
  const ids = blocksOf(view).flatMap((b) => (b.block_id ? [b.block_id] : []));
  assert.equal(new Set(ids).size, ids.length, 'block ids are unique');
}

describe('Home tab view', () => {
  it('with no open incident: says so, still offers to declare, and stays within limits', () => {
    const view = homeTab(settings, data([]), now);
    assertWithinSlackLimits(view);
    assert.equal(view.type, 'home');
    assert.match(text(view), /No open incidents\. Enjoy :tada:/);
    assert.match(text(view), /Open incidents \(0\)/);
    assert.match(text(view), /you hold no role in an open incident/);
    const declare = blocksOf(view).find((b) => b.block_id === HOME_BLOCK.declare);
    assert.equal(declare?.accessory?.action_id, HOME_ACTION.declare);
    assert.equal(declare?.accessory?.text?.text, 'Declare an incident');
    assert.ok(!blocksOf(view).some((b) => b.accessory?.type === 'overflow'), 'no menu without incidents');
  });

  it('with one open incident: number, title, status, age, commander, channel, Jira link and a menu with update, close, status', () => {
    const one = incident(7, { people: ['U0COMMANDER', ME], priority: 1 });
    const view = homeTab(settings, data([one]), now);
    assertWithinSlackLimits(view);
    const listed = blocksOf(view).find((b) => b.block_id === `${HOME_BLOCK.openPrefix}${one.id}`);
    assert.ok(listed, 'listed among open incidents');
    const line = listed.text!.text;
    assert.match(line, /\*#7\* 🌪️ Checkout fails for some users 7/);
    assert.match(line, /\*Investigating\*/);
    assert.match(line, /declared <!date\^\d+\^\{ago\}\|7 min ago>/);
    assert.match(line, /commander <@U0COMMANDER>/);
    assert.match(line, /<#C0CHAN7>/);
    assert.match(line, /<https:\/\/jira\.example\.com\/browse\/INC-7\|INC-7>/);
    assert.equal(listed.accessory?.type, 'overflow');
    assert.equal(listed.accessory?.action_id, HOME_ACTION.incidentMenu);
    assert.deepEqual(
      listed.accessory?.options?.map((o) => [o.text.text, o.value]),
      [['Update', `update:${one.id}`], ['Close', `close:${one.id}`], ['Status', `status:${one.id}`]],
    );
    assert.ok(blocksOf(view).some((b) => b.block_id === `${HOME_BLOCK.minePrefix}${one.id}`), 'and among mine, under another block id');
    assert.match(text(view), /Open incidents \(1\)/);
    assert.ok(!text(view).includes('No open incidents'));
  });

  it('with 150 open incidents (all mine, longest titles): at most 100 blocks, most urgent first, and says how many it left out', () => {
    const longTitle = '<!channel> *bold* & '.repeat(20);
    const open = Array.from({ length: 150 }, (_, i) => incident(i + 1, { title: longTitle, people: [ME], private: i % 7 === 0 }));
    open.sort((a, b) => a.priority - b.priority || b.declaredAt.getTime() - a.declaredAt.getTime());
    const latestLow = open.filter((i) => i.priority >= 4).slice(0, 5);
    const view = homeTab(settings, data(open, { latestLow }), now);
    assertWithinSlackLimits(view);

    const blocks = blocksOf(view);
    const openRows = blocks.filter((b) => b.block_id?.startsWith(HOME_BLOCK.openPrefix));
    const mineRows = blocks.filter((b) => b.block_id?.startsWith(HOME_BLOCK.minePrefix));
    assert.equal(openRows.length, HOME_LIMITS.open);
    assert.equal(mineRows.length, HOME_LIMITS.mine);
    assert.match(text(view), /…and 145 more of your incidents\./);
    // 30 per priority: P1 fills the 30 rows, so P2–P5 show only their counts.
    for (const p of ['P2', 'P3', 'P4', 'P5']) assert.match(text(view), new RegExp(`…and 30 more ${p} incidents\\.`));
    const firstRow = text(view).indexOf(HOME_BLOCK.openPrefix);
    assert.ok(text(view).indexOf('*P1* · 30 open') < firstRow, 'P1 comes first');
    assert.ok(!text(view).includes('<!channel>'), 'titles cannot mention everyone');
    assert.match(text(view), /&lt;!channel&gt;/);
    assert.match(text(view), /:lock:/);
    assert.match(text(view), /Latest P4–P5 tickets/);
  });

  it('stays within limits when every list is full at once, even with 500 open incidents', () => {
    const open = Array.from({ length: 500 }, (_, i) => incident(i + 1, { people: [ME], title: 'x'.repeat(128) }));
    const view = homeTab(settings, data(open, { openTotal: 812, latestLow: open.slice(0, 5) }), now);
    assertWithinSlackLimits(view);
    assert.match(text(view), /312 more open incidents are not listed here\./);
  });

  it('lists the latest P4–P5 tickets with their Jira links, any status', () => {
    const low = [incident(41, { priority: 4, status: 'CLOSED' }), incident(42, { priority: 5, jira: null })];
    const view = homeTab(settings, data([], { latestLow: low }), now);
    assertWithinSlackLimits(view);
    assert.match(text(view), /<https:\/\/jira\.example\.com\/browse\/INC-41\|INC-41> · 🌦️ \*#41\*/);
    assert.match(text(view), /Closed/);
    assert.match(text(view), /_no Jira ticket yet_ · 🐞 \*#42\*/);
  });

  it("shows the month's count and median time to mitigate per priority", () => {
    const view = homeTab(settings, data([]), now);
    const fields = blocksOf(view).find((b) => b.fields)?.fields?.map((f) => f.text) ?? [];
    assert.equal(fields.length, 5);
    assert.match(fields[0]!, /P1\*\n2 declared · median time to mitigate \*1 h 05 min\* \(2 mitigated\)/);
    assert.match(fields[1]!, /1 declared · none mitigated yet/);
    assert.match(fields[4]!, /median time to mitigate \*45 s\*/);
    assert.match(text(view), /This month: June 2024/);
  });

  it('the refusal modal fits a modal', () => {
    const modal = homeRefusalModal('Only the commander (<@U1>) or an admin can close incident #3.');
    assert.deepEqual(formatIssues(validateView(modal)), []);
  });
});
