import assert from 'node:assert/strict';
import { JiraDelivery, type DeliveryState } from '../../../src/models/jira-delivery.js';
import { ReminderClaim } from '../../../src/models/reminder-claim.js';
import { StepClaim } from '../../../src/models/step-claim.js';
import { SyncMarker } from '../../../src/models/sync-marker.js';
import { purgeExpiredRecords } from '../../../src/services/housekeeping/purge-expired-records.js';
import { connectTestDatabase, dropTestDatabase } from '../../support/database.js';

const DAY = 24 * 3600_000;

describe('purgeExpiredRecords', () => {
  before(() => connectTestDatabase('purge-expired'));
  after(() => dropTestDatabase());

  it('removes lapsed markers and claims, old reminder claims and old finished deliveries, and keeps everything still in use', async () => {
    const now = new Date('2026-11-26T12:00:00Z');
    const ago = (ms: number) => new Date(now.getTime() - ms);
    await SyncMarker.create([
      { _id: 'sync:issue:INC-1/summary/old:to_jira', expiresAt: ago(1) },
      { _id: 'sync:issue:INC-1/summary/live:to_jira', expiresAt: new Date(now.getTime() + 10_000) },
    ]);
    await StepClaim.create([
      { _id: 'claim-lapsed-yesterday', owner: 'test', expiresAt: ago(DAY + 1) },
      { _id: 'claim-lapsed-an-hour-ago', owner: 'test', expiresAt: ago(3600_000) },
    ]);
    await ReminderClaim.create([
      { _id: 'update-reminder:old', incidentId: 'i1', claimedAt: ago(31 * DAY), owner: 'test' },
      { _id: 'update-reminder:recent', incidentId: 'i1', claimedAt: ago(DAY), owner: 'test' },
    ]);
    const delivery = (id: string, state: DeliveryState, doneAt: Date | null) => ({ _id: id, route: 'jira', event: 'jira:issue_updated', issueKey: 'INC-1', body: '{}', state, receivedAt: ago(40 * DAY), doneAt });
    await JiraDelivery.create([
      delivery('applied-40-days-ago', 'applied', ago(40 * DAY)),
      delivery('ignored-40-days-ago', 'ignored', ago(40 * DAY)),
      delivery('applied-yesterday', 'applied', ago(DAY)),
      delivery('failed-40-days-ago', 'failed', null),
      delivery('received-40-days-ago', 'received', null),
    ]);

    assert.deepEqual(await purgeExpiredRecords({ now, deliveryRetentionDays: 30 }), { syncMarkers: 1, stepClaims: 1, jiraDeliveries: 2, reminderClaims: 1 });
    assert.deepEqual((await SyncMarker.find().lean()).map((m) => m._id), ['sync:issue:INC-1/summary/live:to_jira']);
    assert.deepEqual((await StepClaim.find().lean()).map((c) => c._id), ['claim-lapsed-an-hour-ago']);
    assert.deepEqual((await ReminderClaim.find().lean()).map((c) => c._id), ['update-reminder:recent']);
    assert.deepEqual((await JiraDelivery.find().sort({ _id: 1 }).lean()).map((d) => d._id), ['applied-yesterday', 'failed-40-days-ago', 'received-40-days-ago']);
    assert.deepEqual(await purgeExpiredRecords({ now, deliveryRetentionDays: 30 }), { syncMarkers: 0, stepClaims: 0, jiraDeliveries: 0, reminderClaims: 0 }, 'a second run finds nothing');
  });
});
