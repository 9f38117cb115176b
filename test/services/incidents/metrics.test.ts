import assert from 'node:assert/strict';
import { computeMetrics, formatDuration } from '../../../src/services/incidents/metrics.js';

const t = (minutes: number) => new Date(Date.UTC(2026, 10, 26, 10, 0) + minutes * 60_000);

describe('MTTx metrics from milestones', () => {
  it('computes every metric when every milestone is there', () => {
    const metrics = computeMetrics({ started: t(0), detected: t(4), declared: t(10), mitigated: t(40), recovered: t(45), resolved: t(600) });
    assert.deepEqual(metrics, {
      time_to_detect: 4 * 60_000,
      time_to_acknowledge: 10 * 60_000,
      time_to_mitigate: 30 * 60_000,
      time_to_recover: 45 * 60_000,
      time_to_resolve: 600 * 60_000,
    });
  });

  it('leaves out metrics whose milestones are missing or out of order', () => {
    assert.deepEqual(computeMetrics({ declared: t(10), mitigated: t(20) }), { time_to_mitigate: 10 * 60_000 });
    assert.deepEqual(computeMetrics({ started: t(10), detected: t(5) }), {});
    assert.deepEqual(computeMetrics({}), {});
  });

  it('formats durations briefly', () => {
    assert.equal(formatDuration(45_000), '45 s');
    assert.equal(formatDuration(3 * 60_000), '3 min');
    assert.equal(formatDuration(65 * 60_000), '1 h 05 min');
    assert.equal(formatDuration(50 * 3600_000), '2 d 2 h');
  });
});
