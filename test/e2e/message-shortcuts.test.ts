import assert from 'node:assert/strict';
import { Incident } from '../../src/models/incident.js';
import { IncidentUpdate } from '../../src/models/incident-update.js';
import { secretsOf } from '../../src/config.js';
import { SCOPES_BY_METHOD } from '../../src/services/slack/scopes.js';
import { SHORTCUT } from '../../src/views/ids.js';
import { startHarness, stepsSettled, eventually, type Harness } from '../support/app-harness.js';
import { declareThroughSlack, setImpact } from '../support/declare-driver.js';
import { formatIssues, validateMessageBlocks, validateView, type EnvelopeResult } from '../support/slack-emulator/index.js';

const SLACK_ACK_LIMIT_MS = 3000;
const ADDED = /:white_check_mark: Added to the timeline of incident #1\./;
const ALREADY = ':x: This message is already in the incident timeline.';

describe('message shortcuts, the :mega: reaction and channel membership (end to end, real Bolt over Socket Mode)', () => {
  let h: Harness;
  let alice: string;
  let bob: string;
  let channel: string;

  beforeEach(async function () {
    h = await startHarness(this.currentTest?.title ?? 'message-shortcuts');
    alice = h.users.alice.id;
    bob = h.users.bob.id;
    await declareThroughSlack(h, alice, {
      impacts: { business: 'Highest' },
      fields: { Category: 'Payment', Title: 'Card payments failing at checkout', Description: 'Every card payment fails since 10:02 with a 502 from the PSP.' },
    });
    const incident = await stepsSettled(1);
    assert.ok(incident.channel?.id, 'the P1 has its channel');
    channel = incident.channel.id;
  });
  afterEach(async () => {
    // Every Web API method the app called has its scopes in the manifest (response_url posts are not Web API calls).
    const unlisted = [...new Set(h.slack.calls().map((c) => c.method))].filter((m) => !(m in SCOPES_BY_METHOD) && !['apps.connections.open', 'response_url'].includes(m));
    for (const e of h.slack.ephemerals(alice).concat(h.slack.ephemerals(bob))) assert.deepEqual(formatIssues(validateMessageBlocks(e.blocks ?? [])), []);
    await h.stop();
    assert.deepEqual(unlisted, [], 'methods called without their scopes listed');
    const logs = h.logLines.join('');
    for (const secret of secretsOf(h.config)) assert.ok(!logs.includes(secret), 'no secret in the logs');
  });

  const acked = (result: EnvelopeResult, what: string) => assert.ok(result.acked && result.ackMs < SLACK_ACK_LIMIT_MS, `${what} acked in ${result.ackMs} ms`);
  const ephemeralTexts = (user: string) => h.slack.ephemerals(user).map((m) => m.text);
  const timelineMessages = async () => IncidentUpdate.find({ incidentId: (await Incident.findOne({ number: 1 }))!._id, eventType: 'message' }).sort({ eventAt: 1 });
  const permalinkOf = (ch: string, ts: string) => `https://emulated.slack.com/archives/${ch}/p${ts.replace('.', '')}`;
  const shortcut = async (callbackId: string, userId: string, channelId: string, messageTs: string) => {
    const result = await h.slack.sendMessageShortcut({ callbackId, userId, channelId, messageTs });
    acked(result, callbackId);
    return result;
  };
  const react = async (userId: string, channelId: string, ts: string, itemUser: string) => {
    const result = await h.slack.sendEvent({ type: 'reaction_added', user: userId, reaction: 'mega', item: { type: 'message', channel: channelId, ts }, item_user: itemUser, event_ts: `${Math.floor(Date.now() / 1000)}.000100` });
    acked(result, 'reaction_added');
  };

  it('"Add to incident timeline" in the incident channel adds the message once, however it is added again', async () => {
    const channelMessagesBefore = h.slack.messages(channel).length;
    const { ts } = await h.slack.postAsUser({ userId: alice, channelId: channel, text: 'PSP confirmed an outage on their side, ETA 20 min' });

    await shortcut(SHORTCUT.addToTimeline, alice, channel, ts);
    await eventually(() => ephemeralTexts(alice).some((t) => ADDED.test(t)), 'the confirmation');
    const [entry, ...others] = await timelineMessages();
    assert.ok(entry, 'a timeline entry');
    assert.equal(others.length, 0);
    assert.equal(entry.message, 'PSP confirmed an outage on their side, ETA 20 min');
    assert.equal(entry.actorSlackId, alice);
    assert.equal(entry.origin, 'slack');
    assert.equal(entry.eventAt.getTime(), Math.round(Number(ts) * 1000), 'the time is the message’s');
    assert.deepEqual(entry.toObject().source, { channel, ts, author: alice, permalink: permalinkOf(channel, ts) });

    // Again by shortcut, then by :mega:: told it is already there, and still one entry.
    await shortcut(SHORTCUT.addToTimeline, alice, channel, ts);
    await eventually(() => ephemeralTexts(alice).filter((t) => t === ALREADY).length === 1, 'the first "already"');
    await react(alice, channel, ts, alice);
    await eventually(() => ephemeralTexts(alice).filter((t) => t === ALREADY).length === 2, 'the second "already"');
    assert.equal((await timelineMessages()).length, 1);
    assert.equal(h.slack.messages(channel).length, channelMessagesBefore + 1, 'the timeline entry is quiet: nothing posted to the channel');
  });

  it('a :mega: reaction adds a message, and a thread reply, to the timeline', async () => {
    const { ts } = await h.slack.postAsUser({ userId: alice, channelId: channel, text: 'Rolling back the payment gateway to v41' });
    const reply = await h.slack.postAsUser({ userId: alice, channelId: channel, text: 'Rollback done, error rate back to 0.1%', threadTs: ts });
    await react(alice, channel, ts, alice);
    await react(alice, channel, reply.ts, alice);
    await eventually(() => ephemeralTexts(alice).filter((t) => ADDED.test(t)).length === 2, 'two confirmations');
    const entries = await timelineMessages();
    assert.deepEqual(entries.map((e) => e.message), ['Rolling back the payment gateway to v41', 'Rollback done, error rate back to 0.1%']);
    assert.equal(entries[1]?.source?.permalink, `${permalinkOf(channel, reply.ts)}?thread_ts=${ts}&cid=${channel}`);
    // History lists top-level messages only; the reply was read with conversations.replies.
    assert.ok(h.slack.calls('conversations.replies').some((c) => c.args.ts === reply.ts), 'the reply read from its thread');

    // Other reactions, and reactions outside incident channels, do nothing.
    const before = h.slack.ephemerals(alice).length;
    const other = await h.slack.postAsUser({ userId: alice, channelId: h.channels.general, text: 'lunch?' });
    await react(alice, h.channels.general, other.ts, alice);
    await h.slack.sendEvent({ type: 'reaction_added', user: alice, reaction: 'eyes', item: { type: 'message', channel, ts }, item_user: alice, event_ts: '1.1' });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(h.slack.ephemerals(alice).length, before);
    assert.equal((await timelineMessages()).length, 2);
  });

  it('outside an incident channel, "Add to incident timeline" asks which incident', async () => {
    const { ts } = await h.slack.postAsUser({ userId: bob, channelId: h.channels.general, text: 'Customers in #support say card payments fail' });
    const opened = h.slack.calls('views.open').length;
    await shortcut(SHORTCUT.addToTimeline, alice, h.channels.general, ts);
    await h.slack.waitForCalls('views.open', opened + 1);
    const picker = h.slack.openViews(alice).at(-1);
    assert.ok(picker, 'the picker is open');
    assert.deepEqual(formatIssues(validateView(picker)), []);
    assert.match(JSON.stringify(picker.blocks), /Customers in #support say card payments fail/);

    // Bob is no member of incident #1: the picker says so and stays open.
    await shortcut(SHORTCUT.addToTimeline, bob, h.channels.general, ts);
    await h.slack.waitForCalls('views.open', opened + 2);
    const bobsPicker = h.slack.openViews(bob).at(-1)!;
    const refused = await h.slack.form(bobsPicker.id).fill('Incident', '#1: Card payments failing at checkout').submit(bob);
    assert.equal(refused.responseAction, 'errors');
    assert.match(Object.values(refused.errors ?? {}).join(' '), /Join the channel first/);
    assert.equal(h.slack.openViews(bob).length, 1);

    const incident = (await Incident.findOne({ number: 1 }))!;
    const submission = await h.slack.form(picker.id).fill('Incident', '#1: Card payments failing at checkout').submit(alice);
    acked(submission, 'the picker');
    assert.equal(submission.responseAction, undefined, 'the picker closes');
    await eventually(() => ephemeralTexts(alice).some((t) => ADDED.test(t)), 'the confirmation');
    const [entry] = await timelineMessages();
    assert.equal(entry?.message, 'Customers in #support say card payments fail');
    assert.deepEqual(entry?.toObject().source, { channel: h.channels.general, ts, author: bob, permalink: permalinkOf(h.channels.general, ts) });
    assert.equal(entry?.incidentId.toString(), incident._id.toString());
  });

  it('"Declare an incident" on a message opens the declare form with the text and permalink in the description', async () => {
    const { ts } = await h.slack.postAsUser({ userId: bob, channelId: h.channels.general, text: 'Search returns <https://shop.example/s?q=drill|no results> for every query' });
    const opened = h.slack.calls('views.open').length;
    await shortcut(SHORTCUT.declareFromMessage, bob, h.channels.general, ts);
    await h.slack.waitForCalls('views.open', opened + 1);
    const view = h.slack.openViews(bob).at(-1);
    assert.ok(view, 'the declare form is open');
    assert.deepEqual(formatIssues(validateView(view)), []);
    const form = h.slack.form(view.id);
    const description = (form.input('Description').element as { initial_value?: string }).initial_value;
    const permalink = permalinkOf(h.channels.general, ts);
    assert.equal(description, `Search returns no results (https://shop.example/s?q=drill) for every query\n\nFrom Slack: ${permalink}`);

    // Declared from there, the incident keeps the link back to the message.
    await setImpact(h, form, bob, h.settings, 'business', 'Low');
    form.fill('Category', 'Search').fill('Title', 'Search returns nothing').fill('Feature team', 'Search');
    const submission = await form.submit(bob);
    assert.equal(submission.responseAction, 'update', JSON.stringify(submission.errors));
    const declared = await stepsSettled(2);
    assert.ok(declared.description.endsWith(permalink), declared.description);
  });

  it('"Declare an incident" on a message still opens the form in time when the permalink is slow', async () => {
    const { ts } = await h.slack.postAsUser({ userId: bob, channelId: h.channels.general, text: 'Checkout is slow' });
    h.slack.failNext('chat.getPermalink', { delayMs: 2500 });
    const opened = h.slack.calls('views.open').length;
    await shortcut(SHORTCUT.declareFromMessage, bob, h.channels.general, ts);
    const [open] = (await h.slack.waitForCalls('views.open', opened + 1)).slice(-1);
    assert.equal(open?.ok, true, `views.open answered ${open?.error}: the trigger id was still valid`);
    const view = h.slack.openViews(bob).at(-1)!;
    assert.equal((h.slack.form(view.id).input('Description').element as { initial_value?: string }).initial_value, 'Checkout is slow');
    // Let the slow call finish before the emulator stops.
    await h.slack.waitForCalls('chat.getPermalink', 1, 5000);
  });

  it('joining and leaving the incident channel makes and unmakes a member, who may then add to the timeline', async () => {
    const { ts } = await h.slack.postAsUser({ userId: alice, channelId: channel, text: 'Mitigation in place' });
    const incidentChannel = h.slack.channel(channel)!;
    assert.ok(!(await Incident.findOne({ number: 1 }))!.members.includes(bob));

    await shortcut(SHORTCUT.addToTimeline, bob, channel, ts);
    await eventually(() => ephemeralTexts(bob).some((t) => /Join the channel first/.test(t)), 'the refusal');
    assert.equal((await timelineMessages()).length, 0);

    incidentChannel.members.push(bob);
    acked(await h.slack.sendEvent({ type: 'member_joined_channel', user: bob, channel, channel_type: 'C', team: h.slack.teamId, inviter: alice }), 'member_joined_channel');
    await eventually(async () => (await Incident.findOne({ number: 1 }))!.members.includes(bob), 'bob to be a member');
    await shortcut(SHORTCUT.addToTimeline, bob, channel, ts);
    await eventually(() => ephemeralTexts(bob).some((t) => ADDED.test(t)), 'bob’s confirmation');
    assert.equal((await timelineMessages())[0]?.actorSlackId, bob);

    incidentChannel.members = incidentChannel.members.filter((m) => m !== bob);
    acked(await h.slack.sendEvent({ type: 'member_left_channel', user: bob, channel, channel_type: 'C', team: h.slack.teamId }), 'member_left_channel');
    await eventually(async () => !(await Incident.findOne({ number: 1 }))!.members.includes(bob), 'bob no longer a member');
    const second = await h.slack.postAsUser({ userId: alice, channelId: channel, text: 'Monitoring' });
    await react(bob, channel, second.ts, alice);
    await eventually(() => ephemeralTexts(bob).filter((t) => /Join the channel first/.test(t)).length === 2, 'the second refusal');
    assert.equal((await timelineMessages()).length, 1);

    // The bot joining its own channel, or anyone joining another channel, makes no member.
    await h.slack.sendEvent({ type: 'member_joined_channel', user: h.slack.botUserId, channel, channel_type: 'C', team: h.slack.teamId });
    await h.slack.sendEvent({ type: 'member_joined_channel', user: bob, channel: h.channels.general, channel_type: 'C', team: h.slack.teamId });
    await new Promise((r) => setTimeout(r, 300));
    const members = (await Incident.findOne({ number: 1 }))!.members;
    assert.ok(!members.includes(h.slack.botUserId) && !members.includes(bob), members.join(','));
  });
});
