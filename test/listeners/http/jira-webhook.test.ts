import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import { createHttpSidecar, listen } from '../../../src/listeners/http/index.js';
import { createJiraWebhookReceiver } from '../../../src/listeners/http/jira-webhook.js';
import { signHubBody, verifyHubSignature } from '../../../src/listeners/http/verify-signature.js';
import { JiraDelivery } from '../../../src/models/jira-delivery.js';
import type { ApplyJiraDeps } from '../../../src/services/jira/apply-jira-webhook.js';
import { createTicketDirectory } from '../../../src/services/jira/ticket-directory.js';
import { createSyncMarkers } from '../../../src/services/jira/sync-markers.js';
import { connectTestDatabase, dropTestDatabase } from '../../support/database.js';
import { FakeJira, FakeSlack, silentLogger } from '../../support/fakes.js';
import { defaultSettings } from '../../support/settings.js';

const FIXTURES = 'test/fixtures/jira/webhooks';
const SECRET = 'unit-test-secret-0123456789';

describe('the Jira webhook route', () => {
  let server: Server | undefined;
  let port: number;
  const start = async (secret: string | undefined) => {
    const deps: ApplyJiraDeps = {
      settings: defaultSettings(),
      logger: silentLogger(),
      slack: new FakeSlack(),
      jira: new FakeJira(),
      markers: createSyncMarkers(),
      tickets: createTicketDirectory(),
      updateIncident: async () => {
        throw new Error('no incident is known in this test');
      },
    };
    const receiver = createJiraWebhookReceiver({ secret, logger: deps.logger, deps });
    server = createHttpSidecar({ probe: { databaseReachable: async () => true, slackConnected: () => true }, logger: deps.logger, jiraWebhook: receiver });
    port = await listen(server!, 0);
  };
  const post = (path: string, body: Buffer | string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  before(() => connectTestDatabase('jira-webhook-route'));
  after(() => dropTestDatabase());
  beforeEach(() => JiraDelivery.deleteMany({}));
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it("verifies the real captured delivery's signature over its exact bytes", async () => {
    const capture = JSON.parse(readFileSync(`${FIXTURES}/_signed_delivery.headers.json`, 'utf8'));
    const raw = readFileSync(`${FIXTURES}/jira_issue_updated.status.json`);
    assert.equal(verifyHubSignature(raw, capture.headers['x-hub-signature'], capture.secret), true);
    assert.equal(verifyHubSignature(raw, capture.headers['x-hub-signature'].replace('sha256', 'SHA256'), capture.secret), true, 'method name case-insensitive');
    assert.equal(verifyHubSignature(Buffer.concat([raw, Buffer.from(' ')]), capture.headers['x-hub-signature'], capture.secret), false);
    assert.equal(verifyHubSignature(raw, 'sha1=abc', capture.secret), false);
    assert.equal(verifyHubSignature(raw, capture.headers['x-hub-signature'], undefined), false);
  });

  it('answers every sample delivery 200, recorded once (as ignored: no ticket is known here)', async () => {
    await start(SECRET);
    for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.json') && !f.startsWith('_'))) {
      const raw = readFileSync(`${FIXTURES}/${name}`);
      const headers = { 'x-hub-signature': signHubBody(raw, SECRET), 'x-atlassian-webhook-identifier': name };
      const res = await post('/webhooks/jira', raw, headers);
      assert.equal(res.status, 200, name);
      assert.equal(((await res.json()) as { ignored: boolean }).ignored, true, name);
      const again = await post('/webhooks/jira', raw, headers);
      assert.deepEqual(await again.json(), { duplicate: true }, name);
    }
    assert.equal(await JiraDelivery.countDocuments({ state: 'ignored' }), readdirSync(FIXTURES).filter((f) => f.endsWith('.json') && !f.startsWith('_')).length);
  });

  it('without an identifier, the same bytes are one delivery', async () => {
    await start(SECRET);
    const raw = readFileSync(`${FIXTURES}/comment_created.json`);
    await post('/api/v2/firefighter/raid/jira_comment', raw, { 'x-hub-signature': signHubBody(raw, SECRET) });
    const again = await post('/api/v2/firefighter/raid/jira_comment', raw, { 'x-hub-signature': signHubBody(raw, SECRET) });
    assert.deepEqual(await again.json(), { duplicate: true });
  });

  it('fails closed without a secret', async () => {
    await start(undefined);
    const raw = readFileSync(`${FIXTURES}/jira_issue_updated.status.json`);
    const res = await post('/webhooks/jira', raw, { 'x-hub-signature': signHubBody(raw, '') });
    assert.equal(res.status, 401);
    assert.equal(await JiraDelivery.countDocuments(), 0);
  });

  it('413 for a streamed body past 1 MiB without Content-Length, and nothing is recorded', async () => {
    await start(SECRET);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/webhooks/jira', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < 20; i++) req.write(chunk);
      req.end();
    });
    assert.equal(status, 413);
    assert.equal(await JiraDelivery.countDocuments(), 0);
  });

  it("FireFighter's jira_update path wants FireFighter's fields", async () => {
    await start(SECRET);
    const body = JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { key: 'INC-9' } });
    const res = await post('/api/v2/firefighter/raid/jira_update', body, { 'x-hub-signature': signHubBody(body, SECRET) });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'invalid_body', fields: ['user', 'changelog'] });
  });
});
