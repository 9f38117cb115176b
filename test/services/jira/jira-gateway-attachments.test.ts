import assert from 'node:assert/strict';
import { ExternalCallError } from '../../../src/errors.js';
import { adfFromText } from '../../../src/services/jira/adf.js';
import { createJiraGateway, type JiraGateway } from '../../../src/services/jira/jira-gateway.js';
import { startJiraEmulator, type JiraEmulator } from '../../support/jira-emulator/index.js';
import { silentLogger } from '../../support/fakes.js';

describe('JiraGateway.addAttachment (jira.js over HTTP to the Jira emulator)', () => {
  let jira: JiraEmulator;
  let gateway: JiraGateway;
  let key: string;

  beforeEach(async () => {
    jira = await startJiraEmulator();
    jira.addProject({ key: 'SBI', name: 'Support' });
    gateway = createJiraGateway({ url: jira.url, email: jira.email, apiToken: jira.apiToken, timeoutMs: 5000, logger: silentLogger() });
    ({ key } = await gateway.createIssue({
      project: { key: 'SBI' },
      issuetype: { name: 'Incident' },
      summary: 'Checkout fails on FR',
      description: adfFromText('Customers get a 500 on the payment step'),
      priority: { id: '2' },
      labels: [],
    }));
  });
  afterEach(() => jira.stop());

  it('uploads the file with its name, size and content type, as one multipart part named "file"', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3]);
    await gateway.addAttachment(key, { fileName: 'screenshot 1.png', contentType: 'image/png', bytes: png });
    await gateway.addAttachment(key, { fileName: 'résumé.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.7') });

    const stored = jira.issue(key)?.attachments ?? [];
    assert.deepEqual(
      stored.map((a) => ({ filename: a.filename, size: a.size, mimeType: a.mimeType })),
      [
        { filename: 'screenshot 1.png', size: png.length, mimeType: 'image/png' },
        { filename: 'résumé.pdf', size: 8, mimeType: 'application/pdf' },
      ],
    );
    assert.deepEqual(stored[0]?.content, png);

    const uploads = jira.requests({ method: 'POST', pathPrefix: `/rest/api/3/issue/${key}/attachments` });
    assert.equal(uploads.length, 2);
    assert.equal(uploads[0]?.headers['x-atlassian-token'], 'no-check');
    assert.deepEqual(uploads[0]?.body, { parts: [{ name: 'file', filename: 'screenshot 1.png', contentType: 'image/png', size: png.length }] });
  });

  it('keeps the content type given, even one Jira could not guess from the name', async () => {
    await gateway.addAttachment(key, { fileName: 'capture', contentType: 'video/mp4', bytes: Buffer.from('not really a video') });
    assert.equal(jira.issue(key)?.attachments[0]?.mimeType, 'video/mp4');
  });

  it('maps a Jira failure to a typed error, like every other call', async () => {
    const missing = await gateway.addAttachment('SBI-999', { fileName: 'a.txt', contentType: 'text/plain', bytes: Buffer.from('a') }).then(
      () => assert.fail('expected a failure'),
      (error: unknown) => error,
    );
    assert.ok(missing instanceof ExternalCallError);
    assert.equal(missing.code, 'jira_call_failed');
    assert.deepEqual({ method: missing.details.method, status: missing.details.status, retryable: missing.details.retryable }, { method: 'addAttachment', status: 404, retryable: false });

    jira.failNext({ method: 'POST', path: `/rest/api/3/issue/${key}/attachments` }, { status: 503 });
    const unavailable = await gateway.addAttachment(key, { fileName: 'a.txt', contentType: 'text/plain', bytes: Buffer.from('a') }).then(
      () => assert.fail('expected a failure'),
      (error: unknown) => error,
    );
    assert.ok(unavailable instanceof ExternalCallError);
    assert.equal(unavailable.details.status, 503);
    assert.equal(unavailable.details.retryable, true);
    assert.equal(jira.issue(key)?.attachments.length, 0);
  });
});
