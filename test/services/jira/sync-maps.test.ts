import assert from 'node:assert/strict';
import { INCIDENT_STATUSES, type IncidentStatus } from '../../../src/models/incident.js';
import { hasSyncedChange, jiraPriorityFields, jiraStatusFor, jiraStatusOrder } from '../../../src/services/jira/sync-incident-to-jira.js';
import { defaultSettings, settingsWith } from '../../support/settings.js';

const settings = defaultSettings();

describe('incident -> Jira maps', () => {
  it('maps every status for every priority, closing by FireFighter rules', () => {
    // P1/P2 in production close only at CLOSED; P3–P5 at MITIGATED or CLOSED; POST_MORTEM never closes.
    const expected: Record<IncidentStatus, [string, string]> = {
      OPEN: ['Incoming', 'Incoming'],
      INVESTIGATING: ['Pending resolution', 'Pending resolution'],
      MITIGATING: ['in progress', 'in progress'],
      MITIGATED: ['Reporter validation', 'Closed'],
      POST_MORTEM: ['Reporter validation', 'Reporter validation'],
      CLOSED: ['Closed', 'Closed'],
    };
    for (const priority of [1, 2, 3, 4, 5]) {
      for (const status of INCIDENT_STATUSES) {
        const [withPostmortem, without] = expected[status];
        assert.equal(jiraStatusFor(settings, { priority, environments: ['PRD'] }, status), priority <= 2 ? withPostmortem : without, `P${priority} ${status}`);
      }
    }
  });

  it('a P1 outside production has no post-mortem phase, so its ticket closes at MITIGATED', () => {
    assert.equal(jiraStatusFor(settings, { priority: 1, environments: ['STG'] }, 'MITIGATED'), 'Closed');
  });

  it('follows the settings, not hard-coded names', () => {
    const custom = settingsWith((s) => {
      s.jira.statuses.toJira.MITIGATED = 'Fixed';
      s.jira.statuses.closed = 'Done';
    });
    assert.equal(jiraStatusFor(custom, { priority: 1, environments: ['PRD'] }, 'MITIGATED'), 'Fixed');
    assert.equal(jiraStatusFor(custom, { priority: 4, environments: ['PRD'] }, 'MITIGATED'), 'Done');
    assert.deepEqual(jiraStatusOrder(custom), ['Incoming', 'Pending resolution', 'in progress', 'Fixed', 'Reporter validation', 'Done']);
  });

  it('orders the Jira statuses as the incident statuses, once each, closed last', () => {
    assert.deepEqual(jiraStatusOrder(settings), ['Incoming', 'Pending resolution', 'in progress', 'Reporter validation', 'Closed']);
  });

  it('maps every priority to its Jira priority id and the priority custom field', () => {
    for (const p of settings.priorities) {
      const mapped = jiraPriorityFields(settings, p.value);
      assert.equal(mapped.priorityId, p.jiraPriorityId);
      assert.deepEqual(mapped.fields, { priority: { id: p.jiraPriorityId }, customfield_11064: { value: String(p.value) } });
    }
    const noField = settingsWith((s) => delete s.jira.fields.priority);
    assert.deepEqual(jiraPriorityFields(noField, 3).fields, { priority: { id: '3' } });
    assert.throws(() => jiraPriorityFields(settings, 9), /priority 9/);
  });

  it('knows which recorded changes concern Jira', () => {
    for (const field of ['title', 'description', 'priority', 'status', 'role:commander']) assert.ok(hasSyncedChange({ [field]: { from: 1, to: 2 } }), field);
    for (const field of ['category', 'environments', 'role:communication_lead', 'key_event:started']) assert.ok(!hasSyncedChange({ [field]: { from: 1, to: 2 } }), field);
  });
});
