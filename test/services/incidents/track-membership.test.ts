import { declaredIncident } from '../../support/factories.js';
import assert from 'node:assert/strict';
import { Incident } from '../../../src/models/incident.js';
import { trackMembership } from '../../../src/services/incidents/track-membership.js';
import { connectTestDatabase, dropTestDatabase } from '../../support/database.js';
import { silentLogger } from '../../support/fakes.js';
import { defaultSettings } from '../../support/settings.js';

const settings = defaultSettings();

describe('trackMembership (incident members follow the incident channel)', () => {
  const deps = { logger: silentLogger() };
  before(() => connectTestDatabase('track-membership'));
  after(() => dropTestDatabase());
  beforeEach(async () => {
    await Incident.deleteMany({});
    const incident = await declaredIncident(settings, { submissionKey: 'V1' });
    await Incident.updateOne({ _id: incident._id }, { $set: { 'channel.id': 'CINC', members: ['UALICE'] } });
  });
  const members = async () => (await Incident.findOne({ 'channel.id': 'CINC' }))?.members;

  it('adds a joining user once and removes exactly the user who left', async () => {
    await trackMembership(deps, { channel: 'CINC', user: 'UBOB', change: 'joined' });
    await trackMembership(deps, { channel: 'CINC', user: 'UBOB', change: 'joined' });
    await trackMembership(deps, { channel: 'CINC', user: 'UCAROL', change: 'joined' });
    assert.deepEqual(await members(), ['UALICE', 'UBOB', 'UCAROL']);
    await trackMembership(deps, { channel: 'CINC', user: 'UBOB', change: 'left' });
    assert.deepEqual(await members(), ['UALICE', 'UCAROL']);
    await trackMembership(deps, { channel: 'CINC', user: 'UBOB', change: 'left' });
    assert.deepEqual(await members(), ['UALICE', 'UCAROL']);
  });

  it('loses no change when joins and leaves arrive together', async () => {
    const users = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6'];
    await Promise.all(users.map((user) => trackMembership(deps, { channel: 'CINC', user, change: 'joined' })));
    await Promise.all([
      ...users.slice(0, 3).map((user) => trackMembership(deps, { channel: 'CINC', user, change: 'left' })),
      trackMembership(deps, { channel: 'CINC', user: 'U7', change: 'joined' }),
    ]);
    assert.deepEqual([...(await members())!].sort(), ['U4', 'U5', 'U6', 'U7', 'UALICE']);
  });

  it('ignores channels that are not an incident’s', async () => {
    assert.equal(await trackMembership(deps, { channel: 'CGENERAL', user: 'UBOB', change: 'joined' }), null);
    assert.deepEqual(await members(), ['UALICE']);
  });
});
