import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { Incident } from '../../../src/models/incident.js';
import { IncidentUpdate } from '../../../src/models/incident-update.js';
import { JiraDelivery } from '../../../src/models/jira-delivery.js';
import { JiraTicket } from '../../../src/models/jira-ticket.js';
import { SyncMarker } from '../../../src/models/sync-marker.js';
import { applyJiraDelivery, applyJiraWebhook, classifyItem, type ApplyJiraDeps } from '../../../src/services/jira/apply-jira-webhook.js';
import { recordJiraDeliveries, type DeliveryToRecord } from '../../../src/services/jira/record-jira-deliveries.js';
import { createTicketDirectory } from '../../../src/services/jira/ticket-directory.js';
import { parseJiraWebhook, type JiraWebhookBody } from '../../../src/services/jira/jira-webhook-schema.js';
import { createSyncMarkers, fieldMarkerId } from '../../../src/services/jira/sync-markers.js';
import { declareIncident } from '../../../src/services/incidents/declare-incident.js';
import { updateIncident, type ChangePublisher } from '../../../src/services/incidents/update-incident.js';
import { validateDeclaration } from '../../../src/services/incidents/validate-declaration.js';
import { wikiToPlainText } from '../../../src/views/jira-alerts.js';
import { validateMessageBlocks } from '../../support/slack-emulator/block-kit-limits.js';
import { connectTestDatabase, dropTestDatabase } from '../../support/database.js';
import { FakeJira, FakeScheduler, FakeSlack, silentLogger } from '../../support/fakes.js';
import { defaultSettings } from '../../support/settings.js';

const settings = defaultSettings();
const FIXTURES = 'test/fixtures/jira/webhooks';
const fixture = (name: string, key = 'INC-1'): JiraWebhookBody => {
  const parsed = parseJiraWebhook('jira', JSON.parse(readFileSync(`${FIXTURES}/${name}`, 'utf8').replace(/"(TES-41|KT-7)"/g, `"${key}"`)));
  assert.ok(parsed.ok, name);
  return parsed.body;
};
const withItem = (item: Record<string, unknown>, key = 'INC-1'): JiraWebhookBody => {
  const body = fixture('jira_issue_updated.status.json', key);
  body.changelog!.items = [{ field: String(item.field), from: null, to: null, fromString: null, toString: null, ...item }];
  return body;
};

