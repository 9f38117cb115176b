import assert from 'node:assert/strict';
import { SCOPES_BY_METHOD } from '../../src/services/slack/scopes.js';
import { CALLBACK, HOME_ACTION, HOME_BLOCK, INCIDENT_CALLBACK } from '../../src/views/ids.js';
import { startHarness, stepsSettled, eventually, type Harness } from '../support/app-harness.js';
import { declareThroughSlack } from '../support/declare-driver.js';
import { submitForm } from '../support/incident-driver.js';
import { formatIssues, validateView, type View } from '../support/slack-emulator/index.js';

const P2 = { impacts: { customers: 'High' }, fields: { Category: 'Checkout', Title: 'Checkout slow for card payments', Description: 'Card payments take 40 s since 09:10.' } };
const P4 = { impacts: { business: 'Low' }, fields: { Category: 'Checkout', Title: 'Typo on the basket page', Description: 'The basket says "totl" instead of "total".', 'Feature team': 'Checkout' } };

describe('the Home tab (end to end, real Bolt over Socket Mode)', () => {
  let h: Harness;
  let alice: string;
  let bob: string;
  beforeEach(async function () {
    h = await startHarness(this.currentTest?.title ?? 'home');
    alice = h.users.alice.id;
    bob = h.users.bob.id;
  });
  afterEach(async () => {
    const unlisted = [...new Set(h.slack.calls().map((c) => c.method))].filter((m) => !(m in SCOPES_BY_METHOD) && m !== 'apps.connections.open');
    await h.stop();
    assert.deepEqual(unlisted, [], 'methods called without their scopes listed');
  });

  const blocksText = (view: View | undefined) => JSON.stringify(view?.blocks ?? null);
  /** Opens the Home tab as Slack does, and waits for a Home that satisfies `check`. */
  const openHome = async (user: string, check: (text: string) => boolean, what: string): Promise<View> => {
    const event = await h.slack.sendEvent({ type: 'app_home_opened', user, tab: 'home' });
    assert.ok(event.acked, 'the event is acknowledged');
    return homeShows(user, check, what);
  };
  const homeShows = (user: string, check: (text: string) => boolean, what: string): Promise<View> =>
    eventually(() => {
      const view = h.slack.homeView(user);
      return view && check(blocksText(view)) ? view : null;
    }, what);
  const assertValid = (view: View) => {
    assert.deepEqual(formatIssues(validateView(view)), []);
    assert.ok(view.blocks.length <= 100);
  };
  /** Picks an entry of an incident's menu on the Home tab and returns the modal it opened. */
  const pickFromMenu = async (user: string, home: View, incidentId: string, kind: string): Promise<View> => {
    const opened = h.slack.calls('views.open').length;
    const result = await h.slack.sendBlockAction({
      userId: user,
      actionId: HOME_ACTION.incidentMenu,
      blockId: `${HOME_BLOCK.openPrefix}${incidentId}`,
      viewId: home.id,
      selectedOption: { value: `${kind}:${incidentId}` },
    });
    assert.ok(result.acked && result.ackMs < 3000, `menu ack in ${result.ackMs} ms`);
    await h.slack.waitForCalls('views.open', opened + 1);
    const modal = h.slack.openViews(user).at(-1);
    assert.ok(modal, 'a modal is open');
    return modal;
  };

  it('with nothing open: says so, and its button opens the declare form', async () => {
    const home = await openHome(alice, (t) => t.includes('No open incidents. Enjoy :tada:'), 'the empty Home');
    assertValid(home);
    assert.match(blocksText(home), /you hold no role in an open incident/);

    const opened = h.slack.calls('views.open').length;
    const click = await h.slack.sendBlockAction({ userId: alice, actionId: HOME_ACTION.declare, blockId: HOME_BLOCK.declare, viewId: home.id });
    assert.ok(click.acked && click.ackMs < 3000);
    await h.slack.waitForCalls('views.open', opened + 1);
    assert.equal(h.slack.openViews(alice).at(-1)?.callback_id, CALLBACK.declareModal);
  });

  it('lists declared incidents with their menu, opens their forms from it, and refreshes itself after a change', async function () {
    this.timeout(60_000);
    await openHome(alice, (t) => t.includes('No open incidents'), 'the empty Home');
    await declareThroughSlack(h, alice, P2);
    await declareThroughSlack(h, alice, P4);
    const p2 = await stepsSettled(1);
    const p4 = await stepsSettled(2);
    const id = p2._id.toString();

    // Her open Home follows the declarations by itself. She declared both, so she is their commander: they are
    // among her incidents and among all open ones.
    let home = await homeShows(
      alice,
      (t) => t.includes(`${HOME_BLOCK.openPrefix}${id}`) && t.includes(`${HOME_BLOCK.openPrefix}${p4._id}`) && t.includes('INC-1|INC-1'),
      "alice's Home to list the new incidents without being reopened",
    );
    assertValid(home);
    let text = blocksText(home);
    assert.ok(text.includes(`${HOME_BLOCK.minePrefix}${id}`), 'under "My open incidents"');
    assert.match(text, /Open incidents \(2\)/);
    assert.match(text, /\*#1\* ⛈️ Checkout slow for card payments/);
    assert.match(text, /\*Open\* · declared <!date\^\d+\^\{ago\}/);
    assert.ok(text.includes(`commander <@${alice}>`));
    assert.ok(text.includes(`<#${p2.channel!.id}>`), 'the channel link');
    assert.ok(text.includes(`<${h.jira.url}/browse/INC-1|INC-1>`), 'the Jira link');
    assert.ok(text.indexOf(`${HOME_BLOCK.openPrefix}${id}`) < text.indexOf(`${HOME_BLOCK.openPrefix}${p4._id}`), 'P2 before P4');
    assert.match(text, /Latest P4–P5 tickets/);
    assert.ok(text.includes(`<${h.jira.url}/browse/${p4.jira!.key}|${p4.jira!.key}> · 🌦️ *#2* Typo on the basket page`), 'the P4 among the latest tickets');
    assert.match(text, /\*⛈️ P2\*\\n1 declared · none mitigated yet/);

    // Bob sees it too, but not as his.
    const bobsHome = await openHome(bob, (t) => t.includes(`${HOME_BLOCK.openPrefix}${id}`), "bob's Home");
    assert.ok(!blocksText(bobsHome).includes(HOME_BLOCK.minePrefix), 'bob has no incident of his own');

    // The menu's "Status" opens the read-only recap of that incident.
    const status = await pickFromMenu(alice, home, id, 'status');
    assert.equal(status.callback_id, INCIDENT_CALLBACK.status);
    assert.match(blocksText(status), /Checkout slow for card payments/);
    await h.slack.closeView({ viewId: status.id, userId: alice });

    // Bob may not close alice's incident: he is told why instead of getting a form he could not submit.
    const refused = await pickFromMenu(bob, bobsHome, id, 'close');
    assert.equal(refused.title?.text, 'Not allowed');
    assert.ok(blocksText(refused).includes(`Only the commander (<@${alice}>) or an admin can close incident #1.`));
    await h.slack.closeView({ viewId: refused.id, userId: bob });

    // "Update" opens the update form; the change shows on both Homes without anyone reopening them.
    const publishes = h.slack.calls('views.publish').length;
    const update = await pickFromMenu(alice, home, id, 'update');
    assert.equal(update.callback_id, INCIDENT_CALLBACK.update);
    const result = await submitForm(h.slack.form(update.id), alice, { Status: 'Investigating', Message: 'Looking at the PSP latency.' });
    assert.equal(result.responseAction, undefined, JSON.stringify(result.errors));
    home = await homeShows(alice, (t) => /\*#1\*[^"]*\\n\*Investigating\*/.test(t), "alice's Home to show the new status");
    assertValid(home);
    await homeShows(bob, (t) => /\*#1\*[^"]*\\n\*Investigating\*/.test(t), "bob's Home to show the new status");
    // One refresh for the change (debounced): one publish per viewer, not one per step of the change.
    await new Promise((r) => setTimeout(r, 1500));
    const refreshed = h.slack.calls('views.publish').slice(publishes).map((c) => String(c.args.user_id));
    assert.deepEqual(refreshed.sort(), [alice, bob].sort(), `publishes after the change: ${refreshed.join(', ')}`);
    text = blocksText(home);
    assert.ok(text.includes(`${HOME_BLOCK.openPrefix}${p4._id}`), 'the other incident is still listed');
  });
});
