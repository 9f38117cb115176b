import assert from 'node:assert/strict';
import { RefusedError } from '../../../src/errors.js';
import { Incident } from '../../../src/models/incident.js';
import { IncidentUpdate } from '../../../src/models/incident-update.js';
import { updateIncident, type ChangePublisher, type UpdateIncidentDeps } from '../../../src/services/incidents/update-incident.js';
import { declaredIncident } from '../../support/factories.js';
import { connectTestDatabase, dropTestDatabase } from '../../support/database.js';
import { FakeScheduler, silentLogger } from '../../support/fakes.js';
import { defaultSettings } from '../../support/settings.js';

const settings = defaultSettings();

class RecordingPublisher implements ChangePublisher {
  published: string[] = [];
  async publish(_incidentId: string, updateId: string) {
    this.published.push(updateId);
  }
}

describe('updateIncident', () => {
  let deps: UpdateIncidentDeps & { publisher: RecordingPublisher; scheduler: FakeScheduler };
  let now: Date;
  before(() => connectTestDatabase('update-incident'));
  after(() => dropTestDatabase());
  beforeEach(async () => {
    await Promise.all([Incident.deleteMany({}), IncidentUpdate.deleteMany({})]);
    now = new Date('2026-11-26T10:00:00Z');
    deps = { settings, publisher: new RecordingPublisher(), scheduler: new FakeScheduler(), logger: silentLogger(), now: () => now };
  });

  const declare = async (impacts: Record<string, string>, featureTeam: string | null = null) =>
    (await declaredIncident(settings, { change: { impacts, featureTeam }, scheduler: deps.scheduler }))._id.toString();

  it('records the change, its milestones and a timeline entry, and queues it for Slack', async () => {
    const id = await declare({ business: 'HT' });
    await updateIncident(deps, { incidentId: id, actor: 'UALICE', origin: 'slack', change: { status: 'INVESTIGATING' }, message: 'Looking into it.' });
    await updateIncident(deps, { incidentId: id, actor: 'UALICE', origin: 'slack', change: { status: 'MITIGATING' } });
    now = new Date('2026-11-26T10:30:00Z');
    const { updateId } = await updateIncident(deps, { incidentId: id, actor: 'UALICE', origin: 'slack', change: { status: 'MITIGATED' } });
    const incident = (await Incident.findById(id))!;
    assert.equal(incident.status, 'MITIGATED');
    assert.deepEqual(incident.milestones?.mitigated, now);
    assert.deepEqual(incident.lastUpdateAt, now);
    const update = (await IncidentUpdate.findById(updateId))!;
    assert.equal(update.eventType, 'status_changed');
    assert.deepEqual(update.changes, { status: { from: 'MITIGATING', to: 'MITIGATED' } });
    assert.equal(deps.publisher.published.length, 3);
  });

  it('a change to nothing writes nothing', async () => {
    const id = await declare({ business: 'HT' });
    const result = await updateIncident(deps, { incidentId: id, actor: 'UALICE', origin: 'slack', change: { priority: 1, status: 'OPEN' } });
    assert.equal(result.updateId, null);
    assert.equal(await IncidentUpdate.countDocuments({ incidentId: id }), 1);
  });

  it('refuses people without the right, but not Jira or the app itself', async () => {
    const id = await declare({ business: 'HT' });
    await assert.rejects(updateIncident(deps, { incidentId: id, actor: 'UBOB', origin: 'slack', change: { status: 'INVESTIGATING' } }), (e) => e instanceof RefusedError && e.code === 'not_allowed');
    await updateIncident(deps, { incidentId: id, actor: null, origin: 'jira', change: { status: 'INVESTIGATING' } });
    assert.equal((await Incident.findById(id))!.status, 'INVESTIGATING');
  });

  it('refuses what the transition table refuses, on every path', async () => {
    const id = await declare({ business: 'HT' });
    await assert.rejects(updateIncident(deps, { incidentId: id, actor: null, origin: 'jira', change: { status: 'MITIGATED' } }), (e) => e instanceof RefusedError && e.code === 'transition_refused');
    assert.equal((await Incident.findById(id))!.status, 'OPEN');
  });

  it('escalating a P4 to P2 queues the channel steps it skipped', async () => {
    const id = await declare({ business: 'LO' }, 'Search');
    assert.deepEqual(deps.scheduler.steps(), ['jira_ticket']);
    await Incident.updateOne({ _id: id }, { $set: { 'steps.jira_ticket.state': 'done', 'steps.notify.state': 'done' } });
    await updateIncident(deps, { incidentId: id, actor: 'UALICE', origin: 'slack', change: { priority: 2 } });
    const incident = (await Incident.findById(id))!;
    assert.equal(incident.steps.channel.state, 'pending');
    assert.equal(incident.steps.jira_links.state, 'pending');
    assert.deepEqual(deps.scheduler.steps().slice(1), ['channel']);
  });

  it('refuses unknown values and times in the future, naming them', async () => {
    const id = await declare({ business: 'HT' });
    await assert.rejects(
      updateIncident(deps, { incidentId: id, actor: 'UALICE', origin: 'slack', change: { priority: 9, category: 'nope', keyEvents: { started: new Date('2030-01-01') } } }),
      (e) => e instanceof RefusedError && e.reasons.length === 3 && /Priority 9/.test(e.reasons[0]!) && /category/.test(e.reasons[1]!) && /in the future/.test(e.reasons[2]!),
    );
  });
});
