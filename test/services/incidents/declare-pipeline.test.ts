import assert from 'node:assert/strict';
import { Incident } from '../../../src/models/incident.js';
import { IncidentUpdate } from '../../../src/models/incident-update.js';
import { StepClaim } from '../../../src/models/step-claim.js';
import { declareIncident } from '../../../src/services/incidents/declare-incident.js';
import { runDeclareStep, StepRetryError, type StepDeps } from '../../../src/services/incidents/declare-pipeline.js';
import { ExternalCallError } from '../../../src/errors.js';
import type { Declaration } from '../../../src/services/incidents/validate-declaration.js';
import { validDeclaration } from '../../support/factories.js';
import { connectTestDatabase, dropTestDatabase } from '../../support/database.js';
import { FakeJira, FakeScheduler, FakeSlack, silentLogger } from '../../support/fakes.js';
import { defaultSettings } from '../../support/settings.js';

const settings = defaultSettings();

const declaration = (impacts: Record<string, string>, featureTeam: string | null = null): Declaration => validDeclaration(settings, { impacts, featureTeam });

describe('the declare pipeline (services, with fakes and a real database)', () => {
  let scheduler: FakeScheduler;
  let slack: FakeSlack;
  let jira: FakeJira;
  let deps: StepDeps;
  before(() => connectTestDatabase('declare-pipeline'));
  after(() => dropTestDatabase());
  beforeEach(async () => {
    await Promise.all([Incident.deleteMany({}), IncidentUpdate.deleteMany({}), StepClaim.deleteMany({})]);
    scheduler = new FakeScheduler();
    slack = new FakeSlack();
    jira = new FakeJira();
    deps = { settings, slack, jira, scheduler, logger: silentLogger(), maxAttempts: 3, claimWindowMs: 60_000 };
  });

  const declare = (submissionKey: string, d = declaration({ business: 'HT' })) =>
    declareIncident({ settings, scheduler, logger: deps.logger }, { declaration: d, reporter: { slackId: 'UALICE' }, submissionKey });

  it('saves the incident with the next number, the reporter as commander and a declared entry', async () => {
    const first = await declare('V1');
    const second = await declare('V2');
    assert.deepEqual([first.incident.number, second.incident.number].map((n) => n - first.incident.number), [0, 1]);
    assert.deepEqual(first.incident.roles.map((r) => r.role), ['commander']);
    const updates = await IncidentUpdate.find({ incidentId: first.incident._id });
    assert.deepEqual(updates.map((u) => u.eventType), ['declared']);
  });

  it('declaring twice with the same submission key gives the same incident', async () => {
    const a = await declare('V-same');
    const b = await declare('V-same');
    assert.equal(b.created, false);
    assert.equal(b.incident._id.toString(), a.incident._id.toString());
    assert.equal(await Incident.countDocuments({ submissionKey: 'V-same' }), 1);
  });

  it('queues the channel and the ticket for P1–P3, only the ticket for P4–P5', async () => {
    await declare('V-p1');
    assert.deepEqual(scheduler.steps().sort(), ['channel', 'jira_ticket']);
    scheduler.scheduled.length = 0;
    await declare('V-p4', declaration({ business: 'LO' }, 'Search'));
    assert.deepEqual(scheduler.steps(), ['jira_ticket']);
  });

  it('runs a P1 to the end, each step queuing the next, and a second run of any step does nothing', async () => {
    const { incident } = await declare('V-run');
    const id = incident._id.toString();
    jira.accounts.set('ualice@example.com', 'acc-alice');
    for (const step of ['channel', 'jira_ticket', 'channel_setup', 'jira_links'] as const) {
      assert.equal(await runDeclareStep(deps, id, step), 'done', step);
    }
    assert.deepEqual(scheduler.steps().slice(-2).sort(), ['channel_setup', 'jira_links'].sort());
    for (const step of ['channel', 'jira_ticket', 'channel_setup', 'jira_links'] as const) {
      assert.equal(await runDeclareStep(deps, id, step), 'already_done', step);
    }
    assert.equal(slack.channels.length, 1);
    assert.equal(jira.issues.length, 1);
    assert.deepEqual(jira.issues[0]!.watchers, ['acc-alice']);
    assert.deepEqual(slack.channels[0]!.bookmarks, ['https://jira.example/browse/INC-1']);
    assert.equal(slack.posts.length, 3);
  });

  it('a step another worker is acting on is left to it', async () => {
    const { incident } = await declare('V-claim');
    const id = incident._id.toString();
    await StepClaim.create({ _id: `${id}:channel#0`, owner: 'other-worker', expiresAt: new Date(Date.now() + 60_000) });
    assert.equal(await runDeclareStep(deps, id, 'channel'), 'busy');
    assert.equal(slack.channels.length, 0);
  });

  it('two runs of the same step at once: one acts, the other finds it busy or done', async () => {
    const { incident } = await declare('V-twice');
    const id = incident._id.toString();
    const outcomes = await Promise.all([runDeclareStep(deps, id, 'channel'), runDeclareStep(deps, id, 'channel')]);
    assert.deepEqual(outcomes.filter((o) => o === 'done'), ['done']);
    assert.ok(outcomes.every((o) => ['done', 'busy', 'already_done'].includes(o)), outcomes.join());
    assert.equal(slack.channels.length, 1);
  });

  it('a step whose worker died is taken over once its lease has expired, by one worker only', async () => {
    const { incident } = await declare('V-takeover');
    const id = incident._id.toString();
    await StepClaim.create({ _id: `${id}:channel#0`, owner: 'dead-worker', expiresAt: new Date(Date.now() - 1) });
    const outcomes = await Promise.all([runDeclareStep(deps, id, 'channel'), runDeclareStep(deps, id, 'channel')]);
    assert.deepEqual(outcomes.filter((o) => o === 'done'), ['done']);
    assert.ok(await StepClaim.findById(`${id}:channel#1`), 'the next lease of the chain');
    assert.equal(slack.channels.length, 1);
  });

  it('a run still acting after its lease lifetime keeps the step: a second run meanwhile finds it busy', async () => {
    const { incident } = await declare('V-slow');
    const id = incident._id.toString();
    const lifetimeMs = 300;
    deps.claimWindowMs = lifetimeMs;
    let finishCreate!: () => void;
    const createStarted = new Promise<void>((started) => {
      const create = slack.createChannel.bind(slack);
      slack.createChannel = async (name) => {
        started();
        await new Promise<void>((resume) => (finishCreate = resume));
        return create(name);
      };
    });
    const slow = runDeclareStep(deps, id, 'channel');
    await createStarted;
    // Three lifetimes: the holder's renewals must carry it, as they would a run the job queue has given up on.
    await new Promise((r) => setTimeout(r, lifetimeMs * 3));
    assert.equal(await runDeclareStep(deps, id, 'channel'), 'busy');
    finishCreate();
    assert.equal(await slow, 'done');
    assert.equal(await runDeclareStep(deps, id, 'channel'), 'already_done');
    assert.equal(slack.channels.length, 1);
  });

  it('a failed attempt lets go of the step at once, and the retry acts, knowing it is a retry', async () => {
    const { incident } = await declare('V-retry');
    const id = incident._id.toString();
    const create = slack.createChannel.bind(slack);
    let calls = 0;
    slack.createChannel = async (name) => {
      calls += 1;
      if (calls === 1) throw new ExternalCallError('slack_call_failed', 'conversations.create failed: internal_error', { method: 'conversations.create', apiError: 'internal_error', retryable: true });
      return create(name);
    };
    await assert.rejects(runDeclareStep(deps, id, 'channel'), (error: unknown) => error instanceof StepRetryError && error.attempt === 1);
    assert.equal(await runDeclareStep(deps, id, 'channel'), 'done');
    const saved = await Incident.findById(id);
    assert.equal(saved?.steps.channel.attempts, 2);
    assert.equal(slack.channels.length, 1);
  });

  it('the last retryable failure is final: recorded, dependents skipped, the reporter told', async () => {
    const { incident } = await declare('V-final');
    const id = incident._id.toString();
    slack.createChannel = async () => {
      throw new ExternalCallError('slack_call_failed', 'conversations.create failed: internal_error', { method: 'conversations.create', apiError: 'internal_error', retryable: true });
    };
    for (let attempt = 1; attempt < deps.maxAttempts; attempt++) await assert.rejects(runDeclareStep(deps, id, 'channel'), StepRetryError);
    assert.equal(await runDeclareStep(deps, id, 'channel'), 'failed');
    const saved = await Incident.findById(id);
    assert.equal(saved?.steps.channel.state, 'failed');
    assert.equal(saved?.steps.channel_setup.state, 'skipped');
    assert.ok(slack.posts.some((p) => p.channel === 'UALICE'), 'the reporter is told');
  });

  it('a retry after an interrupted attempt finds what that attempt did instead of doing it again', async () => {
    const { incident } = await declare('V-reconcile');
    const id = incident._id.toString();
    // An earlier attempt created the channel and the ticket, then died before recording them.
    await slack.createChannel(`inc-${incident.number}-prd-images-do-not-load`);
    await jira.createIssue({ project: { key: 'INC' }, issuetype: { name: 'Incident' }, summary: 'x', description: { type: 'doc', version: 1, content: [] }, priority: { id: '1' }, labels: [`incident-${id}`] });
    await Incident.updateOne({ _id: incident._id }, { $set: { 'steps.channel.attempts': 1, 'steps.jira_ticket.attempts': 1 } });
    assert.equal(await runDeclareStep(deps, id, 'channel'), 'done');
    assert.equal(await runDeclareStep(deps, id, 'jira_ticket'), 'done');
    assert.equal(slack.channels.length, 1);
    assert.equal(jira.issues.length, 1);
    const saved = await Incident.findById(id);
    assert.equal(saved?.channel?.id, slack.channels[0]!.id);
    assert.equal(saved?.jira?.key, 'INC-1');
  });
});
