import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { connectTo } from '../../src/db/connect-database.js';
import { Incident, type IncidentDocument } from '../../src/models/incident.js';
import { IncidentUpdate } from '../../src/models/incident-update.js';
import { startHarness, stepsSettled, eventually, type Harness } from '../support/app-harness.js';
import { declareThroughSlack } from '../support/declare-driver.js';
import { spawnApp, type AppProcess } from '../support/app-process.js';
import { freePort } from '../../src/db/embedded-ferretdb.js';

const P1 = (title: string) => ({ impacts: { business: 'Highest' }, fields: { Category: 'Checkout', Title: title, Description: 'Declared while two app instances share the work.' } });
const P4 = (title: string) => ({
  impacts: { business: 'Low' },
  fields: { Category: 'Search', Title: title, Description: 'A small problem, declared on either instance.', 'Feature team': 'Search' },
});

interface Instance {
  process: AppProcess;
  port: number;
}

describe('two app instances on one database and one Slack app (real processes)', function () {
  this.timeout(300_000);
  let h: Harness;
  const instances: Instance[] = [];

  before(async function () {
    // A short job lock so that a killed instance's jobs are taken over quickly; reminders scanned often.
    h = await startHarness('two-instances', { start: false, env: { JOB_LOCK_MS: '2000', JOB_POLL_MS: '200', REMINDER_SCAN_MS: '1000' } });
    await connectTo(h.env.MONGODB_URI!);
    instances.push(await startInstance(), await startInstance());
    await eventually(() => h.slack.connectionCount() === 2, 'both sockets connected');
  });
  after(async () => {
    for (const instance of instances) await instance.process.kill('SIGKILL');
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
    await h.slack.stop();
    await h.jira.stop();
  });

  async function startInstance(): Promise<Instance> {
    const port = await freePort();
    // Each instance has its own spool folder, as on separate machines.
    const process = spawnApp({ ...h.env, HTTP_PORT: String(port), SUBMISSION_SPOOL_DIR: mkdtempSync(path.join(tmpdir(), 'incident-spool-')) });
    await process.waitForLog(/connected to Slack over Socket Mode/, 90_000);
    return { process, port };
  }
  const declaredBy = (number: number) =>
    instances.filter((i) => new RegExp(`"incident":${number},[^\\n]*"message":"incident declared"`).test(i.process.output.join('')));
  const channelsOf = (number: number) => h.slack.channels().filter((c) => c.name.startsWith(`inc-${number}-`));
  async function declare(input: ReturnType<typeof P1>): Promise<number> {
    const { submission, form } = await declareThroughSlack(h, h.users.alice.id, input);
    assert.equal(submission.responseAction, 'update');
    const shown = await eventually(() => JSON.stringify(h.slack.view(form.viewId)?.blocks ?? []).match(/Incident #(\d+) is declared/), 'the incident number in the form', 30_000).catch((error: Error) => {
      throw new Error(`${error.message}; the form shows ${JSON.stringify(h.slack.view(form.viewId)?.blocks)}`);
    });
    return Number(shown[1]);
  }

  /** Each applicable step done by exactly one run; one channel, one pinned announcement, one ticket. */
  function assertDeclaredOnce(incident: IncidentDocument) {
    const steps = incident.toObject().steps as Record<string, { state: string; attempts: number }>;
    for (const [name, step] of Object.entries(steps)) {
      if (step.state === 'skipped') continue;
      assert.equal(step.state, 'done', `#${incident.number} ${name}`);
      assert.equal(step.attempts, 1, `#${incident.number} ${name} ran once`);
    }
    assert.equal(h.jira.issues().filter((i) => String(i.fields.summary ?? '').includes(incident.title)).length, 1, `one ticket for #${incident.number}`);
    if (incident.priority <= 3) {
      const channels = channelsOf(incident.number);
      assert.equal(channels.length, 1, `one channel for #${incident.number}`);
      const messages = h.slack.messages(channels[0]!.id);
      assert.equal(messages.filter((m) => /declared/.test(m.text)).length, 1, 'one announcement');
      assert.equal(channels[0]!.pins.length, 1, 'one pin');
    } else {
      const dms = h.slack.messages(h.users.alice.id).filter((m) => m.text.includes(incident.jira!.key!));
      assert.equal(dms.length, 1, `one DM for #${incident.number}`);
    }
  }

  it('declarations spread over both instances run each step once; webhooks to either apply once; a reminder posts once', async () => {
    const numbers: number[] = [];
    for (const [i, input] of [P1('Checkout fails for card payments'), P4('Search facets slow on mobile'), P1('Checkout fails for PayPal'), P4('Search suggestions missing')].entries()) {
      numbers.push(await declare(input));
      assert.equal(numbers.length, i + 1);
    }
    const incidents = [];
    for (const n of numbers) incidents.push(await stepsSettled(n, 60_000));
    for (const incident of incidents) assertDeclaredOnce(incident);
    assert.equal(await Incident.countDocuments(), 4);
    for (const instance of instances) assert.ok(numbers.some((n) => declaredBy(n).includes(instance)), 'each instance declared some');

    // A Jira change delivered to the first instance, then the same delivery to the second: applied once.
    const first = incidents[0]!;
    const carol = h.jira.addUser({ email: 'carol@example.com', displayName: 'Carol Jones' }).accountId;
    h.jira.configureWebhook({ url: `http://127.0.0.1:${instances[0]!.port}/webhooks/jira`, secret: h.env.JIRA_WEBHOOK_SECRET! });
    await h.jira.updateIssueAsUser(first.jira!.key!, carol, { status: 'Pending resolution' });
    const delivery = h.jira.deliveries().at(-1)!;
    assert.equal(delivery.status, 200);
    const again = await fetch(`http://127.0.0.1:${instances[1]!.port}/webhooks/jira`, { method: 'POST', body: delivery.body, headers: delivery.headers });
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), { duplicate: true });
    await eventually(async () => (await Incident.findById(first._id))?.status === 'INVESTIGATING', 'the change from Jira');
    // The next change goes to the second instance.
    h.jira.configureWebhook({ url: `http://127.0.0.1:${instances[1]!.port}/webhooks/jira`, secret: h.env.JIRA_WEBHOOK_SECRET! });
    await h.jira.updateIssueAsUser(first.jira!.key!, carol, { summary: 'Checkout fails for card payments and gift cards' });
    await eventually(async () => (await Incident.findById(first._id))?.title === 'Checkout fails for card payments and gift cards', 'the second change from Jira');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await IncidentUpdate.countDocuments({ incidentId: first._id, origin: 'jira' }), 2, 'each delivery applied once');
    const fromJira = h.slack.messages(first.channel!.id!).filter((m) => /from Jira/.test(m.text));
    assert.equal(fromJira.length, 2, 'one channel message per Jira change');

    // The other P1 is due a reminder: both instances scan every second, one posts.
    const due = incidents[2]!;
    await Incident.updateOne({ _id: due._id }, { $set: { 'milestones.declared': new Date(Date.now() - 31 * 60_000), lastUpdateAt: null } });
    const reminders = () => h.slack.messages(due.channel!.id!).filter((m) => m.text.startsWith('🤖 Time to post an update'));
    await eventually(() => reminders().length > 0, 'the reminder');
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(reminders().length, 1, 'posted once');
  });

  it('SIGTERM of the instance working on a declaration: it finishes or hands over its jobs, and nothing is lost', async () => {
    h.slack.failNext('conversations.create', { delayMs: 1500 });
    const number = await declare(P1('Payments API times out'));
    const [declarer] = declaredBy(number);
    assert.ok(declarer);
    await eventually(async () => (await Incident.findOne({ number }))?.steps.channel.attempts === 1, 'the channel step to start');
    const code = await declarer.process.kill('SIGTERM');
    assert.equal(code, 0, 'a clean exit');
    assert.match(declarer.process.output.join(''), /"message":"stopping"/);
    assertDeclaredOnce(await stepsSettled(number, 60_000));

    // The stopped instance comes back for what follows.
    instances[instances.indexOf(declarer)] = await startInstance();
    await eventually(() => h.slack.connectionCount() === 2, 'both sockets connected again');
  });

  it('kill -9 of the instance working on a declaration: the other finishes it once the lock expires', async () => {
    h.slack.failNext('conversations.create', { delayMs: 3000 });
    const number = await declare(P1('Orders stuck in pending'));
    const [declarer] = declaredBy(number);
    assert.ok(declarer);
    await eventually(async () => (await Incident.findOne({ number }))?.steps.channel.attempts === 1, 'the channel step to start');
    await new Promise((r) => setTimeout(r, 500));
    await declarer.process.kill('SIGKILL');
    await h.slack.waitForCalls('conversations.create', 1, 15_000);
    const incident = await stepsSettled(number, 90_000);
    for (const step of ['channel', 'channel_setup', 'jira_ticket', 'jira_links'] as const) assert.equal(incident.steps[step].state, 'done', step);
    assert.equal(channelsOf(number).length, 1, 'the channel made before the kill was adopted, not made again');
    assert.equal(incident.channel?.id, channelsOf(number)[0]!.id);
    assert.equal(h.jira.issues().filter((i) => String(i.fields.summary ?? '').includes('Orders stuck in pending')).length, 1);
    assert.equal(h.slack.messages(incident.channel!.id!).filter((m) => /declared/.test(m.text)).length, 1);
  });
});
