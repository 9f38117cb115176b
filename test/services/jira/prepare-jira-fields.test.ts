import assert from 'node:assert/strict';
import { incidentLabel, prepareJiraFields, ticketProjectKey, type TicketSource } from '../../../src/services/jira/prepare-jira-fields.js';
import { defaultSettings } from '../../support/settings.js';

const base: TicketSource = {
  incidentId: '65f000000000000000000001',
  number: 12,
  title: 'Checkout fails for card payments',
  description: 'Since 10:02 every card payment fails.\nOther methods work.',
  priority: 1,
  category: 'payment',
  environments: ['PRD', 'STG'],
  platforms: ['platform-FR', 'platform-DE'],
  businessImpact: 'Highest',
  featureTeam: null,
  reporterName: 'Alice',
  customer: { zendeskTicketId: null },
  seller: { contractId: null, zohoDeskTicketId: null, isKeyAccount: false, isGoldenList: false },
};

describe('prepareJiraFields', () => {
  const settings = defaultSettings();
  const ids = settings.jira.fields;

  it('fills the standard fields and the custom fields of the settings', () => {
    const fields = prepareJiraFields(settings, base, 'acc-1');
    assert.deepEqual(fields.project, { key: 'INC' });
    assert.deepEqual(fields.issuetype, { name: 'Incident' });
    assert.equal(fields.summary, base.title);
    assert.deepEqual(fields.priority, { id: '1' });
    assert.deepEqual(fields.reporter, { id: 'acc-1' });
    assert.deepEqual(fields.labels, [incidentLabel(settings, base.incidentId)]);
    assert.deepEqual(fields[ids.priority as `customfield_${string}`], { value: '1' });
    assert.deepEqual(fields[ids.platform as `customfield_${string}`], { value: 'FR' });
    assert.deepEqual(fields[ids.businessImpact as `customfield_${string}`], { value: 'Highest' });
    assert.equal(fields.description.type, 'doc');
    const text = JSON.stringify(fields.description);
    assert.match(text, /Since 10:02 every card payment fails/);
    assert.match(text, /Payment Operations – Payment/);
  });

  it('sends only the first environment for P1–P3 and all of them for P4–P5', () => {
    assert.deepEqual(prepareJiraFields(settings, base, null)[ids.environments as `customfield_${string}`], [{ value: 'PRD' }]);
    const p4 = prepareJiraFields(settings, { ...base, priority: 4, featureTeam: 'Search' }, null);
    assert.deepEqual(p4[ids.environments as `customfield_${string}`], [{ value: 'PRD' }, { value: 'STG' }]);
  });

  it('routes P4–P5 to the feature team project, P1–P3 to the default project', () => {
    assert.equal(ticketProjectKey(settings, { priority: 4, featureTeam: 'Search' }), 'SRCH');
    assert.equal(ticketProjectKey(settings, { priority: 2, featureTeam: 'Search' }), 'INC');
    assert.equal(ticketProjectKey(settings, { priority: 5, featureTeam: null }), 'INC');
    assert.match(JSON.stringify(prepareJiraFields(settings, { ...base, priority: 4, featureTeam: 'Search' }, null).description), /Suggested team to be routed: Search/);
  });

  it('adds the customer and seller fields only when given, and the seller labels', () => {
    const plain = prepareJiraFields(settings, base, null);
    for (const id of [ids.zendeskTicketId, ids.zohoDeskTicketId, ids.sellerContractId]) assert.equal(plain[id as `customfield_${string}`], undefined);
    assert.equal(plain.reporter, undefined);
    const full = prepareJiraFields(
      settings,
      { ...base, customer: { zendeskTicketId: 'ZD-1' }, seller: { contractId: 'C-9', zohoDeskTicketId: 'Z-3', isKeyAccount: true, isGoldenList: true } },
      null,
    );
    assert.equal(full[ids.zendeskTicketId as `customfield_${string}`], 'ZD-1');
    assert.equal(full[ids.sellerContractId as `customfield_${string}`], 'C-9');
    assert.equal(full[ids.zohoDeskTicketId as `customfield_${string}`], 'Z-3');
    assert.deepEqual(full.labels.slice(1), ['keyAccount', 'goldenList']);
  });

  it('leaves out the business impact when none is set', () => {
    assert.equal(prepareJiraFields(settings, { ...base, businessImpact: null }, null)[ids.businessImpact as `customfield_${string}`], undefined);
  });
});