describe('applyJiraWebhook', () => {
  let deps: ApplyJiraDeps & { slack: FakeSlack; jira: FakeJira };
  before(() => connectTestDatabase('apply-jira-webhook'));
  after(() => dropTestDatabase());
  beforeEach(async () => {
    await Promise.all([Incident.deleteMany({}), IncidentUpdate.deleteMany({}), JiraTicket.deleteMany({}), JiraDelivery.deleteMany({}), SyncMarker.deleteMany({})]);
    const scheduler = new FakeScheduler();
    const publisher: ChangePublisher = { publish: async () => undefined };
    const logger = silentLogger();
    deps = {
      settings,
      logger,
      slack: new FakeSlack(),
      jira: new FakeJira(),
      markers: createSyncMarkers(),
      tickets: createTicketDirectory(),
      updateIncident: (input) => updateIncident({ settings, scheduler, publisher, logger }, input),
    };
  });
  const recordOne = async (delivery: DeliveryToRecord) => (await recordJiraDeliveries(deps, [delivery]))[0]!;

  async function incidentWithTicket(impacts: Record<string, string>, key = 'INC-1', channel: string | null = 'CINC', featureTeam: string | null = null) {
    const result = validateDeclaration(settings, {
      impacts, category: 'cdn', environments: ['PRD'], platforms: ['platform-All'], title: 'Images do not load', description: 'The CDN answers 503.',
      zendeskTicketId: null, sellerContractId: null, zohoDeskTicketId: null, isKeyAccount: false, isGoldenList: false, featureTeam,
    });
    assert.ok(result.ok);
    const { incident } = await declareIncident({ settings, scheduler: new FakeScheduler(), logger: deps.logger }, { declaration: result.value, reporter: { slackId: 'UREPORTER' }, submissionKey: `V${Math.random()}` });
    await Incident.updateOne({ _id: incident._id }, { $set: { 'channel.id': channel, 'jira.key': key } });
    await JiraTicket.create({ incidentId: incident._id, issueId: '10001', key, url: `https://jira.example/browse/${key}`, projectKey: 'INC' });
    return incident._id.toString();
  }
  const current = async (id: string) => (await Incident.findById(id))!;

  it('every sample delivery parses, or is refused with the fields it lacks', () => {
    const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.json') && !f.startsWith('_'));
    assert.ok(names.length >= 19);
    for (const name of names) {
      const parsed = parseJiraWebhook('jira', JSON.parse(readFileSync(`${FIXTURES}/${name}`, 'utf8')));
      assert.ok(parsed.ok, `${name}: ${parsed.ok ? '' : parsed.fields.join(',')}`);
    }
  });

  it('records each kind of sample delivery once, acting only on updates with a changelog and on comments', async () => {
    await incidentWithTicket({ business: 'HT' }, 'TES-41');
    const outcomes: Record<string, string> = {};
    for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.json') && !f.startsWith('_'))) {
      const raw = readFileSync(`${FIXTURES}/${name}`);
      const parsed = parseJiraWebhook('jira', JSON.parse(raw.toString()));
      assert.ok(parsed.ok);
      const first = await recordOne({ deliveryId: name, route: 'jira', raw, body: parsed.body });
      outcomes[name] = first.kind === 'ignored' ? `ignored: ${first.reason}` : first.kind;
      assert.equal((await recordOne({ deliveryId: name, route: 'jira', raw, body: parsed.body })).kind, 'duplicate');
    }
    assert.equal(outcomes['jira_issue_updated.status.json'], 'recorded');
    assert.equal(outcomes['comment_created.json'], 'recorded');
    assert.match(outcomes['jira_issue_created.json']!, /jira:issue_created is not acted on/);
    assert.match(outcomes['jira_issue_deleted.json']!, /not acted on/);
    assert.match(outcomes['jira_issue_updated.assigned_empty_changelog.json']!, /unknown ticket TEST-123|no changelog items/);
    assert.match(outcomes['comment_deleted.json']!, /unknown ticket KT-7/);
  });

  it('maps statuses case-insensitively through the transition table', async () => {
    const id = await incidentWithTicket({ business: 'HT' });
    await applyJiraWebhook(deps, withItem({ field: 'status', fieldId: 'status', fromString: 'Incoming', toString: 'PENDING RESOLUTION' }));
    assert.equal((await current(id)).status, 'INVESTIGATING');
    const entry = await IncidentUpdate.findOne({ incidentId: id, origin: 'jira' });
    assert.deepEqual(entry?.changes, { status: { from: 'OPEN', to: 'INVESTIGATING' } });
  });

  it('refuses a mapped status the transition table refuses, and tells the channel why', async () => {
    const id = await incidentWithTicket({ business: 'HT' });
    await applyJiraWebhook(deps, withItem({ field: 'status', fieldId: 'status', fromString: 'Incoming', toString: 'Closed' }));
    assert.equal((await current(id)).status, 'OPEN');
    const notice = deps.slack.posts.find((p) => p.channel === 'CINC');
    assert.ok(notice);
    assert.match(notice.message.text, /not changed/);
    validateMessageBlocks(notice.message.blocks ?? []);
  });

  it('an unmapped status is only reported in the channel', async () => {
    const id = await incidentWithTicket({ business: 'HT' });
    await applyJiraWebhook(deps, withItem({ field: 'status', fieldId: 'status', fromString: 'Incoming', toString: 'Code Review' }));
    assert.equal((await current(id)).status, 'OPEN');
    assert.match(deps.slack.posts[0]!.message.text, /changed INC-1 in Jira: Status/);
  });

  it('priority: Jira priority id or the configured custom field, never a lookalike such as Story Points', async () => {
    const id = await incidentWithTicket({ business: 'HT' });
    await applyJiraWebhook(deps, withItem({ field: 'Story Points', fieldId: 'customfield_10016', fromString: '1', toString: '2' }));
    assert.equal((await current(id)).priority, 1);
    await applyJiraWebhook(deps, withItem({ field: 'priority', fieldId: 'priority', from: '1', to: '3', fromString: 'Highest', toString: 'Medium' }));
    assert.equal((await current(id)).priority, 3);
    await applyJiraWebhook(deps, withItem({ field: 'Priority (incident)', fieldId: settings.jira.fields.priority, fromString: '3', toString: '2' }));
    assert.equal((await current(id)).priority, 2);
    assert.equal(classifyItem(settings, { field: 'Priority', fieldId: 'customfield_99999', toString: '2' }), null);
  });

  it('skips the echo of our own write (the marker is consumed) and changes by the app account', async () => {
    const id = await incidentWithTicket({ business: 'HT' });
    await deps.markers.mark('issue', fieldMarkerId('INC-1', 'summary', 'Images do not load anywhere'), 'to_jira');
    const echo = await applyJiraWebhook(deps, withItem({ field: 'summary', fieldId: 'summary', fromString: 'Images do not load', toString: 'Images do not load anywhere' }));
    assert.equal(echo.applied, false);
    assert.equal((await current(id)).title, 'Images do not load');
    const own = withItem({ field: 'summary', fieldId: 'summary', toString: 'A title written by the app' });
    own.user = { accountId: deps.jira.myself };
    await applyJiraWebhook(deps, own);
    assert.equal((await current(id)).title, 'Images do not load');
    // The marker was consumed: the same value typed by a person later applies.
    await applyJiraWebhook(deps, withItem({ field: 'summary', fieldId: 'summary', fromString: 'Images do not load', toString: 'Images do not load anywhere' }));
    assert.equal((await current(id)).title, 'Images do not load anywhere');
  });

  it('recognises the echo of a multi-line description written as ADF and read back as wiki text', async () => {
    const id = await incidentWithTicket({ business: 'HT' });
    await deps.markers.mark('issue', fieldMarkerId('INC-1', 'description', 'The CDN answers 503.\nOnly in the EU.'), 'to_jira');
    const echo = await applyJiraWebhook(deps, withItem({ field: 'description', fieldId: 'description', toString: 'The CDN answers 503.\r\n\r\nOnly in the EU. ' }));
    assert.deepEqual(echo, { applied: false, notes: ['description: echo of our own write'] });
    assert.equal((await current(id)).description, 'The CDN answers 503.');
  });

  it('one priority write echoed as two items (priority and its custom field) is skipped whole, without touching the incident', async () => {
    const id = await incidentWithTicket({ business: 'HT' });
    await deps.markers.mark('issue', fieldMarkerId('INC-1', 'priority', '3'), 'to_jira');
    const body = withItem({ field: 'priority', fieldId: 'priority', from: '2', to: '3', fromString: 'High', toString: 'Medium' });
    body.changelog!.items.push({ field: 'Priority (incident)', fieldtype: 'custom', fieldId: settings.jira.fields.priority!, fromString: '2', toString: '3' });
    const echo = await applyJiraWebhook(deps, body);
    assert.deepEqual(echo, { applied: false, notes: ['priority: echo of our own write', 'priority: echo of our own write'] });
    assert.equal(await IncidentUpdate.countDocuments({ incidentId: id }), 1, 'only the declaration');
  });

  it('assignee -> commander through the Jira account email and Slack', async () => {
    const id = await incidentWithTicket({ business: 'HT' });
    deps.jira.people.set('acc-carol', { accountId: 'acc-carol', email: 'carol@example.com', displayName: 'Carol', accountType: 'atlassian' });
    deps.slack.emails.set('carol@example.com', 'UCAROL');
    await applyJiraWebhook(deps, withItem({ field: 'assignee', fieldId: 'assignee', to: 'acc-carol', toString: 'Carol' }));
    assert.ok((await current(id)).roles.some((r) => r.role === 'commander' && r.slackId === 'UCAROL'));
    const unknown = await applyJiraWebhook(deps, withItem({ field: 'assignee', fieldId: 'assignee', to: 'acc-nobody', toString: 'Nobody' }));
    assert.deepEqual(unknown.notes, ['assignee: assignee has no Slack account']);
  });

  it('without a channel (P4), comments and field changes are DMed to the reporter and the watchers with Slack accounts', async () => {
    const id = await incidentWithTicket({ business: 'LO' }, 'INC-2', null, 'Search');
    deps.jira.people.set('acc-w1', { accountId: 'acc-w1', email: 'w1@example.com', displayName: 'W1', accountType: 'atlassian' });
    deps.jira.people.set('acc-w2', { accountId: 'acc-w2', email: 'w2@example.com', displayName: 'W2', accountType: 'atlassian' });
    deps.jira.people.set('acc-bot', { accountId: 'acc-bot', email: 'bot@example.com', displayName: 'Bot', accountType: 'app' });
    deps.jira.watchersOf.set('INC-2', ['acc-w1', 'acc-w2', 'acc-bot']);
    deps.slack.emails.set('w1@example.com', 'UW1');
    deps.slack.emails.set('bot@example.com', 'UBOTX');
    await applyJiraWebhook(deps, fixture('comment_created.mention.json', 'INC-2'));
    assert.deepEqual(deps.slack.posts.map((p) => p.channel).sort(), ['UREPORTER', 'UW1']);
    assert.match(deps.slack.posts[0]!.message.text, /mentioned user @someone/);
    validateMessageBlocks(deps.slack.posts[0]!.message.blocks ?? []);
    deps.slack.posts.length = 0;
    await applyJiraWebhook(deps, withItem({ field: 'priority', fieldId: 'priority', from: '4', to: '5', fromString: 'Low', toString: 'Lowest' }, 'INC-2'));
    assert.equal((await current(id)).priority, 5);
    assert.deepEqual(deps.slack.posts.map((p) => p.channel).sort(), ['UREPORTER', 'UW1']);
    assert.match(deps.slack.posts[0]!.message.text, /Priority/);
  });

  it('records a batch in one go: each delivery answered for itself, duplicates inside the batch and from before included', async () => {
    await incidentWithTicket({ business: 'HT' }, 'INC-1');
    const delivery = (deliveryId: string, key: string): DeliveryToRecord => {
      const body = withItem({ field: 'summary', fieldId: 'summary', toString: `Title for ${deliveryId}` }, key);
      return { deliveryId, route: 'jira', raw: Buffer.from(JSON.stringify(body)), body };
    };
    assert.equal((await recordOne(delivery('before', 'INC-1'))).kind, 'recorded');
    const outcomes = await recordJiraDeliveries(deps, [delivery('a', 'INC-1'), delivery('before', 'INC-1'), delivery('b', 'INC-404'), delivery('a', 'INC-1'), delivery('c', 'INC-1')]);
    assert.deepEqual(
      outcomes.map((o) => (o.kind === 'ignored' ? o.reason : o.kind)),
      ['recorded', 'duplicate', 'unknown ticket INC-404', 'duplicate', 'recorded'],
    );
    assert.deepEqual((await JiraDelivery.find().sort({ _id: 1 }).lean()).map((d) => [d._id, d.state]), [
      ['a', 'received'], ['b', 'ignored'], ['before', 'received'], ['c', 'received'],
    ]);
  });

  it('a ticket linked after a delivery named it is found by the next delivery', async () => {
    const body = withItem({ field: 'summary', fieldId: 'summary', toString: 'Images fail in the EU' }, 'INC-9');
    const raw = Buffer.from(JSON.stringify(body));
    assert.equal((await recordOne({ deliveryId: 'early', route: 'jira', raw, body })).kind, 'ignored');
    await incidentWithTicket({ business: 'HT' }, 'INC-9');
    assert.equal((await recordOne({ deliveryId: 'late', route: 'jira', raw, body })).kind, 'recorded');
  });

  it('a failed application is left for a retry, and the retry applies it', async () => {
    const id = await incidentWithTicket({ business: 'HT' });
    const raw = Buffer.from(JSON.stringify(withItem({ field: 'summary', fieldId: 'summary', toString: 'Images fail in the EU' })));
    const body = parseJiraWebhook('jira', JSON.parse(raw.toString()));
    assert.ok(body.ok);
    await recordOne({ deliveryId: 'd1', route: 'jira', raw, body: body.body });
    const broken = { ...deps, updateIncident: async () => Promise.reject(new Error('database went away')) };
    assert.equal(await applyJiraDelivery(broken, 'd1'), 'failed');
    assert.equal((await current(id)).title, 'Images do not load');
    assert.equal(await applyJiraDelivery(deps, 'd1'), 'applied');
    assert.equal((await current(id)).title, 'Images fail in the EU');
    assert.equal(await applyJiraDelivery(deps, 'd1'), 'applied', 'an applied delivery is not applied again');
    assert.equal(await IncidentUpdate.countDocuments({ incidentId: id, origin: 'jira' }), 1);
  });

  it('wiki markup reads as plain text', () => {
    assert.equal(wikiToPlainText('h2. Cause\n*Bold* and [the doc|https://x.example] for [~accountid:123]'), 'Cause\nBold and the doc (https://x.example) for @someone');
  });
});
