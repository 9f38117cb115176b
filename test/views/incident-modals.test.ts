import assert from 'node:assert/strict';
import type { IncidentDocument } from '../../src/models/incident.js';
import { INCIDENT_STATUSES } from '../../src/models/incident.js';
import { incidentModal, selectIncidentModal, type IncidentModalKind } from '../../src/views/incident-modals.js';
import type { IncidentFacts } from '../../src/views/incident-messages.js';
import { keyEventsMessage } from '../../src/views/key-events-message.js';
import { validateMessageBlocks, validateView } from '../support/slack-emulator/block-kit-limits.js';
import { longestIncidentFacts } from '../support/factories.js';
import { defaultSettings } from '../support/settings.js';

const settings = defaultSettings();
const facts = (status: IncidentFacts['status']): IncidentFacts => longestIncidentFacts({ status });
const doc = (milestones: Partial<Record<string, Date>>) => ({ milestones: { declared: new Date(0), ...milestones } }) as unknown as IncidentDocument;

describe('incident modals', () => {
  it('every kind, at every status, stays within Slack limits', () => {
    for (const status of INCIDENT_STATUSES) {
      for (const kind of ['update', 'roles', 'edit', 'close', 'status', 'timeline'] as IncidentModalKind[]) {
        for (const milestones of [{}, { started: new Date(1), detected: new Date(2), recovered: new Date(3), mitigated: new Date(4) }]) {
          const view = incidentModal(settings, kind, facts(status), { incident: doc(milestones), lastUpdate: { eventAt: new Date(5), actorSlackId: 'U1', message: 'm'.repeat(5000) }, now: new Date(10_000) });
          assert.deepEqual(validateView(view), [], `${kind} at ${status}`);
        }
      }
    }
  });

  it('the picker lists at most 100 incidents and says when there is none', () => {
    const many = Array.from({ length: 150 }, (_, i) => ({ id: `id${i}`, number: i, title: 'x'.repeat(200) }));
    assert.deepEqual(validateView(selectIncidentModal('update', many)), []);
    assert.match(JSON.stringify(selectIncidentModal('close', []).blocks), /There is no open incident/);
  });

  it('the key events message is valid with none, some and all events set', () => {
    for (const milestones of [{}, { started: new Date(1) }, { started: new Date(1), detected: new Date(2), recovered: new Date(3), declared: new Date(0) }]) {
      assert.deepEqual(validateMessageBlocks(keyEventsMessage(facts('MITIGATED'), milestones).blocks), []);
    }
  });
});
