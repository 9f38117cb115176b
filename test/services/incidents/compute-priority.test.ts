import assert from 'node:assert/strict';
import { computePriority, noImpactLevel } from '../../../src/services/incidents/compute-priority.js';
import { defaultSettings } from '../../support/settings.js';

describe('computePriority', () => {
  const settings = defaultSettings();

  it('gives no priority when every impact is none', () => {
    const none = Object.fromEntries(settings.impactTypes.map((t) => [t.value, noImpactLevel(settings, t.value)]));
    assert.deepEqual(computePriority(settings, none), { priority: null, businessImpact: null });
    assert.deepEqual(computePriority(settings, {}), { priority: null, businessImpact: null });
  });

  it('maps each level of each type to its priority', () => {
    for (const type of settings.impactTypes) {
      for (const level of type.levels) {
        const { priority } = computePriority(settings, { [type.value]: level.value });
        assert.equal(priority?.value ?? null, level.priority, `${type.value}=${level.value}`);
      }
    }
  });

  it('takes the most urgent priority across impact types', () => {
    const result = computePriority(settings, { business: 'LO', customers: 'HI', employees: 'LT' });
    assert.equal(result.priority?.name, 'P2');
    assert.equal(result.businessImpact, 'Low');
  });

  it('reports the business impact level name only when the business impact is set', () => {
    assert.equal(computePriority(settings, { customers: 'HT' }).businessImpact, null);
    assert.equal(computePriority(settings, { business: 'HT' }).businessImpact, 'Highest');
    assert.equal(computePriority(settings, { business: 'NO', customers: 'MD' }).businessImpact, null);
  });

  it('ignores levels that are not in the settings', () => {
    assert.equal(computePriority(settings, { business: 'NOPE' }).priority, null);
  });
});
