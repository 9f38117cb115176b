import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseTicketRequest, type LandbotTicketRequest } from '../../../src/services/landbot/ticket-request-schema.js';
import { defaultSettings } from '../../support/settings.js';

const FIXTURES = 'test/fixtures/landbot';
const fixture = (name: string) => JSON.parse(readFileSync(`${FIXTURES}/${name}`, 'utf8')) as Record<string, unknown>;
const settings = defaultSettings();

function accepted(body: unknown): LandbotTicketRequest {
  const parsed = parseTicketRequest(settings, body);
  if (!parsed.ok) assert.fail(`refused: ${JSON.stringify(parsed.errors)}`);
  return parsed.request;
}

function refusedFields(body: unknown): Array<string | null> {
  const parsed = parseTicketRequest(settings, body);
  if (parsed.ok) assert.fail('accepted a body that should be refused');
  return parsed.errors.map((e) => e.attr);
}

const minimal = fixture('firefighter.jira_bot.request.minimal.json');

describe('the ticket request schema (FireFighter’s LandbotIssueRequestSerializer)', () => {
  it('accepts FireFighter’s full sample, reading its Python-printed attachment list', () => {
    const request = accepted(fixture('firefighter.jira_bot.request.full.json'));
    assert.equal(request.summary, 'Test summary');
    assert.equal(request.platform, 'FR');
    assert.equal(request.priority, 1);
    assert.equal(request.businessImpact, 'High');
    assert.deepEqual(request.labels, ['testLabel1', 'testLabel2']);
    assert.deepEqual(request.environments, ['PRD']);
    assert.equal(request.suggestedTeam, 'TSTPRJ');
    assert.equal(request.zendeskTicketId, '12345');
    assert.equal(request.sellerContractId, '123456');
    assert.deepEqual(request.attachmentUrls, ['https://example.com/test1', 'https://example.org/test2']);
  });

  it('accepts the minimal sample: blank seller fields are "not given", no environments is "-" as in FireFighter', () => {
    const request = accepted(minimal);
    assert.equal(request.sellerContractId, null);
    assert.equal(request.zohoDeskTicketId, null);
    assert.equal(request.incidentCategory, null);
    assert.deepEqual(request.environments, ['-']);
    assert.deepEqual(request.labels, []);
    assert.deepEqual(request.attachmentUrls, []);
    assert.equal(request.issueType, 'Incident');
    assert.equal(request.priority, 4);
  });

  it('accepts FireFighter’s own documented example, which its serializer rejects (no team, attachments as a JSON array)', () => {
    const request = accepted(fixture('firefighter.jira_bot.request.openapi_example.json'));
    assert.equal(request.suggestedTeam, null);
    assert.equal(request.projectKey, 'SBI');
    assert.equal(request.attachmentUrls.length, 2);
    assert.ok(request.attachmentUrls.every((u) => u.startsWith('https://storage.googleapis.com/')));
  });

  it('accepts the body a Landbot webhook block sends after substitution (priority as text)', () => {
    const sample = fixture('landbot.webhook_block.request.example.json');
    const request = accepted(sample.body_after_substitution);
    assert.equal(request.priority, 2);
    assert.equal(request.zohoDeskTicketId, null);
    assert.deepEqual(request.attachmentUrls, ['https://storage.googleapis.com/media.landbot.io/123456/customers/123456789/ABCDEF.png']);
    // The template itself is not a valid body: its placeholders are none of the values these fields take.
    assert.deepEqual(refusedFields(sample.body_template_as_configured_in_landbot).sort(), ['business_impact', 'environments.0', 'platform', 'priority', 'reporter_email']);
  });

  it('turns null labels into none and refuses labels with spaces, naming the label', () => {
    assert.deepEqual(accepted({ ...minimal, labels: null }).labels, []);
    assert.deepEqual(refusedFields({ ...minimal, labels: ['ok', 'not ok'] }), ['labels.1']);
  });

  it('maps priorities 1–5 (numbers, text or P1–P5); missing or null means the default of the settings', () => {
    assert.equal(accepted({ ...minimal, priority: 5 }).priority, 5);
    assert.equal(accepted({ ...minimal, priority: '3' }).priority, 3);
    assert.equal(accepted({ ...minimal, priority: 'P2' }).priority, 2);
    assert.equal(accepted({ ...minimal, priority: null }).priority, null);
    const { priority: _dropped, ...withoutPriority } = minimal;
    assert.equal(accepted(withoutPriority).priority, null);
    assert.deepEqual(refusedFields({ ...minimal, priority: 6 }), ['priority']);
    assert.deepEqual(refusedFields({ ...minimal, priority: 'high' }), ['priority']);
  });

  it('names every bad field at once, and the missing ones as required', () => {
    const fields = refusedFields({ summary: '', platform: 'Mars', reporter_email: 'not-an-email', business_impact: 'Huge', issue_type: 'Bug', environments: ['PROD'] });
    assert.deepEqual(fields.sort(), ['business_impact', 'description', 'environments.0', 'issue_type', 'platform', 'reporter_email', 'summary'].sort());
    const parsed = parseTicketRequest(settings, {});
    assert.equal(parsed.ok, false);
    if (!parsed.ok) assert.ok(parsed.errors.some((e) => e.attr === 'summary' && e.code === 'required' && e.detail === 'This field is required.'));
  });

  it('refuses a malformed reporter email, naming the field; accepts webmaster@localhost as the seed does', () => {
    for (const bad of ['john.doe', 'john@', '@example.com', 'a@b@c.com', 'a@exa mple.com']) {
      assert.deepEqual(refusedFields({ ...minimal, reporter_email: bad }), ['reporter_email'], bad);
    }
    assert.equal(accepted({ ...minimal, reporter_email: 'webmaster@localhost' }).reporterEmail, 'webmaster@localhost');
  });

  it('refuses projects the settings do not know, too many attachments and texts over FireFighter’s limits', () => {
    assert.deepEqual(refusedFields({ ...minimal, project: 'NOPE' }), ['project']);
    assert.deepEqual(refusedFields({ ...minimal, attachments: Array.from({ length: 11 }, (_, i) => `https://example.com/${i}`) }), ['attachments']);
    assert.deepEqual(refusedFields({ ...minimal, summary: 'x'.repeat(129) }), ['summary']);
    assert.deepEqual(refusedFields({ ...minimal, suggested_team_routing: 'x'.repeat(11) }), ['suggested_team_routing']);
    assert.deepEqual(refusedFields({ ...minimal, attachments: 42 }), ['attachments']);
    assert.deepEqual(refusedFields([minimal]), [null]);
  });

  it('answers in FireFighter’s error shape, as in its own 400 and 401 samples', () => {
    for (const name of ['firefighter.jira_bot.error.400.attachments.json', 'firefighter.jira_bot.error.401.json']) {
      const sample = fixture(name) as { type: string; errors: Array<Record<string, unknown>> };
      const parsed = parseTicketRequest(settings, { ...minimal, platform: 'Mars' });
      assert.ok(!parsed.ok);
      assert.ok(['validation_error', 'client_error'].includes(sample.type), name);
      for (const error of [...sample.errors, ...(parsed.ok ? [] : parsed.errors)]) assert.deepEqual(Object.keys(error).sort(), ['attr', 'code', 'detail'], name);
    }
  });
});
