import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { prepareLandbotFields, ticketKindOf, ticketProjectOf } from '../../../src/services/landbot/prepare-landbot-fields.js';
import { parseTicketRequest, type LandbotTicketRequest } from '../../../src/services/landbot/ticket-request-schema.js';
import type { AdfDocument } from '../../../src/services/jira/adf.js';
import { defaultSettings, settingsWith } from '../../support/settings.js';

const settings = defaultSettings();
const minimal = JSON.parse(readFileSync('test/fixtures/landbot/firefighter.jira_bot.request.minimal.json', 'utf8')) as Record<string, unknown>;

function requestOf(body: Record<string, unknown>): LandbotTicketRequest {
  const parsed = parseTicketRequest(settings, { ...minimal, ...body });
  if (!parsed.ok) assert.fail(JSON.stringify(parsed.errors));
  return parsed.request;
}

const text = (doc: AdfDocument) => doc.content.map((p) => p.content?.map((c) => c.text).join('') ?? '').join('\n');
const notes = { refusedAttachments: [] };

describe('prepareLandbotFields: the five kinds of ticket', () => {
  const ids = settings.jira.fields;

  it('a customer ticket carries the Zendesk ticket, impact, category and environments, not the seller fields', () => {
    const request = requestOf({ zendesk: 'ZD-1', business_impact: 'High', incident_category: 'Checkout', environments: ['PRD', 'STG'], priority: 3 });
    const { kind, fields } = prepareLandbotFields(settings, { requestId: 'r1', request, reporterAccountId: 'acc-1', notes });
    assert.equal(kind, 'customer');
    assert.equal(fields.issuetype.name, 'Incident');
    assert.equal(fields[ids.zendeskTicketId as `customfield_${string}`], 'ZD-1');
    assert.deepEqual(fields[ids.businessImpact as `customfield_${string}`], { value: 'High' });
    assert.deepEqual(fields[ids.environments as `customfield_${string}`], [{ value: 'PRD' }, { value: 'STG' }]);
    assert.equal(fields[ids.sellerContractId as `customfield_${string}`], undefined);
    assert.deepEqual(fields.reporter, { id: 'acc-1' });
    assert.deepEqual(fields.priority, { id: '3' });
    assert.deepEqual(fields[ids.priority as `customfield_${string}`], { value: '3' });
    assert.deepEqual(fields[ids.platform as `customfield_${string}`], { value: 'FR' });
  });

  it('a seller ticket carries the seller contract and Zoho Desk ticket; a Zendesk id given too goes in the description', () => {
    const request = requestOf({ seller_contract_id: '123456', zoho: 'ZOHO-9', zendesk: 'ZD-2', business_impact: 'Low' });
    const s = settingsWith((x) => (x.landbot.sellerLinkTemplate = 'https://backoffice.example/sellers?id={sellerId}'));
    const { kind, fields } = prepareLandbotFields(s, { requestId: 'r2', request, reporterAccountId: null, notes });
    assert.equal(kind, 'seller');
    assert.equal(fields[ids.sellerContractId as `customfield_${string}`], '123456');
    assert.equal(fields[ids.zohoDeskTicketId as `customfield_${string}`], 'ZOHO-9');
    assert.equal(fields[ids.zendeskTicketId as `customfield_${string}`], undefined);
    assert.match(text(fields.description), /Zendesk ticket: ZD-2/);
    assert.match(text(fields.description), /Seller link: https:\/\/backoffice\.example\/sellers\?id=123456/);
    assert.equal(fields.reporter, undefined);
  });

  it('an internal ticket has impact, category and environments only', () => {
    const request = requestOf({ business_impact: 'Medium', incident_category: 'Search' });
    const { kind, fields } = prepareLandbotFields(settings, { requestId: 'r3', request, reporterAccountId: null, notes });
    assert.equal(kind, 'internal');
    assert.deepEqual(fields[ids.businessImpact as `customfield_${string}`], { value: 'Medium' });
    assert.deepEqual(fields[ids.environments as `customfield_${string}`], [{ value: '-' }]);
  });

  it('documentation and feature requests get their issue type and label, and keep the incident fields in the description', () => {
    for (const [issueType, kind, label] of [
      ['Documentation/Process Request', 'documentation_request', 'documentation-request'],
      ['Feature Request', 'feature_request', 'feature-request'],
    ] as const) {
      const request = requestOf({ issue_type: issueType, business_impact: 'High', labels: ['originBot'] });
      const prepared = prepareLandbotFields(settings, { requestId: 'r4', request, reporterAccountId: null, notes });
      assert.equal(prepared.kind, kind);
      assert.equal(prepared.fields.issuetype.name, issueType);
      assert.deepEqual(prepared.fields.labels, ['originBot', 'landbot-r4', label]);
      assert.equal(prepared.fields[ids.businessImpact as `customfield_${string}`], undefined);
      assert.match(text(prepared.fields.description), /Business impact: High/);
    }
  });

  it('a service request is an incident-like kind with its own Jira issue type', () => {
    const request = requestOf({ issue_type: 'Service Request' });
    assert.equal(ticketKindOf(request), 'internal');
    assert.equal(prepareLandbotFields(settings, { requestId: 'r5', request, reporterAccountId: null, notes }).fields.issuetype.name, 'Service Request');
  });

  it('no priority: the default of the settings; the project: named, else the team’s, else the API default', () => {
    const request = requestOf({ priority: null });
    const s = settingsWith((x) => (x.landbot.defaultPriority = 5));
    assert.deepEqual(prepareLandbotFields(s, { requestId: 'r6', request, reporterAccountId: null, notes }).fields.priority, { id: '5' });
    assert.equal(ticketProjectOf(settings, requestOf({ project: 'CHK', suggested_team_routing: 'Payment' })), 'CHK');
    assert.equal(ticketProjectOf(settings, requestOf({ suggested_team_routing: 'Payment' })), 'PAY');
    assert.equal(ticketProjectOf(settings, requestOf({ suggested_team_routing: 'x' })), 'SBI');
  });

  it('lists refused attachments and the origin in the description; the reporter email only for an outside domain', () => {
    const request = requestOf({ reporter_email: 'jane@partner.io' });
    const refused = { refusedAttachments: [{ url: 'https://127.0.0.1/x.png', reason: 'private address' }] };
    const outside = text(prepareLandbotFields(settings, { requestId: 'r7', request, reporterAccountId: null, notes: refused }).fields.description);
    assert.match(outside, /Attachments that could not be added:\n- https:\/\/127\.0\.0\.1\/x\.png: private address/);
    assert.match(outside, /Incident Verification Bot/);
    assert.match(outside, /Reporter email: jane@partner\.io/);
    const s = settingsWith((x) => (x.landbot.internalEmailDomains = ['partner.io']));
    assert.doesNotMatch(text(prepareLandbotFields(s, { requestId: 'r7', request, reporterAccountId: null, notes }).fields.description), /Reporter email/);
  });
});
