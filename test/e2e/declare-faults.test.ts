import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { Incident } from '../../src/models/incident.js';
import { connectTo } from '../../src/db/connect-database.js';
import { startHarness, stepsSettled, eventually, type Harness } from '../support/app-harness.js';
import { declareThroughSlack } from '../support/declare-driver.js';
import { spawnApp, runAppToExit, type AppProcess } from '../support/app-process.js';

const P1 = {
  impacts: { business: 'Highest' },
  fields: { Category: 'Databases', Title: 'Primary database is read-only', Description: 'Writes fail with "read-only transaction" since 03:12.' },
};

const jiraCreate = { method: 'POST', path: '/rest/api/3/issue' };

function incidentChannels(h: Harness, number: number) {
  return h.slack.channels().filter((c) => c.name.startsWith(`inc-${number}-`));
}

describe('declaring when Slack or Jira fail (end to end)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('Jira answering 500 for the first tries: the incident exists at once and ends with exactly one ticket', async function () {
    h = await startHarness(this.test!.title);
    h.jira.failNext(jiraCreate, { status: 500 }, 2);
    const { submission } = await declareThroughSlack(h, h.users.alice.id, P1);
    assert.equal(submission.responseAction, 'update');
    const incident = await stepsSettled(1);
    // Saved before Jira ever accepted the ticket.
    const firstCreate = h.jira.requests({ method: 'POST' }).find((r) => r.path === '/rest/api/3/issue' && r.status === 201)!;
    assert.ok(incident.milestones!.declared.getTime() <= firstCreate.at, 'the incident existed before its ticket');
    assert.equal(incident.steps.jira_ticket.state, 'done');
    assert.equal(incident.steps.jira_ticket.attempts, 3);
    assert.equal(h.jira.issues().length, 1);
    assert.equal(h.jira.requests({ method: 'POST', pathPrefix: '/rest/api/3/issue' }).filter((r) => r.path === '/rest/api/3/issue').length, 3);
    assert.equal(incidentChannels(h, 1).length, 1);
  });

  it('Jira creating the ticket but the answer being lost: the retry finds it by its label instead of creating another', async function () {
    h = await startHarness(this.test!.title);
    h.jira.failNext(jiraCreate, { status: 0, applyThenDrop: true }, 1);
    await declareThroughSlack(h, h.users.alice.id, P1);
    const incident = await stepsSettled(1);
    assert.equal(incident.steps.jira_ticket.state, 'done');
    assert.equal(h.jira.issues().length, 1, 'one ticket');
    assert.equal(incident.jira?.key, h.jira.issues()[0]!.key);
  });

  it('Jira too slow to answer: the call times out, the retry finds the ticket the slow call made', async function () {
    h = await startHarness(this.test!.title, { env: { JIRA_TIMEOUT_MS: '300', STEP_UNCERTAIN_RETRY_MS: '1000' } });
    // Jira makes the ticket but holds the answer past the app's timeout.
    h.jira.failNext(jiraCreate, { status: 0, applyThenDrop: true, delayMs: 800 }, 1);
    await declareThroughSlack(h, h.users.alice.id, P1);
    const incident = await stepsSettled(1);
    assert.equal(incident.steps.jira_ticket.state, 'done');
    assert.equal(incident.steps.jira_ticket.lastError, null);
    assert.equal(h.jira.issues().length, 1, 'still one ticket');
    assert.ok(incident.steps.jira_ticket.attempts >= 2);
  });

  it('Slack answering 429 with Retry-After on conversations.create: one channel, created after the wait', async function () {
    h = await startHarness(this.test!.title);
    h.slack.failNext('conversations.create', { rateLimited: { retryAfterSeconds: 1 } });
    const started = Date.now();
    await declareThroughSlack(h, h.users.alice.id, P1);
    const incident = await stepsSettled(1);
    assert.equal(incident.steps.channel.state, 'done');
    const creates = h.slack.calls('conversations.create');
    assert.deepEqual(creates.map((c) => c.status), [429, 200]);
    assert.ok(creates[1]!.at - creates[0]!.at >= 900, 'waited for Retry-After');
    assert.ok(Date.now() - started >= 900);
    assert.equal(incidentChannels(h, 1).length, 1);
    const channel = incidentChannels(h, 1)[0]!;
    assert.equal(h.slack.messages(channel.id).length, 3, 'each message once');
  });

  it('a name taken by somebody else: the channel gets a suffix', async function () {
    h = await startHarness(this.test!.title);
    h.slack.addChannel({ name: 'inc-1-prd-primary-database-is-read-only' });
    await declareThroughSlack(h, h.users.alice.id, P1);
    const incident = await stepsSettled(1);
    assert.equal(incident.channel?.name, 'inc-1-prd-primary-database-is-read-only-2');
  });

  it('after the last try, the reporter is told which step failed; the rest still happens', async function () {
    h = await startHarness(this.test!.title, { env: { STEP_MAX_ATTEMPTS: '3' } });
    h.jira.failNext(jiraCreate, { status: 503 }, 10);
    await declareThroughSlack(h, h.users.alice.id, P1);
    const incident = await stepsSettled(1);
    assert.equal(incident.steps.jira_ticket.state, 'failed');
    assert.match(incident.steps.jira_ticket.lastError ?? '', /HTTP 503/);
    assert.equal(incident.steps.jira_links.state, 'skipped');
    assert.equal(incident.steps.channel_setup.state, 'done');
    const dm = await eventually(() => (h.slack.messages(h.users.alice.id).length > 0 ? h.slack.messages(h.users.alice.id) : null), 'the DM to the reporter');
    assert.equal(dm.length, 1);
    assert.match(dm[0]!.text, /Incident #1 is saved, but creating the Jira ticket failed after 3 tries: Jira createIssue failed with HTTP 503/);
    const channel = incidentChannels(h, 1)[0]!;
    await eventually(() => h.slack.messages(channel.id).some((m) => /creating the Jira ticket failed/.test(m.text)), 'the channel to be told too');
    assert.equal(h.jira.issues().length, 0);
  });

  it('a 4xx from Jira is not retried: it cannot get better', async function () {
    h = await startHarness(this.test!.title);
    h.jira.failNext(jiraCreate, { status: 400, body: { errorMessages: [], errors: { customfield_11064: 'Option id is not valid' } } }, 1);
    await declareThroughSlack(h, h.users.alice.id, P1);
    const incident = await stepsSettled(1);
    assert.equal(incident.steps.jira_ticket.state, 'failed');
    assert.equal(incident.steps.jira_ticket.attempts, 1);
    assert.match(incident.steps.jira_ticket.lastError ?? '', /customfield_11064: Option id is not valid/);
  });
});

