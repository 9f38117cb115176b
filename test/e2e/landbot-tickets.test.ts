import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signHubBody } from '../../src/listeners/http/verify-signature.js';
import { LandbotRequest } from '../../src/models/landbot-request.js';
import { createApiToken, revokeApiToken } from '../../src/services/tokens/api-tokens.js';
import { adfToWiki } from '../support/jira-emulator/index.js';
import { startHarness, eventually, type Harness } from '../support/app-harness.js';

const FIXTURES = 'test/fixtures/landbot';
const fixture = (name: string) => JSON.parse(readFileSync(`${FIXTURES}/${name}`, 'utf8')) as Record<string, unknown>;
const minimal = fixture('firefighter.jira_bot.request.minimal.json');
const API = '/api/raid/tickets';
const FIREFIGHTER = '/api/v2/firefighter/raid/jira_bot';

interface Created {
  id: string;
  key: string;
  url: string;
  duplicate: boolean;
  attachments: { added: string[]; refused: Array<{ url: string; reason: string }> };
}

describe('the ticket API (Landbot), end to end against the Jira and Slack emulators', function () {
  this.timeout(60_000);
  let h: Harness;
  let token: string;
  let seq = 0;

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${h.app!.httpPort}${path}`, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    });
  /** A request of the minimal sample with a summary of its own, so no two tests send the same request. */
  const request = (changes: Record<string, unknown> = {}) => ({ ...minimal, summary: `Landbot test ${++seq}`, ...changes });
  const create = async (body: unknown): Promise<Created> => {
    const res = await post(API, body);
    const answer = await res.json();
    assert.equal(res.status, 201, JSON.stringify(answer));
    return answer as Created;
  };
  const description = (key: string) => adfToWiki(h.jira.issue(key)!.fields.description as Parameters<typeof adfToWiki>[0]);
  const texts = (channelOrUser: string) => h.slack.messages(channelOrUser).map((m) => m.text);

  // A file server on this machine, trusted by the test settings (`allowHttpHosts`, `allowPrivateAddressHosts`), with a
  // good file, a redirect to a private address, a file over the 1 MiB limit and a server that never finishes.
  const REPORT = 'Checkout logs, 14:05–14:20\n';
  let fileServer: Server;
  let files = '';
  let metadataHits = 0;
  let settingsDir = '';

  before(async () => {
    fileServer = createServer((req, res) => {
      if (req.url === '/report.txt') res.writeHead(200, { 'content-type': 'text/plain' }).end(REPORT);
      else if (req.url === '/redirect-to-private') res.writeHead(302, { location: 'https://10.1.2.3/internal.pdf' }).end();
      else if (req.url === '/big.bin') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(2 * 1024 * 1024));
      else if (req.url === '/slow') res.writeHead(200, { 'content-type': 'text/plain' }).write('a');
      else if (req.url?.startsWith('/latest/meta-data')) (metadataHits++, res.writeHead(200).end('role'));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => fileServer.listen(0, '127.0.0.1', () => resolve()));
    files = `http://localhost:${(fileServer.address() as AddressInfo).port}`;
    settingsDir = await mkdtemp(path.join(tmpdir(), 'landbot-settings-'));
    const settings = JSON.parse(readFileSync('config/settings.json', 'utf8'));
    settings.attachments = { ...settings.attachments, maxFiles: 6, maxBytesPerFile: 1024 * 1024, timeoutMs: 1500, allowHttpHosts: ['localhost'], allowPrivateAddressHosts: ['localhost'] };
    writeFileSync(path.join(settingsDir, 'settings.json'), JSON.stringify(settings));
    h = await startHarness('landbot-tickets', { env: { INCIDENT_SETTINGS: path.join(settingsDir, 'settings.json') } });
    ({ token } = await createApiToken('landbot-test'));
  });
  after(async () => {
    await h.stop();
    fileServer.closeAllConnections();
    await new Promise((resolve) => fileServer.close(resolve));
    await rm(settingsDir, { recursive: true, force: true });
  });

  it('creates each kind of ticket with its issue type and fields, the reporter found by email', async () => {
    const ids = h.settings.jira.fields;
    const cases = [
      { kind: 'customer', body: { zendesk: 'ZD-77', business_impact: 'Medium', priority: 3 }, type: 'Incident', has: [ids.zendeskTicketId, ids.businessImpact], lacks: [ids.sellerContractId] },
      { kind: 'seller', body: { seller_contract_id: '998877', zoho: 'Z-5' }, type: 'Incident', has: [ids.sellerContractId, ids.zohoDeskTicketId], lacks: [ids.zendeskTicketId] },
      { kind: 'internal', body: { business_impact: 'Low' }, type: 'Incident', has: [ids.businessImpact, ids.environments], lacks: [ids.zendeskTicketId, ids.sellerContractId] },
      { kind: 'documentation_request', body: { issue_type: 'Documentation/Process Request', labels: ['originBot'] }, type: 'Documentation/Process Request', has: [ids.priority, ids.platform], lacks: [ids.environments] },
      { kind: 'feature_request', body: { issue_type: 'Feature Request', labels: null }, type: 'Feature Request', has: [ids.priority, ids.platform], lacks: [ids.environments] },
    ];
    for (const c of cases) {
      const created = await create(request({ reporter_email: h.users.alice.email, ...c.body }));
      const issue = h.jira.issue(created.key);
      assert.ok(issue, c.kind);
      assert.equal(issue.issueType, c.type, c.kind);
      assert.equal(issue.projectKey, 'SBI', c.kind);
      assert.equal(issue.reporter, h.jiraAccounts.alice, c.kind);
      for (const id of c.has) assert.ok(issue.fields[id!] !== undefined, `${c.kind} has ${id}`);
      for (const id of c.lacks) assert.equal(issue.fields[id!], undefined, `${c.kind} lacks ${id}`);
      assert.ok(issue.labels.includes(`landbot-${created.id}`), c.kind);
      assert.equal(created.url, `${h.jira.url}/browse/${created.key}`);
      assert.equal((await LandbotRequest.findById(created.id))?.ticket?.kind, c.kind);
    }
    const documentation = h.jira.issues().find((i) => i.issueType === 'Documentation/Process Request')!;
    assert.ok(documentation.labels.includes('documentation-request') && documentation.labels.includes('originBot'));
    assert.ok(h.jira.issues().find((i) => i.issueType === 'Feature Request')!.labels.includes('feature-request'));
  });

  it('FireFighter’s path answers 201 with the key alone; refused attachments are counted there, listed in the ticket, and never stop it', async () => {
    const sample = { ...fixture('firefighter.jira_bot.request.full.json'), attachments: `['${files}/report.txt','https://127.0.0.1/test2',]` };
    const res = await post(FIREFIGHTER, sample);
    assert.equal(res.status, 201);
    const key = await res.json();
    assert.equal(typeof key, typeof fixture('firefighter.jira_bot.response.201.json'));
    assert.match(String(key), /^SBI-\d+$/);
    assert.equal(res.headers.get('x-attachments-refused'), '1');
    const text = description(String(key));
    assert.match(text, /https:\/\/127\.0\.0\.1\/test2: .*loopback address, which is not allowed/);
    assert.match(text, /Reporter email: test_email@example\.com/);
    const issue = h.jira.issue(String(key))!;
    assert.deepEqual(issue.attachments.map((a) => [a.filename, a.size]), [['report.txt', Buffer.byteLength(REPORT)]]);
    assert.deepEqual(issue.fields[h.settings.jira.fields.priority!], { value: '1' });
    assert.deepEqual(issue.priorityId ?? (issue.fields.priority as { id: string }).id, '1');
  });

  it('attachments: a good one is added; loopback, cloud metadata, a redirect to a private address, a too-large file and a slow server are refused; the ticket is made', async () => {
    const urls = [`${files}/report.txt`, 'https://127.0.0.1/secret', 'http://169.254.169.254/latest/meta-data/', `${files}/redirect-to-private`, `${files}/big.bin`, `${files}/slow`];
    const created = await create(request({ attachments: urls }));
    assert.deepEqual(created.attachments.added, ['report.txt']);
    const reasons = Object.fromEntries(created.attachments.refused.map((r) => [r.url, r.reason]));
    assert.match(reasons['https://127.0.0.1/secret']!, /loopback address/);
    assert.match(reasons['http://169.254.169.254/latest/meta-data/']!, /^Plain http is not accepted|link-local address/);
    assert.match(reasons[`${files}/redirect-to-private`]!, /^After a redirect: .*private address/);
    assert.match(reasons[`${files}/big.bin`]!, /larger than the 1 MiB limit/);
    assert.match(reasons[`${files}/slow`]!, /took longer than 1\.5 seconds/);
    assert.equal(Object.keys(reasons).length, 5);
    const issue = h.jira.issue(created.key)!;
    assert.deepEqual(issue.attachments.map((a) => a.filename), ['report.txt']);
    for (const url of Object.keys(reasons)) assert.ok(description(created.key).includes(url), `the description lists ${url}`);
    assert.equal(metadataHits, 0, 'nothing asked the metadata address');
  });

  it('our path reports refused attachments in the answer; FireFighter’s documented example is accepted', async () => {
    const example = fixture('firefighter.jira_bot.request.openapi_example.json');
    // Its files live on a public bucket; pointed at this machine they are refused without leaving it.
    const attachments = (example.attachments as string[]).map((url) => url.replace(/^https:\/\/[^/]+/, 'https://127.0.0.1'));
    const created = await create({ ...example, attachments, summary: `Openapi example ${++seq}` });
    assert.deepEqual(created.attachments.added, []);
    assert.equal(created.attachments.refused.length, attachments.length);
    for (const r of created.attachments.refused) assert.match(r.reason, /loopback address, which is not allowed/);
    assert.match(description(created.key), /127\.0\.0\.1.*loopback/);
  });

  it('announces like a P4–P5 declaration: DM to the reporter on Slack, alert channels by priority, impact and email domain', async () => {
    const high = await create(request({ reporter_email: h.users.alice.email, business_impact: 'High', priority: 4 }));
    await eventually(() => texts(h.users.alice.id).some((t) => t.includes(high.key)), 'the DM to Alice');
    await eventually(() => texts(h.channels.alertsHigh).some((t) => t.includes(high.key)), 'the post in the high alert channel');
    assert.ok(!texts(h.channels.alertsNormal).some((t) => t.includes(high.key)));

    const outside = await create(request({ reporter_email: h.users.bob.email, priority: 5 }));
    await eventually(() => texts(h.users.bob.id).some((t) => t.includes(outside.key)), 'the DM to Bob (on Slack, not in Jira)');
    await eventually(() => texts(h.channels.alertsNormal).some((t) => t.includes(outside.key)), 'the post in the normal alert channel');
    assert.equal(h.jira.issue(outside.key)!.reporter, h.jira.botAccountId, 'no Jira account and no default: Jira takes the API account');
    await eventually(async () => (await LandbotRequest.findById(outside.id))?.announce?.done, 'the announcements recorded');
    assert.equal(texts(h.users.bob.id).filter((t) => t.includes(outside.key)).length, 1);
  });

  it('the same request sent again within the window gets the same ticket, not a second one', async () => {
    const body = request({ reporter_email: h.users.alice.email });
    const first = await create(body);
    const res = await post(API, body);
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-duplicate-request'), 'true');
    const second = (await res.json()) as Created;
    assert.equal(second.key, first.key);
    assert.equal(second.duplicate, true);
    const ff = await post(FIREFIGHTER, body);
    assert.equal(await ff.json(), first.key);
    assert.equal(h.jira.issues().filter((i) => i.fields.summary === body.summary).length, 1);
  });

  it('Jira down: 202 with an id, the ticket is created by the retried job, and the reporter is told when it exists', async () => {
    h.jira.failNext({ method: 'POST', path: '/rest/api/3/issue' }, { status: 503 }, 2);
    const body = request({ reporter_email: h.users.alice.email });
    const res = await post(API, body);
    assert.equal(res.status, 202);
    const accepted = (await res.json()) as { id: string; status: string };
    assert.equal(accepted.status, 'accepted');
    const done = await eventually(async () => {
      const doc = await LandbotRequest.findById(accepted.id);
      return doc?.state === 'created' ? doc : null;
    }, 'the ticket to be created by the job');
    assert.equal(done.attempts, 3);
    const key = done.ticket!.key!;
    assert.equal(h.jira.issues().filter((i) => i.fields.summary === body.summary).length, 1);
    await eventually(() => texts(h.users.alice.id).some((t) => t.includes(key)), 'the DM telling Alice the ticket exists');
    const again = await post(API, body);
    assert.equal(((await again.json()) as Created).key, key, 'a retry of the request now gets the key');
  });

  it('Jira refusing the ticket for good: 502 naming Jira’s reason, the request kept as failed', async () => {
    h.jira.failNext({ method: 'POST', path: '/rest/api/3/issue' }, { status: 400, body: { errorMessages: [], errors: { customfield_10201: 'Option value invalid' } } });
    const res = await post(API, request());
    assert.equal(res.status, 502);
    const answer = (await res.json()) as { type: string; id: string; errors: Array<{ code: string; detail: string }> };
    assert.equal(answer.errors[0]!.code, 'jira_refused');
    assert.match(answer.errors[0]!.detail, /Option value invalid/);
    assert.equal((await LandbotRequest.findById(answer.id))?.state, 'failed');
  });

  it('refuses missing, unknown and revoked tokens with 401 (FireFighter’s body), bad input with 400 naming each field, and creates nothing', async () => {
    const issuesBefore = h.jira.issues().length;
    const requestsBefore = await LandbotRequest.countDocuments();
    const url = `http://127.0.0.1:${h.app!.httpPort}${FIREFIGHTER}`;
    const missing = await fetch(url, { method: 'POST', body: JSON.stringify(request()), headers: { 'content-type': 'application/json' } });
    assert.equal(missing.status, 401);
    assert.deepEqual(await missing.json(), fixture('firefighter.jira_bot.error.401.json'));
    const unknown = await post(API, request(), { authorization: 'Bearer inc_not-a-token' });
    assert.equal(unknown.status, 401);
    assert.equal(((await unknown.json()) as { errors: Array<{ code: string }> }).errors[0]!.code, 'authentication_failed');

    const bad = await post(API, request({ labels: ['two words'], reporter_email: 'john@', platform: 'Mars' }));
    assert.equal(bad.status, 400);
    const refused = (await bad.json()) as { type: string; errors: Array<{ attr: string }> };
    assert.equal(refused.type, 'validation_error');
    assert.deepEqual(refused.errors.map((e) => e.attr).sort(), ['labels.0', 'platform', 'reporter_email']);
    assert.equal((await post(API, '{not json')).status, 400);
    assert.equal((await post(API, 'summary=x', { 'content-type': 'application/x-www-form-urlencoded' })).status, 415);
    const huge = await post(API, JSON.stringify(request({ description: 'x'.repeat(1024 * 1024) })));
    assert.equal(huge.status, 413);

    const { token: other } = await createApiToken('landbot-revoked');
    assert.equal((await post(API, request(), { authorization: `Bearer ${other}` })).status, 201);
    await revokeApiToken('landbot-revoked');
    assert.equal((await post(API, request(), { authorization: `Bearer ${other}` })).status, 401);
    assert.equal(h.jira.issues().length, issuesBefore + 1);
    assert.equal(await LandbotRequest.countDocuments(), requestsBefore + 1);
  });

  it('no token or Authorization header reaches the log', () => {
    const log = h.logLines.join('');
    assert.ok(!log.includes(token));
    assert.ok(!/authorization/i.test(log.replace(/"authorization":"\[redacted\]"/gi, '')));
  });
});

