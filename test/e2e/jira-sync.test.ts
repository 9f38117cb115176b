import assert from 'node:assert/strict';
import { Incident } from '../../src/models/incident.js';
import { JiraSyncBacklog } from '../../src/models/jira-sync-backlog.js';
import { IncidentUpdate } from '../../src/models/incident-update.js';
import { startHarness, stepsSettled, eventually, type Harness } from '../support/app-harness.js';
import { declareThroughSlack } from '../support/declare-driver.js';
import { openIncidentCommand, submitForm } from '../support/incident-driver.js';
import { validateMessageBlocks } from '../support/slack-emulator/block-kit-limits.js';
import { spawnApp, type AppProcess } from '../support/app-process.js';
import { freePort } from '../../src/db/embedded-ferretdb.js';

const fields = { Category: 'Checkout', Title: 'Checkout returns 500 for everyone', Description: 'Every checkout attempt fails since 14:05.' };
const P1 = { impacts: { business: 'Highest' }, fields };
const P3 = { impacts: { business: 'Medium' }, fields };

describe('incident changes reach the Jira ticket (end to end)', () => {
  let h: Harness;
  let alice: string;
  let bob: string;
  let bobJira: string;
  beforeEach(async function () {
    const title = this.currentTest?.title ?? 'jira-sync';
    // Two processes share the test database, each with one connection: job runs take longer than the 1.5 s lock.
    if (title.includes('longer than every try')) {
      // Two tries per job and a backlog sweep twice a second, so the whole outage fits the test.
      h = await startHarness(title, { env: { STEP_MAX_ATTEMPTS: '2' }, start: false });
      await h.startApp({ jobs: { jiraSyncBacklogEveryMs: 500 } });
    } else {
      h = await startHarness(title, title.includes('two app') ? { env: { JOB_LOCK_MS: '15000', JOB_POLL_MS: '300' } } : {});
    }
    alice = h.users.alice.id;
    bob = h.users.bob.id;
    bobJira = h.jira.addUser({ email: 'bob@partner.io', displayName: 'Bob Durand' }).accountId;
    // The post-mortem project INCIDENT is part of the harness's Jira.
  });
  afterEach(() => h.stop());

  const declare = async (input: typeof P1) => {
    await declareThroughSlack(h, alice, input);
    const incident = await stepsSettled(1, 60_000);
    assert.ok(incident.jira?.key, 'the ticket exists');
    return { key: incident.jira.key, channel: incident.channel?.id ?? h.channels.general };
  };
  const update = async (channel: string, values: Record<string, string>, user = alice) => {
    const form = (await openIncidentCommand(h, user, 'update', channel))!;
    const result = await submitForm(form, user, values);
    assert.equal(result.responseAction, undefined, JSON.stringify(result.errors));
  };
  const jiraSynced = (n: number) => eventually(async () => (await IncidentUpdate.countDocuments({ 'effects.jiraSync': 'done' })) >= n, `${n} changes written to Jira`, 40_000);
  const issue = (key: string) => h.jira.issue(key)!;
  const transitionsDone = (key: string) =>
    h.jira.requests({ method: 'POST', pathPrefix: `/rest/api/3/issue/${key}/transitions` }).filter((r) => r.status === 204).map((r) => (r.body as { transition: { id: string } }).transition.id);

  it('title, description, priority, status and commander of a P1 land on its ticket, one write per change', async function () {
    this.timeout(60_000);
    const { key, channel } = await declare(P1);
    h.jira.resetRequests();

    const edit = (await openIncidentCommand(h, alice, 'edit', channel))!;
    let result = await submitForm(edit, alice, { Title: 'Checkout fails with HTTP 500 for all', Description: 'Payment provider timeouts since 14:05.' });
    assert.equal(result.responseAction, undefined, JSON.stringify(result.errors));
    await eventually(() => issue(key).fields.summary === 'Checkout fails with HTTP 500 for all', 'the summary');
    assert.match(JSON.stringify(issue(key).fields.description), /Payment provider timeouts since 14:05\./);

    await update(channel, { Priority: '⛈️ P2 – Major issue impacting customers.', Message: 'Only card payments are hit.' });
    await eventually(() => issue(key).priorityId === '2', 'the Jira priority');
    assert.deepEqual(issue(key).fields.customfield_11064, { value: '2' });

    await update(channel, { Status: 'Investigating' });
    await eventually(() => issue(key).status === 'Pending resolution', 'the Jira status');

    const roles = (await openIncidentCommand(h, alice, 'roles', channel))!;
    result = await submitForm(roles, alice, { '🧑‍✈️ Commander': bob });
    assert.equal(result.responseAction, undefined, JSON.stringify(result.errors));
    await eventually(() => issue(key).assignee === bobJira, 'the assignee');
    await jiraSynced(4);

    // One edit carrying title and description, one carrying the priority: nothing else was written.
    const edits = h.jira.requests({ method: 'PUT', pathPrefix: `/rest/api/3/issue/${key}` }).filter((r) => r.path === `/rest/api/3/issue/${key}`);
    assert.deepEqual(edits.map((r) => Object.keys((r.body as { fields: object }).fields).sort()), [['description', 'summary'], ['customfield_11064', 'priority']]);
    assert.equal(h.jira.requests({ method: 'PUT', pathPrefix: `/rest/api/3/issue/${key}/assignee` }).length, 1);
    assert.deepEqual(transitionsDone(key), ['21']);
  });

  it('Jira answering 500 then recovering: each change lands once, in order', async function () {
    this.timeout(60_000);
    const { key, channel } = await declare(P1);
    h.jira.resetRequests();
    h.jira.failNext({ method: 'POST', path: new RegExp(`/issue/${key}/transitions$`) }, { status: 500 }, 2);
    await update(channel, { Status: 'Investigating' });
    await update(channel, { Status: 'Mitigating' });
    await eventually(() => issue(key).status === 'in progress', 'the ticket to reach in progress');
    await jiraSynced(2);
    assert.deepEqual(transitionsDone(key), ['21', '31']);
    const failed = h.jira.requests({ method: 'POST', pathPrefix: `/rest/api/3/issue/${key}/transitions` }).filter((r) => r.status === 500);
    assert.equal(failed.length, 2, 'the failures were retried');
    const statuses = issue(key).histories.flatMap((hist) => hist.items.filter((i) => i.field === 'status').map((i) => i.toString));
    assert.deepEqual(statuses, ['Pending resolution', 'in progress']);
  });

  it('Jira down for longer than every try: the change waits in the backlog and lands once Jira is back, with no other change', async function () {
    this.timeout(60_000);
    const { key, channel } = await declare(P1);
    h.jira.resetRequests();
    h.jira.failNext({ method: 'PUT', path: new RegExp(`/issue/${key}$`) }, { status: 503 }, 10_000);
    const edit = (await openIncidentCommand(h, alice, 'edit', channel))!;
    const result = await submitForm(edit, alice, { Title: 'Checkout fails while the PSP is down' });
    assert.equal(result.responseAction, undefined, JSON.stringify(result.errors));
    const incidentId = (await Incident.findOne({ 'jira.key': key }))!._id.toString();
    await eventually(async () => (await JiraSyncBacklog.exists({ _id: incidentId })) !== null, 'the change to wait in the backlog', 30_000);
    assert.notEqual(issue(key).fields.summary, 'Checkout fails while the PSP is down');
    const triedWhileDown = h.jira.requests({ method: 'PUT', pathPrefix: `/rest/api/3/issue/${key}` }).filter((r) => r.path === `/rest/api/3/issue/${key}`).length;
    assert.ok(triedWhileDown >= 2, `tried ${triedWhileDown} times`);

    h.jira.clearFaults();
    await eventually(() => issue(key).fields.summary === 'Checkout fails while the PSP is down', 'the summary once Jira is back', 30_000);
    await eventually(async () => (await JiraSyncBacklog.exists({ _id: incidentId })) === null, 'the backlog to empty');
    const written = h.jira.requests({ method: 'PUT', pathPrefix: `/rest/api/3/issue/${key}` }).filter((r) => r.path === `/rest/api/3/issue/${key}` && r.status === 204);
    assert.equal(written.length, 1, 'written once');
    assert.equal(await IncidentUpdate.countDocuments({ incidentId, 'effects.jiraSync': 'pending' }), 0);
  });

  it('a P3 ticket closes at MITIGATED, and walks back when the incident reopens', async function () {
    this.timeout(60_000);
    const { key, channel } = await declare(P3);
    await update(channel, { Status: 'Investigating' });
    await update(channel, { Status: 'Mitigating' });
    await update(channel, { Status: 'Mitigated' });
    await eventually(() => issue(key).status === 'Closed', 'the P3 ticket to close');
    assert.deepEqual(transitionsDone(key), ['21', '31', '51']);
    await update(channel, { Status: 'Mitigating', Message: 'The errors are back after the rollback.' });
    await eventually(() => issue(key).status === 'in progress', 'the ticket to reopen');
    assert.equal(h.jira.issues().filter((i) => i.projectKey === 'INCIDENT').length, 0, 'no post-mortem for a P3');
  });

  it('a P1 at MITIGATED stays open and gets one post-mortem, linked, assigned and pinned; POST_MORTEM keeps the ticket open; CLOSED closes it', async function () {
    this.timeout(60_000);
    const { key, channel } = await declare(P1);
    await update(channel, { Status: 'Investigating' });
    await update(channel, { Status: 'Mitigating' });
    await update(channel, { Status: 'Mitigated', Message: 'Rolled back the 14:00 deploy.' });
    const incident = await eventually(async () => {
      const doc = await Incident.findOne({ number: 1 });
      return doc?.postmortem?.pinned ? doc : null;
    }, 'the post-mortem to be pinned');
    assert.equal(issue(key).status, 'Reporter validation', 'a P1 ticket does not close at MITIGATED');

    const postmortems = h.jira.issues().filter((i) => i.projectKey === 'INCIDENT');
    assert.equal(postmortems.length, 1);
    const pm = postmortems[0]!;
    assert.equal(pm.key, incident.postmortem!.key);
    assert.equal(pm.issueType, 'Post-mortem');
    assert.ok(pm.labels.includes(`incident-${incident._id.toString()}-postmortem`));
    assert.equal(pm.assignee, h.jiraAccounts.alice);
    assert.ok(pm.issueLinks.some((l) => l.type === 'Relates' && [l.inward, l.outward].includes(key)), 'linked to the incident ticket');
    const description = JSON.stringify(pm.fields.description);
    assert.match(description, /Status Investigating → Mitigating|status Investigating → Mitigating/);
    assert.match(description, /Rolled back the 14:00 deploy\./);
    const message = h.slack.messages(channel).find((m) => m.ts === incident.postmortem!.messageTs);
    assert.ok(message && message.text.includes(pm.key));
    assert.deepEqual(validateMessageBlocks(message.blocks ?? []), []);
    assert.ok(h.slack.channel(channel)!.pins.includes(message.ts), 'pinned in the channel');

    // Key events, then POST_MORTEM: the ticket stays where it is.
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
    await Incident.updateOne({ number: 1 }, { $set: { 'milestones.started': at(50), 'milestones.detected': at(45), 'milestones.recovered': at(5) } });
    await update(channel, { Status: 'Post-mortem' });
    await jiraSynced(4);
    assert.equal(issue(key).status, 'Reporter validation', 'POST_MORTEM does not close the ticket');

    const close = (await openIncidentCommand(h, alice, 'close', channel))!;
    const closed = await submitForm(close, alice, { 'Closing message': 'Post-mortem written, actions tracked in Jira.' });
    assert.equal(closed.responseAction, undefined, JSON.stringify(closed.errors));
    await eventually(() => issue(key).status === 'Closed', 'the ticket to close at CLOSED');
    assert.equal(h.jira.issues().filter((i) => i.projectKey === 'INCIDENT').length, 1, 'still one post-mortem');
    assert.equal(h.slack.messages(channel).filter((m) => m.text.startsWith('Post-mortem of incident #1')).length, 1, 'posted once');
  });

  describe('ping-pong: our own change comes back as a webhook', () => {
    let second: AppProcess | null = null;
    afterEach(async () => {
      await second?.kill('SIGTERM');
      second = null;
    });

    const pingPong = async (webhookPort: number) => {
      const { key, channel } = await declare(P1);
      h.jira.configureWebhook({ url: `http://127.0.0.1:${webhookPort}/webhooks/jira`, secret: h.env.JIRA_WEBHOOK_SECRET! });
      h.jira.resetRequests();
      const before = h.slack.messages(channel).length;
      const updatesBefore = await IncidentUpdate.countDocuments();

      for (const [status, jiraStatus, transition] of [
        ['Investigating', 'Pending resolution', '21'],
        ['Mitigating', 'in progress', '31'],
      ] as const) {
        await update(channel, { Status: status });
        await eventually(() => issue(key).status === jiraStatus, `the ticket at ${jiraStatus}`);
        await h.jira.waitForDeliveries();
        const echo = h.jira.deliveries().filter((d) => d.event === 'jira:issue_updated' && d.body.includes(`"toString":"${jiraStatus}"`));
        assert.equal(echo.length, 1, `one webhook for ${jiraStatus}`);
        assert.equal(echo[0]!.status, 200, 'the echo was accepted');
        assert.equal(transitionsDone(key).at(-1), transition);
      }
      // Let whatever the echoes could cause happen, then check that nothing did.
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual(transitionsDone(key), ['21', '31'], 'exactly one transition call per hop');
      const incident = (await Incident.findOne({ number: 1 }))!;
      assert.equal(incident.status, 'MITIGATING', 'the incident is unchanged by the echoes');
      assert.equal(await IncidentUpdate.countDocuments({ origin: 'jira' }), 0, 'no change recorded from Jira');
      assert.equal(await IncidentUpdate.countDocuments(), updatesBefore + 2);
      const added = h.slack.messages(channel).slice(before);
      assert.equal(added.length, 2, `one Slack message per change, none for the echoes: ${added.map((m) => m.text).join(' | ')}`);
    };

    it('one app: one transition per hop, no second Slack message, the incident unchanged', async function () {
      this.timeout(60_000);
      await pingPong(h.app!.httpPort);
    });

    it('two app instances on one database: the echo is recognised by either', async function () {
      this.timeout(90_000);
      const port = await freePort();
      second = spawnApp({ ...h.env, HTTP_PORT: String(port) });
      await second.waitForLog(/http sidecar listening/, 45_000);
      // The webhook goes to the second instance while jobs run on either: markers must hold across processes.
      await pingPong(port);
    });
  });
});