describe('the app process killed between two declare steps (real process, kill -9)', () => {
  let h: Harness;
  let app: AppProcess | null = null;
  afterEach(async () => {
    await app?.kill();
    await mongoose.disconnect();
    await h.slack.stop();
    await h.jira.stop();
  });

  it('restarts and ends with exactly one incident, one channel and one ticket', async function () {
    this.timeout(150_000);
    // A short job lock, so the restarted app takes over the killed one's job quickly.
    h = await startHarness(this.test!.title, { start: false, env: { JOB_LOCK_MS: '1500' } });
    await connectTo(h.env.MONGODB_URI!);
    app = spawnApp(h.env);
    await app.waitForLog(/connected to Slack over Socket Mode/, 45_000);
    await h.slack.waitForConnection(5000);

    // Slack is slow to create the channel: the app dies while the call is in flight, after Slack acted.
    h.slack.failNext('conversations.create', { delayMs: 4000 });
    const { submission } = await declareThroughSlack(h, h.users.alice.id, P1);
    assert.equal(submission.responseAction, 'update');
    await eventually(async () => (await Incident.findOne({ number: 1 }))?.steps.channel.attempts === 1, 'the channel step to start');
    // The call goes out right after the attempt is recorded; give it a moment to leave, then kill the app mid-call.
    await new Promise((r) => setTimeout(r, 700));
    await app.kill('SIGKILL');
    await h.slack.waitForCalls('conversations.create', 1, 15_000);
    assert.equal(incidentChannels(h, 1).length, 1, 'Slack made the channel; the app never heard of it');

    app = spawnApp(h.env);
    await app.waitForLog(/connected to Slack over Socket Mode/, 45_000);
    const incident = await stepsSettled(1, 45_000);
    for (const step of ['channel', 'channel_setup', 'jira_ticket', 'jira_links'] as const) assert.equal(incident.steps[step].state, 'done', step);
    assert.equal(await Incident.countDocuments(), 1);
    assert.equal(incidentChannels(h, 1).length, 1, 'one channel');
    assert.equal(incident.channel?.id, incidentChannels(h, 1)[0]!.id, 'the channel made before the crash was adopted');
    assert.equal(h.jira.issues().length, 1, 'one ticket');
    const messages = h.slack.messages(incident.channel!.id!);
    assert.equal(messages.filter((m) => /declared/.test(m.text)).length, 1, 'one announcement');
    assert.equal(messages.length, 3);
  });

  it('a settings file with an error stops the start with a message naming the field', async function () {
    h = await startHarness(this.test!.title, { start: false });
    const dir = mkdtempSync(path.join(tmpdir(), 'bad-settings-'));
    const settings = JSON.parse(readFileSync('config/settings.json', 'utf8'));
    settings.priorities[0].updateCadenceMinutes = -5;
    settings.jira.projectKey = 'lowercase';
    const file = path.join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify(settings));
    const { code, output } = await runAppToExit({ ...h.env, INCIDENT_SETTINGS: file }, 50_000);
    assert.equal(code, 1);
    assert.match(output, /settings file .*settings\.json is invalid/);
    assert.match(output, /priorities\[0\]\.updateCadenceMinutes/);
    assert.match(output, /jira\.projectKey/);
    await mongoose.connect(h.env.MONGODB_URI!);
  });

  it('a missing token stops the start with a message naming the variable', async function () {
    h = await startHarness(this.test!.title, { start: false });
    const { code, output } = await runAppToExit({ ...h.env, SLACK_APP_TOKEN: 'not-a-token' }, 50_000);
    assert.equal(code, 1);
    assert.match(output, /SLACK_APP_TOKEN: must be an app-level token/);
    assert.ok(!output.includes('not-a-token'), 'the value is not echoed');
    await mongoose.connect(h.env.MONGODB_URI!);
  });
});
