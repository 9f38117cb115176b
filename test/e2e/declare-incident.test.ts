import assert from 'node:assert/strict';
import { Incident } from '../../src/models/incident.js';
import { IncidentUpdate } from '../../src/models/incident-update.js';
import { JiraTicket } from '../../src/models/jira-ticket.js';
import { SCOPES_BY_METHOD } from '../../src/services/slack/scopes.js';
import { secretsOf } from '../../src/config.js';
import { startHarness, stepsSettled, eventually, type Harness } from '../support/app-harness.js';
import { declareThroughSlack, openDeclareForm, setImpact, impactLabel } from '../support/declare-driver.js';

const SLACK_ACK_LIMIT_MS = 3000;

describe('declaring an incident from Slack (end to end, real Bolt over Socket Mode)', () => {
  let h: Harness;
  beforeEach(async function () {
    h = await startHarness(this.currentTest?.title ?? 'declare');
  });
  afterEach(async () => {
    // Every Web API method the app called has its scopes in the manifest (see test/manifest.test.ts).
    const unlisted = [...new Set(h.slack.calls().map((c) => c.method))].filter((m) => !(m in SCOPES_BY_METHOD) && m !== 'apps.connections.open');
    await h.stop();
    assert.deepEqual(unlisted, [], 'methods called without their scopes listed');
    const logs = h.logLines.join('');
    assert.ok(logs.includes('incident declared') || logs.includes('connected to Slack'), 'the app logged');
    for (const secret of secretsOf(h.config)) assert.ok(!logs.includes(secret), 'no secret in the logs');
  });

  it('a P1 in production gets its channel, topic, pin, bookmark, roles, comms reminder and Jira ticket', async () => {
    const alice = h.users.alice.id;
    const { commandAck, submission, form } = await declareThroughSlack(h, alice, {
      impacts: { business: 'Highest', customers: 'High' },
      fields: { Category: 'Payment', Title: 'Card payments failing at checkout', Description: 'Every card payment fails since 10:02 with a 502 from the PSP.', 'Zendesk ticket id': 'ZD-4242' },
    });
    assert.ok(commandAck.acked && commandAck.ackMs < SLACK_ACK_LIMIT_MS, `command ack in ${commandAck.ackMs} ms`);
    assert.ok(submission.acked && submission.ackMs < SLACK_ACK_LIMIT_MS, `submission ack in ${submission.ackMs} ms`);
    assert.equal(submission.responseAction, 'update');

    const incident = await stepsSettled(1);
    assert.equal(incident.priority, 1);
    assert.equal(incident.status, 'OPEN');
    assert.deepEqual(incident.roles.map((r) => [r.role, r.slackId]), [['commander', alice]]);
    assert.ok(incident.milestones?.declared instanceof Date);
    for (const step of ['channel', 'channel_setup', 'jira_ticket', 'jira_links'] as const) assert.equal(incident.steps[step].state, 'done', step);
    assert.equal(incident.steps.notify.state, 'skipped');
    assert.deepEqual((await IncidentUpdate.find({ incidentId: incident._id }).sort({ eventAt: 1 })).map((u) => u.eventType).slice(0, 1), ['declared']);

    // The form now says the incident exists.
    await eventually(() => JSON.stringify(h.slack.view(form.viewId)?.blocks).includes('Incident #1 is declared'), 'the confirmation view');

    // Slack: the channel and everything in it.
    const channel = h.slack.channelByName('inc-1-prd-card-payments-failing-at-checkout');
    assert.ok(channel, `channel created; have ${h.slack.channels().map((c) => c.name).join(', ')}`);
    assert.equal(incident.channel?.id, channel.id);
    assert.match(channel.topic, /Incident #1 · 🌪️ P1 · Open · Payment Operations – Payment · PRD/);
    assert.ok(channel.members.includes(alice), 'reporter invited');
    const messages = h.slack.messages(channel.id);
    const announcement = messages.find((m) => m.ts === incident.effects?.announcementTs);
    assert.ok(announcement, 'announcement posted');
    assert.ok(channel.pins.includes(announcement.ts), 'announcement pinned');
    const announcementText = JSON.stringify(announcement.blocks);
    assert.match(announcementText, /Card payments failing at checkout/);
    assert.match(announcementText, /ZD-4242/);
    assert.match(announcementText, new RegExp(`${h.jira.url}/browse/INC-1\\|INC-1`), 'announcement shows the Jira link once known');
    assert.ok(messages.some((m) => JSON.stringify(m.blocks).includes('Incident roles') && JSON.stringify(m.blocks).includes(`<@${alice}>`)), 'roles message');
    assert.ok(messages.some((m) => m.text.includes('Emergency communication process')), 'comms process reminder for P1 in PRD');
    assert.equal(messages.length, 3, 'announcement, roles, comms reminder: nothing else');
    assert.deepEqual(channel.bookmarks.map((b) => b.link), [`${h.jira.url}/browse/INC-1`]);
    const announced = h.slack.messages(h.channels.incidents);
    assert.equal(announced.length, 1, 'the incidents channel hears of a P1 in production');
    assert.match(announced[0]!.text, new RegExp(`new incident has been declared in <#${channel.id}>`));

    // Jira: the ticket with the prepared fields, the reporter watching, and a link back to the channel.
    const issues = h.jira.issues();
    assert.equal(issues.length, 1);
    const issue = issues[0]!;
    assert.equal(issue.key, 'INC-1');
    assert.equal(issue.fields.summary, 'Card payments failing at checkout');
    assert.equal(issue.issueType, 'Incident');
    assert.equal(issue.priorityId, '1');
    assert.equal(issue.reporter, h.jiraAccounts.alice);
    assert.deepEqual(issue.fields.customfield_11064, { value: '1' });
    assert.deepEqual(issue.fields.customfield_11049, [{ value: 'PRD' }]);
    assert.deepEqual(issue.fields.customfield_10201, { value: 'All' });
    assert.deepEqual(issue.fields.customfield_10936, { value: 'Highest' });
    assert.equal(issue.fields.customfield_10895, 'ZD-4242');
    assert.ok(issue.labels.includes(`incident-${incident._id.toString()}`));
    assert.ok(issue.watchers.includes(h.jiraAccounts.alice), 'reporter watches the ticket');
    assert.equal(issue.remoteLinks.length, 1);
    assert.match(issue.remoteLinks[0]!.object.url, new RegExp(channel.id));
    const ticket = await JiraTicket.findOne({ incidentId: incident._id });
    assert.equal(ticket?.key, 'INC-1');
    assert.equal(incident.jira?.url, `${h.jira.url}/browse/INC-1`);
  });

  it('a P4 gets a Jira ticket in its team project, a DM and alert posts, and no channel', async () => {
    const alice = h.users.alice.id;
    const { submission } = await declareThroughSlack(h, alice, {
      impacts: { business: 'Low' },
      fields: { Category: 'Search', Environments: ['PRD', 'STG'], Title: 'Search facets are slow', Description: 'Facet counts take 3 s to load.', 'Feature team': 'Search' },
    });
    assert.equal(submission.responseAction, 'update', JSON.stringify(submission.errors));
    const incident = await stepsSettled(1);
    assert.equal(incident.priority, 4);
    assert.equal(incident.steps.channel.state, 'skipped');
    assert.equal(incident.steps.notify.state, 'done');
    assert.equal(h.slack.calls('conversations.create').length, 0, 'no channel');

    const issue = h.jira.issues()[0]!;
    assert.equal(issue.projectKey, 'SRCH');
    assert.deepEqual(issue.fields.customfield_11049, [{ value: 'PRD' }, { value: 'STG' }]);
    assert.equal(issue.priorityId, '4');
    assert.match(JSON.stringify(issue.fields.description), /Suggested team to be routed: Search/);

    const dm = h.slack.messages(alice);
    assert.equal(dm.length, 1);
    assert.match(dm[0]!.text, /SRCH-1/);
    assert.equal(h.slack.messages(h.channels.alertsNormal).length, 1);
    assert.equal(h.slack.messages(h.channels.alertsHigh).length, 0);
    assert.equal(h.slack.messages(h.channels.incidents).length, 0, 'P4 is not announced');
  });

  it('answers bad input in the form, field by field, and saves nothing', async () => {
    const alice = h.users.alice.id;
    const settings = h.app!.settings;
    const { form } = await openDeclareForm(h, alice);
    form.fill('Category', 'Payment').fill('Title', 'x'.repeat(129)).fill('Description', 'too short');
    const noImpact = await form.submit(alice);
    assert.equal(noImpact.responseAction, 'errors');
    assert.deepEqual(Object.keys(noImpact.errors ?? {}).sort(), ['description', 'impact_business', 'title']);
    assert.match(noImpact.errors!.title!, /at most 128/);

    await setImpact(h, form, alice, settings, 'employees', 'Low');
    assert.ok(form.labels().includes('Feature team'), 'P4 asks for the feature team');
    form.fill('Title', 'Build agents are slow').fill('Description', 'Builds wait 10 minutes for an agent.');
    // The Slack client refuses an empty required select; a raw submission must still be refused by the app.
    const missingTeam = await h.slack.submitView({ viewId: form.viewId, userId: alice, skipClientValidation: true });
    assert.equal(missingTeam.responseAction, 'errors');
    assert.deepEqual(missingTeam.errors, { feature_team: 'A feature team is required for P4–P5 incidents.' });

    await setImpact(h, form, alice, settings, 'employees', 'Highest');
    assert.ok(!form.labels().includes('Feature team'), 'P1 does not ask for a feature team');
    form.fill('Title', '      ');
    const emptyTitle = await form.submit(alice);
    assert.deepEqual(emptyTitle.errors, { title: 'The title needs at least 10 characters.' });
    assert.equal(await Incident.countDocuments(), 0);
  });

  it('shows the priority and the conditional fields as the impacts change', async () => {
    const alice = h.users.alice.id;
    const settings = h.app!.settings;
    const { form } = await openDeclareForm(h, alice);
    const preview = () => JSON.stringify(h.slack.view(form.viewId)?.blocks.find((b) => b.block_id === 'priority_preview'));
    assert.match(preview(), /set at least one impact/);
    await setImpact(h, form, alice, settings, 'customers', 'Medium');
    assert.match(preview(), /P3 – Minor issue affecting customers/);
    assert.ok(form.labels().includes('Zendesk ticket id'));
    assert.ok(!form.labels().includes('Seller contract id'));
    await setImpact(h, form, alice, settings, 'sellers', 'Highest');
    assert.match(preview(), /P1/);
    for (const label of ['Seller contract id', 'Zoho desk ticket id', 'Seller flags']) assert.ok(form.labels().includes(label), label);
    assert.ok(form.input(impactLabel(settings, 'business')));
  });

  it('/incident help and unknown words answer with the help, never an error', async () => {
    for (const text of ['help', 'frobnicate']) {
      const ack = await h.slack.sendSlashCommand({ command: '/incident', text, userId: h.users.alice.id, channelId: h.channels.general });
      assert.ok(ack.acked && ack.ackMs < SLACK_ACK_LIMIT_MS);
      const reply = String((ack.ackPayload as { text?: string }).text);
      assert.match(reply, /`\/incident open`: declare an incident/);
      assert.match(reply, /`\/incident close`: close the incident/);
      if (text === 'frobnicate') assert.match(reply, /`\/incident frobnicate` is not a command I know/);
    }
    assert.equal(h.slack.calls('views.open').length, 0);
  });

  it('the global shortcut opens the same form', async () => {
    const ack = await h.slack.sendGlobalShortcut({ callbackId: 'declare_incident_shortcut', userId: h.users.bob.id });
    assert.ok(ack.acked && ack.ackMs < SLACK_ACK_LIMIT_MS);
    await h.slack.waitForCalls('views.open', 1);
    const view = h.slack.openViews(h.users.bob.id)[0];
    assert.equal(view?.callback_id, 'declare_incident');
  });
});
