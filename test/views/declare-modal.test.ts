import assert from 'node:assert/strict';
import { declareModal, declaredModal, declareFailedModal, declareQueuedModal, declaringModal } from '../../src/views/declare-modal.js';
import { unknownFormModal } from '../../src/views/unknown-request.js';
import { BLOCK, impactBlockId } from '../../src/views/ids.js';
import { validateView, viewByteSize } from '../support/slack-emulator/block-kit-limits.js';
import { defaultSettings, settingsWith } from '../support/settings.js';

const inputLabels = (view: ReturnType<typeof declareModal>) =>
  view.blocks.filter((b) => b.type === 'input').map((b) => (b as { label: { text: string } }).label.text);

describe('declareModal', () => {
  const settings = defaultSettings();

  it('asks for every impact type, then the details, within Slack limits', () => {
    const view = declareModal(settings, { impacts: {} });
    assert.deepEqual(validateView(view), []);
    assert.deepEqual(inputLabels(view), ['💰 Business Impact', '👥 Customers Impact', '📦 Sellers Impact', '🧑‍💼 Employees Impact', 'Category', 'Environments', 'Platforms', 'Title', 'Description']);
    const env = view.blocks.find((b) => b.block_id === BLOCK.environments) as { element: { initial_options: Array<{ value: string }> } };
    assert.deepEqual(env.element.initial_options.map((o) => o.value), ['PRD']);
    const business = view.blocks.find((b) => b.block_id === impactBlockId('business')) as { dispatch_action: boolean; element: { initial_option: { value: string } } };
    assert.equal(business.dispatch_action, true, 'changing an impact re-renders the form');
    assert.equal(business.element.initial_option.value, 'NO');
  });

  it('adds the customer, seller and feature team fields only when they apply', () => {
    assert.ok(inputLabels(declareModal(settings, { impacts: { customers: 'HI' } })).includes('Zendesk ticket id'));
    const sellerP4 = declareModal(settings, { impacts: { sellers: 'LO' } });
    assert.deepEqual(inputLabels(sellerP4).slice(-4), ['Seller contract id', 'Zoho desk ticket id', 'Seller flags', 'Feature team']);
    assert.deepEqual(validateView(sellerP4), []);
    assert.ok(!inputLabels(declareModal(settings, { impacts: { sellers: 'HT' } })).includes('Feature team'));
  });

  it('stays within Slack limits with the largest settings the schema allows', () => {
    const big = settingsWith((s) => {
      s.categoryGroups = Array.from({ length: 10 }, (_, g) => ({
        name: `Group ${g} ${'g'.repeat(80)}`,
        categories: Array.from({ length: 10 }, (_, c) => ({ value: `cat-${g}-${c}`, name: `Category ${c} ${'c'.repeat(80)}`, private: false })),
      }));
      s.platforms = Array.from({ length: 50 }, (_, i) => ({ value: `platform-${i}`, name: `Platform ${i}`, default: i === 0 }));
      s.featureTeams = Array.from({ length: 100 }, (_, i) => ({ name: `Team ${i} ${'t'.repeat(60)}`, jiraProjectKey: 'INC' }));
    });
    const view = declareModal(big, { impacts: { customers: 'LO', sellers: 'LO' }, initialDescription: 'd'.repeat(5000) });
    assert.deepEqual(validateView(view), []);
    assert.ok(viewByteSize(view) < 250_000, `view is ${viewByteSize(view)} bytes`);
  });

  it('the transient and final views are valid too', () => {
    for (const view of [
      declaringModal('t'.repeat(500)),
      declaredModal({ number: 123456789, title: 'x'.repeat(500), priorityLabel: '🌪️ P1', critical: true }),
      declaredModal({ number: 1, title: 'y', priorityLabel: '🐞 P5', critical: false }),
      declareFailedModal('r'.repeat(5000)),
    ]) {
      assert.deepEqual(validateView(view), []);
    }
  });

  it('the queued-for-the-database form and the form-not-understood modal stay within limits at any length of explanation', () => {
    const long = 'The database does not answer yet. '.repeat(200);
    for (const view of [declareQueuedModal(long), unknownFormModal(long)]) assert.deepEqual(validateView(view), []);
  });
});