describe('FireFighter’s Jira webhook paths also take a Bearer token of the token store', function () {
  this.timeout(60_000);
  let h: Harness;
  const comment = readFileSync('test/fixtures/jira/webhooks/comment_created.json');
  const send = (path: string, headers: Record<string, string>) =>
    fetch(`http://127.0.0.1:${h.app!.httpPort}${path}`, { method: 'POST', body: comment, headers: { 'content-type': 'application/json', ...headers } });

  before(async () => {
    h = await startHarness('jira-webhook-tokens');
  });
  after(() => h.stop());

  it('a valid token is accepted on jira_update and jira_comment, a revoked one refused; /webhooks/jira stays signature-only', async () => {
    const { token } = await createApiToken('jira-webhooks');
    const bearer = { authorization: `Bearer ${token}` };
    assert.equal((await send('/api/v2/firefighter/raid/jira_comment', bearer)).status, 200);
    assert.equal((await send('/webhooks/jira', bearer)).status, 401);
    assert.equal((await send('/webhooks/jira', { 'x-hub-signature': signHubBody(comment, h.env.JIRA_WEBHOOK_SECRET!) })).status, 200);
    const update = readFileSync('test/fixtures/jira/webhooks/jira_issue_updated.status.json');
    const res = await fetch(`http://127.0.0.1:${h.app!.httpPort}/api/v2/firefighter/raid/jira_update`, { method: 'POST', body: update, headers: { 'content-type': 'application/json', ...bearer } });
    assert.equal(res.status, 200);
    await revokeApiToken('jira-webhooks');
    assert.equal((await send('/api/v2/firefighter/raid/jira_comment', bearer)).status, 401);
  });
});
