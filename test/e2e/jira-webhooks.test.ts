import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Incident } from '../../src/models/incident.js';
import { IncidentUpdate } from '../../src/models/incident-update.js';
import { JiraDelivery } from '../../src/models/jira-delivery.js';
import { signWebhookBody } from '../support/jira-emulator/webhooks.js';
import { validateMessageBlocks } from '../support/slack-emulator/block-kit-limits.js';
import { startHarness, stepsSettled, eventually, type Harness } from '../support/app-harness.js';
import { declareThroughSlack } from '../support/declare-driver.js';

const P1 = { impacts: { business: 'Highest' }, fields: { Category: 'Checkout', Title: 'Checkout returns 500 for everyone', Description: 'Every checkout attempt fails since 14:05.' } };

describe('Jira webhooks change incidents (end to end)', function () {
  this.timeout(60_000);
  let h: Harness;
  let key: string;
  let channel: string;
  let incidentId: string;
  let carol: string;
  let carolSlack: string;
  let url: string;
  let secret: string;

  const updates = () => IncidentUpdate.find({ incidentId }).sort({ eventAt: 1 });
  const incident = async () => (await Incident.findById(incidentId))!;
  const channelTexts = () => h.slack.messages(channel).map((m) => m.text);
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${h.app!.httpPort}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const signed = (body: string) => ({ 'x-hub-signature': signWebhookBody(body, secret) });

  before(async () => {
    h = await startHarness('jira-webhooks');
    carolSlack = h.slack.addUser({ name: 'carol', email: 'carol@example.com' }).id;
    carol = h.jira.addUser({ email: 'carol@example.com', displayName: 'Carol Jones' }).accountId;
    await declareThroughSlack(h, h.users.alice.id, P1);
    const declared = await stepsSettled(1);
    key = declared.jira!.key!;
    channel = declared.channel!.id!;
    incidentId = declared._id.toString();
    secret = h.env.JIRA_WEBHOOK_SECRET!;
    url = `http://127.0.0.1:${h.app!.httpPort}/webhooks/jira`;
    h.jira.configureWebhook({ url, secret });
  });
  after(() => h.stop());

  it('a status moved by a person in Jira moves the incident, with a timeline entry and a channel message from Jira', async () => {
    await h.jira.updateIssueAsUser(key, carol, { status: 'Pending resolution' });
    const delivery = h.jira.deliveries().at(-1)!;
    assert.equal(delivery.status, 200);
    await eventually(async () => (await incident()).status === 'INVESTIGATING', 'the incident to be INVESTIGATING');
    const entry = (await updates()).find((u) => u.changes?.status?.to === 'INVESTIGATING');
    assert.equal(entry?.origin, 'jira');
    assert.equal(entry?.actorSlackId, null);
    assert.match(entry?.message ?? '', /in Jira/);
    await eventually(() => channelTexts().some((t) => /from Jira/.test(t) && /Open → Investigating/.test(t)), 'the channel message from Jira');
  });

  it('a duplicate delivery is answered 200 and applied once', async () => {
    const index = h.jira.deliveries().length - 1;
    const before = (await updates()).length;
    const again = await h.jira.redeliver(index);
    assert.equal(again.status, 200);
    assert.equal(await JiraDelivery.countDocuments({ _id: `jira:${again.identifier}` }), 1, 'recorded once');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await updates()).length, before, 'no second timeline entry');
  });

  it('priority, summary, description and assignee from Jira reach the incident', async () => {
    await h.jira.updateIssueAsUser(key, carol, { priorityId: '2' });
    await eventually(async () => (await incident()).priority === 2, 'priority P2');
    await h.jira.updateIssueAsUser(key, carol, { summary: 'Checkout returns 500 for most users' });
    await eventually(async () => (await incident()).title === 'Checkout returns 500 for most users', 'the new title');
    await h.jira.updateIssueAsUser(key, carol, { description: 'Most checkout attempts fail since 14:05; PayPal works.' });
    await eventually(async () => /PayPal works/.test((await incident()).description ?? ''), 'the new description');
    await h.jira.updateIssueAsUser(key, carol, { assignee: carol });
    await eventually(async () => (await incident()).roles.some((r) => r.role === 'commander' && r.slackId === carolSlack), 'Carol as commander');
    const all = await updates();
    for (const field of ['priority', 'title', 'description', 'role:commander']) {
      const entry = all.find((u) => u.origin === 'jira' && u.changes && field in u.changes);
      assert.ok(entry, `${field} recorded from Jira`);
      assert.equal(entry.actorSlackId, null);
    }
    await eventually(() => channelTexts().filter((t) => /from Jira/.test(t)).length >= 5, 'a channel message for each change');
  });

  it('a status the transition table refuses is not applied, and the channel is told why', async () => {
    const before = (await incident()).status;
    await h.jira.updateIssueAsUser(key, carol, { status: 'Closed' });
    const notice = await eventually(() => h.slack.messages(channel).find((m) => /but the incident was not changed/.test(m.text)), 'the refusal notice');
    validateMessageBlocks(notice.blocks ?? []);
    assert.equal((await incident()).status, before);
    assert.ok(!(await updates()).some((u) => u.changes?.status?.to === 'CLOSED'));
  });

  it('a comment in Jira is posted in the incident channel as plain text', async () => {
    await h.jira.addCommentAsUser(key, carol, 'The *PSP* confirms an outage on their side.');
    const alert = await eventually(() => h.slack.messages(channel).find((m) => /Carol Jones commented on/.test(m.text)), 'the comment alert');
    assert.match(alert.text, /The PSP confirms an outage/);
    validateMessageBlocks(alert.blocks ?? []);
  });

  it('for a ticket without a channel, comments and field changes are DMed to the reporter and the watchers who are on Slack', async () => {
    await declareThroughSlack(h, h.users.alice.id, {
      impacts: { business: 'Low' },
      fields: { Category: 'Search', Title: 'Search facets are slow', Description: 'Facet counts take 3 s to load.', 'Feature team': 'Search' },
    });
    const p4 = await stepsSettled(2);
    assert.equal(p4.channel?.id ?? null, null, 'a P4 has no channel');
    const p4Key = p4.jira!.key!;
    const dave = h.jira.addUser({ email: 'dave@outside.example', displayName: 'Dave Outside' }).accountId;
    for (const watcher of [carol, dave]) {
      const added = await fetch(`${h.jira.url}/rest/api/3/issue/${p4Key}/watchers`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${h.jira.email}:${h.jira.apiToken}`).toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify(watcher),
      });
      assert.equal(added.status, 204);
    }
    const dmsBefore = (user: string) => h.slack.messages(user).length;
    const [aliceBefore, carolBefore] = [dmsBefore(h.users.alice.id), dmsBefore(carolSlack)];
    const postsBefore = h.slack.calls('chat.postMessage').length;

    await h.jira.addCommentAsUser(p4Key, carol, 'Facets are slow for *every* category.');
    const newDms = (user: string, before: number) => h.slack.messages(user).slice(before);
    await eventually(() => newDms(h.users.alice.id, aliceBefore).some((m) => /Carol Jones commented on/.test(m.text)), 'the reporter DM');
    await eventually(() => newDms(carolSlack, carolBefore).some((m) => /Facets are slow for every category/.test(m.text)), 'the watcher DM');

    await h.jira.updateIssueAsUser(p4Key, carol, { priorityId: '5' });
    await eventually(async () => (await Incident.findById(p4._id))!.priority === 5, 'the incident to follow the priority');
    await eventually(() => newDms(h.users.alice.id, aliceBefore).some((m) => /Priority/.test(m.text) && m.text.includes(p4Key)), 'the priority change DM');
    for (const m of [...newDms(h.users.alice.id, aliceBefore), ...newDms(carolSlack, carolBefore)]) validateMessageBlocks(m.blocks ?? []);
    // Dave is a watcher without a Slack account: nobody else got a DM.
    const dmTargets = h.slack.calls('chat.postMessage').slice(postsBefore).map((c) => String((c.args as { channel?: string }).channel)).filter((c) => c.startsWith('U'));
    assert.deepEqual([...new Set(dmTargets)].sort(), [h.users.alice.id, carolSlack].sort());
  });

  it('signature tampered or missing, bad JSON, bad body, too large, wrong type: refused and nothing changes', async () => {
    const body = readFileSync('test/fixtures/jira/webhooks/jira_issue_updated.summary.json', 'utf8').replace(/TES-41/g, key);
    const before = { updates: (await updates()).length, deliveries: await JiraDelivery.countDocuments(), title: (await incident()).title };
    assert.equal((await post('/webhooks/jira', body)).status, 401, 'missing');
    assert.equal((await post('/webhooks/jira', body.replace('summary 1', 'summary 2'), signed(body))).status, 401, 'tampered');
    assert.equal((await post('/webhooks/jira', body, { 'x-hub-signature': signWebhookBody(body, 'another-secret-0123456789') })).status, 401, 'wrong secret');
    assert.equal((await post('/webhooks/jira', body, { ...signed(body), 'content-type': 'text/plain' })).status, 415);
    const broken = '{"webhookEvent":';
    const r400 = await post('/webhooks/jira', broken, signed(broken));
    assert.equal(r400.status, 400);
    assert.deepEqual(await r400.json(), { error: 'invalid_json' });
    const noKey = JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { id: '1' } });
    const bad = await post('/webhooks/jira', noKey, signed(noKey));
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { error: 'invalid_body', fields: ['issue.key'] });
    const huge = JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { key }, pad: 'x'.repeat(1024 * 1024) });
    const r413 = await post('/webhooks/jira', huge, signed(huge));
    assert.equal(r413.status, 413);
    assert.equal(((await r413.json()) as { error: string }).error, 'body_too_large');
    assert.equal((await updates()).length, before.updates);
    assert.equal(await JiraDelivery.countDocuments(), before.deliveries);
    assert.equal((await incident()).title, before.title);
  });

  it("FireFighter's paths take FireFighter's bodies; a ticket we do not know is answered 200 and ignored", async () => {
    const unknown = readFileSync('test/fixtures/jira/webhooks/jira_issue_updated.priority.json', 'utf8');
    const res = await post('/api/v2/firefighter/raid/jira_update', unknown, { ...signed(unknown), 'x-atlassian-webhook-identifier': 'ff-unknown-1' });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { ignored: boolean }).ignored, true);
    assert.equal((await JiraDelivery.findById('jira:ff-unknown-1'))?.state, 'ignored');

    const summary = readFileSync('test/fixtures/jira/webhooks/jira_issue_updated.summary.json', 'utf8').replace(/TES-41/g, key);
    const ok = await post('/api/v2/firefighter/raid/jira_update', summary, signed(summary));
    assert.equal(ok.status, 200);
    await eventually(async () => (await incident()).title === 'Unit test summary 1', 'the title from the FireFighter path');

    const comment = readFileSync('test/fixtures/jira/webhooks/comment_updated.json', 'utf8').replace(/TES-41/g, key);
    assert.equal((await post('/api/v2/firefighter/raid/jira_comment', comment, signed(comment))).status, 200);
    await eventually(() => h.slack.messages(channel).some((m) => /edited a comment on/.test(m.text)), 'the edited comment alert');
    const notAComment = JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { key } });
    const refused = await post('/api/v2/firefighter/raid/jira_comment', notAComment, signed(notAComment));
    assert.equal(refused.status, 400);
    assert.deepEqual(((await refused.json()) as { fields: string[] }).fields, ['webhookEvent', 'comment']);
  });

  it("the app's own Jira writes coming back are not applied", async () => {
    const before = (await updates()).length;
    const body = JSON.parse(readFileSync('test/fixtures/jira/webhooks/jira_issue_updated.summary.json', 'utf8').replace(/TES-41/g, key));
    body.user.accountId = h.jira.botAccountId;
    body.changelog.items[0].toString = 'A title the app wrote itself';
    const raw = JSON.stringify(body);
    assert.equal((await post('/webhooks/jira', raw, signed(raw))).status, 200);
    await eventually(async () => (await JiraDelivery.findOne({ body: raw }))?.state === 'ignored', 'the echo to be ignored');
    assert.equal((await updates()).length, before);
  });
});
