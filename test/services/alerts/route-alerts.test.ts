import assert from 'node:assert/strict';
import { alertChannelsFor } from '../../../src/services/alerts/route-alerts.js';
import { settingsWith } from '../../support/settings.js';

describe('alertChannelsFor', () => {
  const settings = settingsWith((s) => {
    s.alerts.routes = [
      { priorities: [4, 5], businessImpacts: ['High', 'Highest'], channels: ['#alerts-high'] },
      { priorities: [4, 5], projectKeys: ['SBI'], channels: ['#alerts-sbi'] },
      { priorities: [4, 5], channels: ['#alerts-normal'] },
    ];
    s.alerts.byEmailDomain = { 'partner.com': ['#partner-alerts'] };
  });

  it('takes the first route that matches priority, business impact and project', () => {
    assert.deepEqual(alertChannelsFor(settings, { priority: 4, businessImpact: 'High', projectKey: 'INC', reporterEmail: null }), ['#alerts-high']);
    assert.deepEqual(alertChannelsFor(settings, { priority: 5, businessImpact: 'Low', projectKey: 'SBI', reporterEmail: null }), ['#alerts-sbi']);
    assert.deepEqual(alertChannelsFor(settings, { priority: 4, businessImpact: null, projectKey: 'INC', reporterEmail: null }), ['#alerts-normal']);
    assert.deepEqual(alertChannelsFor(settings, { priority: 2, businessImpact: 'High', projectKey: 'INC', reporterEmail: null }), []);
  });

  it('adds the channels of the reporter email domain (FireFighter dropped them)', () => {
    assert.deepEqual(alertChannelsFor(settings, { priority: 4, businessImpact: null, projectKey: 'INC', reporterEmail: 'bob@eu.partner.com' }), [
      '#alerts-normal',
      '#partner-alerts',
    ]);
  });

  it('ignores a malformed reporter email rather than losing the alert', () => {
    assert.deepEqual(alertChannelsFor(settings, { priority: 4, businessImpact: null, projectKey: 'INC', reporterEmail: 'broken' }), ['#alerts-normal']);
  });
});
