import assert from 'node:assert/strict';
import { Incident } from '../../src/models/incident.js';
import { IncidentUpdate } from '../../src/models/incident-update.js';
import { computeMetrics } from '../../src/services/incidents/metrics.js';
import { startHarness, stepsSettled, eventually, type Harness } from '../support/app-harness.js';
import { declareThroughSlack } from '../support/declare-driver.js';
import { lastEphemeral, openIncidentCommand, optionTexts, submitForm } from '../support/incident-driver.js';

const P1 = { impacts: { business: 'Highest' }, fields: { Category: 'Checkout', Title: 'Checkout returns 500 for everyone', Description: 'Every checkout attempt fails since 14:05.' } };

describe('running an incident from Slack (end to end)', () => {
  let h: Harness;
  let alice: string;
  let bob: string;
  beforeEach(async function () {
    h = await startHarness(this.currentTest?.title ?? 'lifecycle');
    alice = h.users.alice.id;
    bob = h.users.bob.id;
  });
  afterEach(() => h.stop());

  const publishedUpdates = async (n: number) => eventually(async () => (await IncidentUpdate.countDocuments({ 'effects.published': true })) >= n, `${n} updates shown in Slack`);

  it('a P1 goes INVESTIGATING → MITIGATING → MITIGATED → POST_MORTEM → CLOSED, with roles and key events, and its channel is archived', async function () {
    this.timeout(60_000);
    await declareThroughSlack(h, alice, P1);
    const declared = await stepsSettled(1);
    const channel = declared.channel!.id!;

    // The update form offers only what the transition table allows.
    let form = (await openIncidentCommand(h, alice, 'update', channel))!;
    assert.deepEqual(optionTexts(form, 'Status'), ['Open', 'Investigating']);
    let result = await submitForm(form, alice, { Status: 'Investigating', Message: 'Looking at the payment gateway logs.' });
    assert.equal(result.responseAction, undefined, JSON.stringify(result.errors));
    await publishedUpdates(1);
    assert.match(h.slack.channel(channel)!.topic, /Investigating/);
    assert.ok(h.slack.messages(channel).some((m) => /Status: Open → Investigating/.test(m.text)));

    form = (await openIncidentCommand(h, alice, 'update', channel))!;
    assert.deepEqual(optionTexts(form, 'Status'), ['Investigating', 'Mitigating']);
    await submitForm(form, alice, { Status: 'Mitigating' });
    form = (await openIncidentCommand(h, alice, 'update', channel))!;
    await submitForm(form, alice, { Status: 'Mitigated', Message: 'Rolled back the 14:00 deploy.' });
    await publishedUpdates(3);
    let incident = (await Incident.findOne({ number: 1 }))!;
    assert.equal(incident.status, 'MITIGATED');
    assert.ok(incident.milestones?.mitigated instanceof Date, 'mitigated milestone recorded');
    assert.ok(h.slack.messages(h.channels.incidents).some((m) => /Incident #1 has been mitigated/.test(m.text)), 'announced as mitigated');

    // A P1 in production needs a post-mortem and its key events before it closes.
    form = (await openIncidentCommand(h, alice, 'close', channel))!;
    const refusal = JSON.stringify(form.view.blocks);
    assert.match(refusal, /needs a post-mortem: move it to POST_MORTEM first/);
    assert.equal(form.view.submit, null, 'no submit button while it cannot close');

    // Roles: Bob becomes communication lead, is told and invited.
    form = (await openIncidentCommand(h, alice, 'roles', channel))!;
    result = await submitForm(form, alice, { '🧑‍💼 Communication Lead': bob });
    assert.equal(result.responseAction, undefined, JSON.stringify(result.errors));
    await eventually(() => h.slack.messages(bob).some((m) => /Communication Lead of incident #1/.test(m.text)), 'the DM to the new role holder');
    assert.ok(h.slack.channel(channel)!.members.includes(bob));

    // Key events, in the message that updates itself.
    const keyEventsTs = await eventually(async () => (await Incident.findOne({ number: 1 }))?.effects?.keyEventsTs, 'the key events message');
    const at = (minutesAgo: number) => Math.floor(Date.now() / 1000) - minutesAgo * 60;
    for (const [key, minutes] of [['started', 50], ['detected', 45], ['recovered', 5]] as const) {
      await h.slack.sendBlockAction({ userId: alice, actionId: `key_event_${key}`, blockId: 'key_events', channelId: channel, messageTs: keyEventsTs, selectedDateTime: at(minutes) });
    }
    await eventually(() => JSON.stringify(h.slack.messages(channel).find((m) => m.ts === keyEventsTs)?.blocks).includes('key_events_close'), 'the key events message to offer closing');

    form = (await openIncidentCommand(h, alice, 'update', channel))!;
    assert.ok(optionTexts(form, 'Status').includes('Post-mortem'));
    assert.ok(!optionTexts(form, 'Status').includes('Closed'), 'a P1 in production cannot skip its post-mortem');
    await submitForm(form, alice, { Status: 'Post-mortem' });

    form = (await openIncidentCommand(h, alice, 'close', channel))!;
    result = await submitForm(form, alice, { 'Closing message': 'Post-mortem written, actions tracked in Jira.' });
    assert.equal(result.responseAction, undefined, JSON.stringify(result.errors));
    await eventually(() => h.slack.channel(channel)!.isArchived, 'the channel to be archived');
    incident = (await Incident.findOne({ number: 1 }))!;
    assert.equal(incident.status, 'CLOSED');
    assert.ok(incident.milestones?.resolved instanceof Date);
    const metrics = computeMetrics(incident.milestones ?? {});
    assert.equal(metrics.time_to_detect, 5 * 60 * 1000);
    assert.equal(metrics.time_to_recover, 45 * 60 * 1000);
    assert.ok(metrics.time_to_mitigate! >= 0 && metrics.time_to_resolve! > 0);
    const types = (await IncidentUpdate.find({ incidentId: incident._id }).sort({ eventAt: 1 })).map((u) => u.eventType);
    for (const t of ['declared', 'status_changed', 'roles_changed', 'key_events', 'closed']) assert.ok(types.includes(t), t);
  });

  it('a P2 closed early needs a reason and a message, and is archived', async () => {
    await declareThroughSlack(h, alice, { ...P1, impacts: { customers: 'High' } });
    const { channel } = await stepsSettled(1);
    const form = (await openIncidentCommand(h, alice, 'close', channel!.id!))!;
    let result = await submitForm(form, alice, { 'Closure reason': 'Duplicate incident', Message: 'short' });
    assert.equal(result.responseAction, 'errors');
    assert.match(Object.values(result.errors ?? {}).join(' '), /at least 10 characters/);
    result = await submitForm(form, alice, { Reference: '#41', Message: 'Same outage as incident #41, followed there.' });
    assert.equal(result.responseAction, undefined, JSON.stringify(result.errors));
    const incident = await eventually(async () => {
      const doc = await Incident.findOne({ number: 1 });
      return doc?.status === 'CLOSED' ? doc : null;
    }, 'the incident to close');
    assert.equal(incident.closure?.reason, 'duplicate');
    assert.equal(incident.closure?.reference, '#41');
    await eventually(() => h.slack.channel(channel!.id!)!.isArchived, 'the channel to be archived');
  });

  it('a P4 escalated to P2 gets the channel it never had, and is announced', async () => {
    await declareThroughSlack(h, alice, { impacts: { business: 'Low' }, fields: { ...P1.fields, 'Feature team': 'Checkout' } });
    await stepsSettled(1);
    assert.equal(h.slack.calls('conversations.create').length, 0);
    // Outside an incident channel, the app asks which incident.
    const picker = (await openIncidentCommand(h, alice, 'update', h.channels.general))!;
    const chosen = await submitForm(picker, alice, { 'Open incident': '#1: Checkout returns 500 for everyone' });
    assert.equal(chosen.responseAction, 'update');
    const form = h.slack.form(picker.viewId);
    const result = await submitForm(form, alice, { Priority: '⛈️ P2 – Major issue impacting customers.', Message: 'Customers are hit after all.' });
    assert.equal(result.responseAction, undefined, JSON.stringify(result.errors));
    const incident = await eventually(async () => {
      const doc = await Incident.findOne({ number: 1 });
      return doc?.steps.channel_setup.state === 'done' && doc.steps.jira_links.state === 'done' ? doc : null;
    }, 'the escalated incident to get its channel');
    const channel = h.slack.channel(incident.channel!.id!)!;
    assert.ok(channel.members.includes(alice));
    assert.equal(h.jira.issues().length, 1, 'still one ticket');
    assert.ok(h.slack.messages(h.channels.incidents).some((m) => /escalated from 🌦️ P4 to ⛈️ P2/.test(m.text)), 'announced as escalated');
  });

  it('refuses what the rules and permissions refuse, saying why', async () => {
    await declareThroughSlack(h, alice, P1);
    const { channel } = await stepsSettled(1);
    const channelId = channel!.id!;
    // Bob has no role and is not in the channel.
    assert.equal(await openIncidentCommand(h, bob, 'update', channelId), null);
    assert.match(lastEphemeral(h, bob), /Only members of incident #1's channel or people with a role on it can change it/);
    assert.equal(await openIncidentCommand(h, bob, 'close', channelId), null);
    assert.match(lastEphemeral(h, bob), /Only the commander \(<@U\w+>\) or an admin can close incident #1/);
    assert.equal(await openIncidentCommand(h, bob, 'roles', channelId), null);
    assert.match(lastEphemeral(h, bob), /can change the roles of incident #1/);
    // Status shows to anyone.
    const recap = (await openIncidentCommand(h, bob, 'status', channelId))!;
    assert.match(JSON.stringify(recap.view.blocks), /Key participants/);

    // A raw submission of a status the table refuses is answered in the form.
    const form = (await openIncidentCommand(h, alice, 'update', channelId))!;
    const refused = await h.slack.submitView({
      viewId: form.viewId,
      userId: alice,
      skipClientValidation: true,
      values: { ...form.values(), status: { status: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'Mitigated' }, value: 'MITIGATED' } } } },
    });
    assert.equal(refused.responseAction, 'errors');
    assert.match(refused.errors!.status!, /OPEN cannot go to MITIGATED\. From OPEN it can go to INVESTIGATING, CLOSED/);
    assert.equal((await Incident.findOne({ number: 1 }))!.status, 'OPEN');
  });

  it('edit renames the channel after its environments and title; timeline adds notes and key events; reopening needs a message', async () => {
    await declareThroughSlack(h, alice, P1);
    const { channel } = await stepsSettled(1);
    const channelId = channel!.id!;
    let form = (await openIncidentCommand(h, alice, 'edit', channelId))!;
    let result = await submitForm(form, alice, { Title: 'Checkout fails for card payments', Environments: ['PRD', 'STG'] });
    assert.equal(result.responseAction, undefined, JSON.stringify(result.errors));
    await eventually(() => h.slack.channel(channelId)!.name === 'inc-1-prd-stg-checkout-fails-for-card-payments', 'the channel to be renamed');
    // The new name is recorded once Slack has accepted it.
    await eventually(async () => (await Incident.findOne({ number: 1 }))!.channel?.name === 'inc-1-prd-stg-checkout-fails-for-card-payments', 'the new name recorded');

    form = (await openIncidentCommand(h, alice, 'timeline', channelId))!;
    result = await submitForm(form, alice, { What: 'A note', Text: 'Payment provider confirms an outage on their side.' });
    assert.equal(result.responseAction, undefined, JSON.stringify(result.errors));
    form = (await openIncidentCommand(h, alice, 'timeline', channelId))!;
    const started = new Date(Date.now() - 3600_000);
    result = await submitForm(form, alice, { What: 'Started: when the impact began', When: started });
    assert.equal(result.responseAction, undefined, JSON.stringify(result.errors));
    const incident = (await Incident.findOne({ number: 1 }))!;
    assert.equal(Math.floor(incident.milestones!.started!.getTime() / 1000), Math.floor(started.getTime() / 1000));
    assert.ok(await IncidentUpdate.exists({ incidentId: incident._id, eventType: 'note', message: 'Payment provider confirms an outage on their side.' }));

    for (const status of ['Investigating', 'Mitigating', 'Mitigated']) {
      form = (await openIncidentCommand(h, alice, 'update', channelId))!;
      result = await submitForm(form, alice, { Status: status });
      assert.equal(result.responseAction, undefined, JSON.stringify(result.errors));
    }
    form = (await openIncidentCommand(h, alice, 'update', channelId))!;
    result = await submitForm(form, alice, { Status: 'Investigating' });
    assert.equal(result.responseAction, 'errors');
    assert.match(result.errors!.status!, /Reopening a mitigated incident needs a message/);
    result = await submitForm(form, alice, { Message: 'Errors are back since 15:10.' });
    assert.equal(result.responseAction, undefined, JSON.stringify(result.errors));
    assert.equal((await Incident.findOne({ number: 1 }))!.status, 'INVESTIGATING');
  });
});
