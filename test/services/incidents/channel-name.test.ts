import assert from 'node:assert/strict';
import { buildChannelName, slugify } from '../../../src/services/incidents/channel-name.js';

const VALID = /^[a-z0-9_-]{1,80}$/;

describe('buildChannelName', () => {
  it('is inc-<number>-<envs>-<title-slug>', () => {
    assert.equal(buildChannelName({ prefix: 'inc', number: 42, environments: ['PRD', 'STG'], title: 'Checkout API returns 500!' }), 'inc-42-prd-stg-checkout-api-returns-500');
  });

  it('keeps within Slack rules for long, accented and symbol-only titles', () => {
    const names = [
      buildChannelName({ prefix: 'inc', number: 123456, environments: ['PRD', 'STG', 'INT'], title: 'x'.repeat(300) }),
      buildChannelName({ prefix: 'inc', number: 7, environments: ['PRD'], title: 'Paiement échoué à Zürich — ça coûte cher' }),
      buildChannelName({ prefix: 'inc', number: 8, environments: ['PRD'], title: '🔥🔥🔥 !!!' }),
      buildChannelName({ prefix: 'inc', number: 9, environments: ['PRD'], title: 'a'.repeat(100), attempt: 12 }),
    ];
    for (const name of names) assert.match(name, VALID, name);
    assert.equal(names[1], 'inc-7-prd-paiement-echoue-a-zurich-ca-coute-cher');
    assert.equal(names[2], 'inc-8-prd');
    assert.ok(names[3]!.endsWith('-12'));
    assert.equal(names[0]!.length, 80);
  });

  it('adds a suffix from the second attempt on', () => {
    assert.equal(buildChannelName({ prefix: 'inc', number: 1, environments: ['PRD'], title: 'Search is down', attempt: 1 }), 'inc-1-prd-search-is-down');
    assert.equal(buildChannelName({ prefix: 'inc', number: 1, environments: ['PRD'], title: 'Search is down', attempt: 2 }), 'inc-1-prd-search-is-down-2');
  });

  it('slugify keeps underscores and drops leading and trailing dashes', () => {
    assert.equal(slugify('--Hello__World--'), 'hello__world');
  });
});
