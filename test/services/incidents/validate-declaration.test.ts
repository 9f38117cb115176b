import assert from 'node:assert/strict';
import { declarationShape, validateDeclaration, type DeclarationDraft } from '../../../src/services/incidents/validate-declaration.js';
import { declarationDraft } from '../../support/factories.js';
import { defaultSettings } from '../../support/settings.js';

// A P2 on card payments, typed with the environments out of the settings' order.
const draft = (change: Partial<DeclarationDraft> = {}): DeclarationDraft =>
  declarationDraft({
    impacts: { business: 'HI', customers: 'NO', sellers: 'NO', employees: 'NO' },
    category: 'payment',
    environments: ['STG', 'PRD'],
    title: 'Card payments failing',
    description: 'Every card payment fails since 10:02.',
    ...change,
  });

describe('validateDeclaration', () => {
  const settings = defaultSettings();

  it('accepts a complete P2 and orders environments as the settings do', () => {
    const result = validateDeclaration(settings, draft());
    assert.ok(result.ok);
    assert.equal(result.value.priority.name, 'P2');
    assert.deepEqual(result.value.environments, ['PRD', 'STG']);
    assert.equal(result.value.businessImpact, 'High');
    assert.equal(result.value.featureTeam, null);
  });

  it('refuses an empty, short or too long title', () => {
    for (const [title, pattern] of [
      [null, /at least 10/],
      ['short', /at least 10/],
      ['x'.repeat(129), /at most 128 characters \(it has 129\)/],
    ] as const) {
      const result = validateDeclaration(settings, draft({ title }));
      assert.ok(!result.ok);
      assert.match(result.errors.title ?? '', pattern);
    }
  });

  it('refuses a declaration with no impact', () => {
    const result = validateDeclaration(settings, draft({ impacts: { business: 'NO', customers: 'NO', sellers: 'NO', employees: 'NO' } }));
    assert.ok(!result.ok);
    assert.match(result.errors.impacts ?? '', /at least one impact/);
  });

  it('requires a feature team for P4–P5 only', () => {
    const p4 = draft({ impacts: { business: 'LO' } });
    const missing = validateDeclaration(settings, p4);
    assert.ok(!missing.ok);
    assert.equal(missing.errors.featureTeam, 'A feature team is required for P4–P5 incidents.');
    const withTeam = validateDeclaration(settings, { ...p4, featureTeam: 'Search' });
    assert.ok(withTeam.ok);
    assert.equal(withTeam.value.featureTeam, 'Search');
    const p2 = validateDeclaration(settings, draft({ featureTeam: 'Search' }));
    assert.ok(p2.ok);
    assert.equal(p2.value.featureTeam, null);
  });

  it('keeps customer and seller fields only when those impacts are set', () => {
    const withFields = { zendeskTicketId: 'ZD-1', sellerContractId: 'C-1', zohoDeskTicketId: 'Z-1', isKeyAccount: true, isGoldenList: true };
    const notImpacted = validateDeclaration(settings, draft(withFields));
    assert.ok(notImpacted.ok);
    assert.deepEqual(notImpacted.value.customer, { zendeskTicketId: null });
    assert.deepEqual(notImpacted.value.seller, { contractId: null, zohoDeskTicketId: null, isKeyAccount: false, isGoldenList: false });
    const impacted = validateDeclaration(settings, draft({ ...withFields, impacts: { customers: 'MD', sellers: 'LO' } }));
    assert.ok(impacted.ok);
    assert.deepEqual(impacted.value.customer, { zendeskTicketId: 'ZD-1' });
    assert.deepEqual(impacted.value.seller, { contractId: 'C-1', zohoDeskTicketId: 'Z-1', isKeyAccount: true, isGoldenList: true });
  });

  it('refuses unknown categories, environments and platforms', () => {
    const result = validateDeclaration(settings, draft({ category: 'nope', environments: ['MOON'], platforms: [] }));
    assert.ok(!result.ok);
    assert.deepEqual(Object.keys(result.errors).sort(), ['category', 'environments', 'platforms']);
  });

  it('shape says which conditional fields the form shows', () => {
    assert.deepEqual(
      { ...declarationShape(settings, { customers: 'HT' }), priority: undefined },
      { priority: undefined, businessImpact: null, showsCustomerFields: true, showsSellerFields: false, needsFeatureTeam: false },
    );
    assert.equal(declarationShape(settings, { sellers: 'LT' }).needsFeatureTeam, true);
  });
});
