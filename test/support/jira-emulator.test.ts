// Tests of the Jira Cloud emulator, driven through the real jira.js 5.4 clients over HTTP.
// The Atlassian examples in test/fixtures/jira/rest and the real deliveries in test/fixtures/jira/webhooks are the
// oracle for response and webhook shapes.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Version2Client, Version3Client } from 'jira.js';
import { type JiraEmulator, signWebhookBody, startJiraEmulator } from './jira-emulator/index.js';

// ------------------------------------------------------------------------------------------------ helpers
type Json = Record<string, unknown>;

function fixture(path: string): Json {
  return JSON.parse(readFileSync(new URL(`../fixtures/jira/${path}`, import.meta.url), 'utf8')) as Json;
}

function obj(value: unknown, label = 'value'): Json {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `${label} should be an object, got ${JSON.stringify(value)}`);
  return value as Json;
}

function arr(value: unknown, label = 'value'): unknown[] {
  assert.ok(Array.isArray(value), `${label} should be an array, got ${JSON.stringify(value)}`);
  return value;
}

/** Example body of a fixture's documented response. */
function example(fx: Json, status: string): unknown {
  return obj(obj(fx.responses, 'responses')[status], `responses.${status}`).example;
}

/**
 * Compares key sets: every key of the fixture must be in the emulator's answer (minus `optional`, keys Jira itself
 * only sends in some cases), and every key of the answer must be in the fixture (plus `extra`, keys the OpenAPI
 * schema documents but the example omits).
 */
function assertSameKeys(actual: unknown, expected: unknown, label: string, opts: { optional?: string[]; extra?: string[] } = {}): void {
  const a = Object.keys(obj(actual, label)).sort();
  const e = Object.keys(obj(expected, `${label} (fixture)`)).sort();
  const missing = e.filter((k) => !a.includes(k) && !(opts.optional ?? []).includes(k));
  const unexpected = a.filter((k) => !e.includes(k) && !(opts.extra ?? []).includes(k));
  assert.deepEqual({ missing, unexpected }, { missing: [], unexpected: [] }, `${label}: keys differ from the fixture (actual: ${a.join(',')})`);
}

function client(jira: JiraEmulator, opts: { timeout?: number; apiToken?: string } = {}): Version3Client {
  return new Version3Client({
    host: jira.url,
    authentication: { basic: { email: jira.email, apiToken: opts.apiToken ?? jira.apiToken } },
    ...(opts.timeout !== undefined ? { baseRequestConfig: { timeout: opts.timeout } } : {}),
  });
}

function client2(jira: JiraEmulator): Version2Client {
  return new Version2Client({ host: jira.url, authentication: { basic: { email: jira.email, apiToken: jira.apiToken } } });
}

interface Failure {
  status: number | undefined;
  data: unknown;
  headers: Record<string, unknown>;
  code: string | undefined;
  message: string;
}

/** Awaits a call that must fail; returns what jira.js exposes (HttpException or, without an answer, AxiosError). */
async function failure(call: Promise<unknown>): Promise<Failure> {
  try {
    await call;
  } catch (e) {
    const err = e as { status?: number; response?: { data?: unknown }; cause?: { response?: { headers?: Record<string, unknown> } }; code?: string; message?: string };
    return {
      status: err.status,
      data: err.response?.data,
      headers: { ...(err.cause?.response?.headers ?? {}) },
      code: err.code,
      message: err.message ?? String(e),
    };
  }
  assert.fail('the call should have failed');
}

function adf(text: string): { type: 'doc'; version: 1; content: { type: string; content: { type: string; text: string }[] }[] } {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

/** Raw HTTP to the emulator (for what jira.js cannot send: bad headers, replayed bodies). */
async function raw(jira: JiraEmulator, method: string, path: string, init: { body?: string | FormData; headers?: Record<string, string>; auth?: boolean } = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.auth !== false) headers.authorization = `Basic ${Buffer.from(`${jira.email}:${jira.apiToken}`).toString('base64')}`;
  const res = await fetch(`${jira.url}${path}`, { method, headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

interface Received {
  body: Buffer;
  headers: http.IncomingHttpHeaders;
}

async function startReceiver(status = 200): Promise<{ url: string; received: Received[]; setStatus(s: number): void; close(): Promise<void> }> {
  const received: Received[] = [];
  let answer = status;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks), headers: req.headers });
      res.statusCode = answer;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/webhooks/jira`,
    received,
    setStatus(s) {
      answer = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const MIA = '5b10a2844c20165700ede21g';

async function seeded(options: Parameters<typeof startJiraEmulator>[0] = {}): Promise<JiraEmulator> {
  const jira = await startJiraEmulator(options);
  jira.addProject({ key: 'INC', name: 'Incidents', id: '10100' });
  jira.addUser({ accountId: MIA, email: 'mia@example.com', displayName: 'Mia Krystof' });
  jira.addUser({ accountId: '5b10ac8d82e05b22cc7d4ef5', email: 'emma@example.com', displayName: 'Emma Richards', emailVisible: false });
  return jira;
}

async function createIncident(c: Version3Client, extra: Json = {}): Promise<string> {
  const created = await c.issues.createIssue({
    fields: { project: { key: 'INC' }, issuetype: { name: 'Incident' }, summary: 'DB down', description: adf('DB down'), priority: { id: '2' }, labels: ['ff'], ...extra },
  });
  return created.key;
}

// ------------------------------------------------------------------------------------------------ REST behaviour
describe('Jira emulator (jira.js 5.4 Version3Client over HTTP)', () => {
  let jira: JiraEmulator;
  let c: Version3Client;

  beforeEach(async () => {
    jira = await seeded();
    c = client(jira);
  });
  afterEach(async () => {
    await jira.stop();
  });

  describe('issues', () => {
    it('creates issues with sequential keys and stores every field, custom fields included', async () => {
      const created = await c.issues.createIssue({
        fields: {
          project: { key: 'INC' },
          issuetype: { name: 'Incident' },
          summary: 'DB down',
          description: adf('The primary is gone'),
          priority: { id: '2' },
          labels: ['ff', 'incident-42'],
          reporter: { id: MIA },
          assignee: { id: MIA },
          customfield_11064: { value: '2' },
          customfield_10936: 'High',
        },
      });
      assert.equal(created.key, 'INC-1');
      assert.match(created.self, new RegExp(`^${jira.url}/rest/api/3/issue/${created.id}$`));
      const second = await createIncident(c);
      assert.equal(second, 'INC-2');

      const stored = jira.issue('INC-1');
      assert.ok(stored);
      assert.equal(stored.status, 'Incoming');
      assert.equal(stored.reporter, MIA);
      assert.equal(stored.assignee, MIA);
      assert.equal(stored.creator, jira.botAccountId);
      assert.deepEqual(stored.labels, ['ff', 'incident-42']);
      assert.deepEqual(stored.fields.customfield_11064, { value: '2' });
      assert.equal(stored.fields.customfield_10936, 'High');
      assert.deepEqual(stored.fields.description, adf('The primary is gone'));
      assert.match(stored.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

      const issue = await c.issues.getIssue({ issueIdOrKey: 'INC-1' });
      assert.equal(issue.key, 'INC-1');
      assert.equal(issue.fields.summary, 'DB down');
      assert.equal(issue.fields.status.name, 'Incoming');
      assert.equal(issue.fields.status.statusCategory?.key, 'new');
      assert.equal(issue.fields.priority.name, 'High');
      assert.equal(issue.fields.assignee.accountId, MIA);
      assert.equal(issue.fields.reporter.displayName, 'Mia Krystof');
      assert.deepEqual(issue.fields.labels, ['ff', 'incident-42']);
      assert.deepEqual((issue.fields as unknown as Json).customfield_11064, { value: '2' });
      assert.deepEqual(issue.fields.description, adf('The primary is gone'));
      assert.match(issue.fields.created, /\+0000$/);
    });

    it('answers 400 naming the field, like Jira, for invalid creates', async () => {
      const base = { project: { key: 'INC' }, issuetype: { name: 'Incident' }, summary: 'DB down' };
      const cases: [Json, string, RegExp][] = [
        [{ ...base, project: { key: 'NOPE' } }, 'project', /valid project is required/],
        [{ ...base, issuetype: { name: 'Epic' } }, 'issuetype', /valid issue type/],
        [{ ...base, issuetype: { id: '99999' } }, 'issuetype', /valid issue type/],
        [{ ...base, priority: { id: '42' } }, 'priority', /priority/i],
        [{ ...base, labels: ['has space'] }, 'labels', /contains spaces/],
        [{ ...base, summary: 'x'.repeat(256) }, 'summary', /less than 255/],
        [{ project: { key: 'INC' }, issuetype: { name: 'Incident' } }, 'summary', /summary/],
        [{ ...base, description: { type: 'paragraph', content: [] } }, 'description', /Atlassian Document/],
        [{ ...base, reporter: { id: 'nobody' } }, 'reporter', /reporter/],
        [{ ...base, assignee: { id: 'nobody' } }, 'assignee', /nobody/],
        [{ ...base, status: { name: 'Closed' } }, 'status', /cannot be set/],
      ];
      for (const [fields, field, message] of cases) {
        const f = await failure(c.issues.createIssue({ fields: fields as never }));
        assert.equal(f.status, 400, `${field}: ${JSON.stringify(f.data)}`);
        const data = obj(f.data);
        assert.deepEqual(data.errorMessages, []);
        assert.match(String(obj(data.errors)[field]), message, `${field}: ${JSON.stringify(data)}`);
      }
      assert.deepEqual(
        (await failure(c.issues.createIssue({ fields: { ...base, project: { key: 'NOPE' } } }))).data,
        { errorMessages: [], errors: { project: 'valid project is required' } },
      );
      assert.equal(jira.issues().length, 0, 'nothing is created by a rejected request');
    });

    it('answers 404 with Jira’s body for an unknown issue', async () => {
      const f = await failure(c.issues.getIssue({ issueIdOrKey: 'INC-999' }));
      assert.equal(f.status, 404);
      assert.deepEqual(f.data, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
    });

    it('edits fields (204), keeps custom fields, refuses status', async () => {
      await createIncident(c);
      await c.issues.editIssue({ issueIdOrKey: 'INC-1', fields: { summary: 'DB down (EU)', labels: ['ff', 'eu'], customfield_11064: { value: '1' }, priority: { id: '1' } } });
      const stored = jira.issue('INC-1');
      assert.equal(stored?.fields.summary, 'DB down (EU)');
      assert.deepEqual(stored?.labels, ['ff', 'eu']);
      assert.deepEqual(stored?.fields.customfield_11064, { value: '1' });
      assert.equal(stored?.priorityId, '1');
      await c.issues.editIssue({ issueIdOrKey: 'INC-1', update: { labels: [{ add: 'sev1' }, { remove: 'eu' }] } });
      assert.deepEqual(jira.issue('INC-1')?.labels, ['ff', 'sev1']);
      const f = await failure(c.issues.editIssue({ issueIdOrKey: 'INC-1', fields: { status: { name: 'Closed' } } }));
      assert.equal(f.status, 400);
      assert.match(String(obj(obj(f.data).errors).status), /cannot be set/);
      // jira.js turns a string description into ADF (after a GET) before sending.
      await c.issues.editIssue({ issueIdOrKey: 'INC-1', fields: { description: 'Now fixed' } });
      assert.deepEqual(jira.issue('INC-1')?.fields.description, adf('Now fixed'));
    });

    it('walks the workflow Incoming -> Pending resolution -> in progress -> Reporter validation -> Closed, offering only available transitions', async () => {
      await createIncident(c);
      const path: string[] = [];
      const expectOffered = async (names: string[]): Promise<{ id?: string; name?: string; to?: { name?: string } }[]> => {
        const { transitions = [] } = await c.issues.getTransitions({ issueIdOrKey: 'INC-1' });
        assert.deepEqual(transitions.map((t) => t.to?.name).sort(), [...names].sort());
        return transitions;
      };
      for (const [target, offered] of [
        ['Pending resolution', ['Pending resolution', 'Closed']],
        ['in progress', ['in progress', 'Closed']],
        ['Reporter validation', ['Reporter validation', 'Closed']],
        ['Closed', ['Closed']],
      ] as const) {
        const transitions = await expectOffered([...offered]);
        const t = transitions.find((x) => x.to?.name === target);
        assert.ok(t?.id);
        await c.issues.doTransition({ issueIdOrKey: 'INC-1', transition: { id: t.id } });
        path.push(jira.issue('INC-1')?.status ?? '?');
      }
      assert.deepEqual(path, ['Pending resolution', 'in progress', 'Reporter validation', 'Closed']);
      const closed = await c.issues.getIssue({ issueIdOrKey: 'INC-1' });
      assert.equal(closed.fields.status.statusCategory?.key, 'done');
      assert.equal(closed.fields.resolution?.name, 'Done');

      // Only "Reopen" is offered from Closed; anything else is refused like Jira does.
      await expectOffered(['Incoming']);
      const f = await failure(c.issues.doTransition({ issueIdOrKey: 'INC-1', transition: { id: '31' } }));
      assert.equal(f.status, 400);
      assert.deepEqual(f.data, { errorMessages: ["Transition id '31' is not valid for this issue."], errors: {} });
      assert.equal(jira.issue('INC-1')?.status, 'Closed');
      await c.issues.doTransition({ issueIdOrKey: 'INC-1', transition: { id: '61' } });
      assert.equal(jira.issue('INC-1')?.status, 'Incoming');
      assert.equal(jira.issue('INC-1')?.resolution, undefined);
    });

    it('accepts a custom workflow', async () => {
      jira.setWorkflow({
        statuses: [
          { id: '1', name: 'Open', category: 'new' },
          { id: '2', name: 'Done', category: 'done' },
        ],
        initial: 'Open',
        transitions: [{ id: '7', name: 'Finish', from: ['Open'], to: 'Done' }],
      });
      await createIncident(c);
      const { transitions = [] } = await c.issues.getTransitions({ issueIdOrKey: 'INC-1' });
      assert.deepEqual(transitions.map((t) => [t.id, t.name]), [['7', 'Finish']]);
      await c.issues.doTransition({ issueIdOrKey: 'INC-1', transition: { id: '7' } });
      assert.equal(jira.issue('INC-1')?.status, 'Done');
    });

    it('assigns and unassigns (204); refuses unknown accounts', async () => {
      await createIncident(c);
      await c.issues.assignIssue({ issueIdOrKey: 'INC-1', accountId: MIA });
      assert.equal(jira.issue('INC-1')?.assignee, MIA);
      await c.issues.assignIssue({ issueIdOrKey: 'INC-1', accountId: null });
      assert.equal(jira.issue('INC-1')?.assignee, undefined);
      const f = await failure(c.issues.assignIssue({ issueIdOrKey: 'INC-1', accountId: 'ghost' }));
      assert.equal(f.status, 400);
      assert.ok(obj(obj(f.data).errors).assignee);
    });

    it('adds watchers from a bare JSON string body, lists and removes them', async () => {
      await createIncident(c);
      await c.issueWatchers.addWatcher({ issueIdOrKey: 'INC-1', accountId: MIA });
      await c.issueWatchers.addWatcher({ issueIdOrKey: 'INC-1', accountId: MIA });
      const [post] = jira.requests({ method: 'POST', pathPrefix: '/rest/api/3/issue/INC-1/watchers' });
      assert.equal(post?.body, MIA, 'the body is the bare JSON string');
      const list = await c.issueWatchers.getIssueWatchers({ issueIdOrKey: 'INC-1' });
      // The creator (the bot) watches what it creates, as on Jira Cloud.
      assert.equal(list.watchCount, 2);
      assert.equal(list.isWatching, true);
      assert.deepEqual(list.watchers?.map((w) => w.accountId), [jira.botAccountId, MIA]);
      assert.equal(list.watchers?.[1]?.emailAddress, 'mia@example.com');
      await c.issueWatchers.removeWatcher({ issueIdOrKey: 'INC-1', accountId: MIA });
      assert.deepEqual(jira.issue('INC-1')?.watchers, [jira.botAccountId]);
      const f = await failure(c.issueWatchers.addWatcher({ issueIdOrKey: 'INC-1', accountId: 'ghost' }));
      assert.equal(f.status, 404);
    });

    it('upserts remote links by globalId (201 then 200, still one link)', async () => {
      await createIncident(c);
      const first = await c.issueRemoteLinks.createOrUpdateRemoteIssueLink({ issueIdOrKey: 'INC-1', globalId: 'slack-C111', object: { url: 'https://slack.com/app_redirect?channel=C111', title: 'Slack channel' } });
      const second = await c.issueRemoteLinks.createOrUpdateRemoteIssueLink({ issueIdOrKey: 'INC-1', globalId: 'slack-C111', object: { url: 'https://slack.com/app_redirect?channel=C111', title: 'Slack channel #inc-1' } });
      assert.equal(first.id, second.id);
      assert.deepEqual(jira.requests({ pathPrefix: '/rest/api/3/issue/INC-1/remotelink' }).map((r) => r.status), [201, 200]);
      const links = jira.issue('INC-1')?.remoteLinks ?? [];
      assert.equal(links.length, 1);
      assert.equal(links[0]?.object.title, 'Slack channel #inc-1');
      await c.issueRemoteLinks.createOrUpdateRemoteIssueLink({ issueIdOrKey: 'INC-1', object: { url: 'https://ff.example.com/incident/1', title: 'FireFighter incident #1' } });
      const listed = await c.issueRemoteLinks.getRemoteIssueLinks({ issueIdOrKey: 'INC-1' });
      assert.equal((listed as unknown as unknown[]).length, 2);
      const f = await failure(c.issueRemoteLinks.createOrUpdateRemoteIssueLink({ issueIdOrKey: 'INC-1', object: { url: 'https://x' } as never }));
      assert.equal(f.status, 400);
      assert.deepEqual(obj(f.data).errors, { title: "'title' is required." });
    });

    it('uploads attachments as multipart (part "file") and requires X-Atlassian-Token: no-check', async () => {
      await createIncident(c);
      const uploaded = await c.issueAttachments.addAttachment({ issueIdOrKey: 'INC-1', attachment: { filename: 'log.txt', file: Buffer.from('hello log') } });
      assert.equal(uploaded.length, 1);
      assert.equal(uploaded[0]?.filename, 'log.txt');
      assert.equal(uploaded[0]?.size, 9);
      assert.equal(uploaded[0]?.mimeType, 'text/plain');
      const stored = jira.issue('INC-1')?.attachments[0];
      assert.equal(stored?.content.toString(), 'hello log');

      const form = new FormData();
      form.append('file', new Blob(['x']), 'x.txt');
      const blocked = await raw(jira, 'POST', '/rest/api/3/issue/INC-1/attachments', { body: form });
      assert.equal(blocked.status, 403);
      assert.equal(blocked.text, 'XSRF check failed');
      assert.equal(jira.issue('INC-1')?.attachments.length, 1);
    });

    it('adds and lists comments', async () => {
      await createIncident(c);
      const comment = await c.issueComments.addComment({ issueIdOrKey: 'INC-1', comment: adf('Mitigated by failover') });
      assert.deepEqual(comment.body, adf('Mitigated by failover'));
      assert.equal(comment.author?.accountId, jira.botAccountId);
      const page = await c.issueComments.getComments({ issueIdOrKey: 'INC-1' });
      assert.equal(page.total, 1);
      assert.equal(jira.issue('INC-1')?.comments[0]?.author, jira.botAccountId);
      const f = await failure(raw(jira, 'POST', '/rest/api/3/issue/INC-1/comment', { body: JSON.stringify({ body: 'plain string' }), headers: { 'content-type': 'application/json' } }).then((r) => {
        if (r.status >= 400) throw Object.assign(new Error('http'), { status: r.status, response: { data: JSON.parse(r.text) as unknown } });
      }));
      assert.equal(f.status, 400, 'v3 comment bodies must be ADF');
    });

    it('stores issue properties and finds issues by them', async () => {
      await createIncident(c);
      await createIncident(c);
      await c.issueProperties.setIssueProperty({ issueIdOrKey: 'INC-2', propertyKey: 'incident-app', propertyValue: { incidentId: 'abc123', n: 7 } });
      const prop = await c.issueProperties.getIssueProperty({ issueIdOrKey: 'INC-2', propertyKey: 'incident-app' });
      assert.deepEqual(prop.value, { incidentId: 'abc123', n: 7 });
      const found = await c.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = INC AND issue.property[incident-app].incidentId = "abc123"', fields: ['summary'] });
      assert.deepEqual(found.issues?.map((i) => i.key), ['INC-2']);
      const f = await failure(c.issueProperties.getIssueProperty({ issueIdOrKey: 'INC-1', propertyKey: 'incident-app' }));
      assert.equal(f.status, 404);
    });

    it('links issues and lists link types', async () => {
      await createIncident(c);
      await c.issues.createIssue({ fields: { project: { key: 'INC' }, issuetype: { name: 'Post-mortem' }, summary: 'PM for INC-1' } });
      const { issueLinkTypes = [] } = await c.issueLinkTypes.getIssueLinkTypes();
      assert.ok(issueLinkTypes.some((t) => t.name === 'Relates'));
      await c.issueLinks.linkIssues({ type: { name: 'Relates' }, inwardIssue: { key: 'INC-2' }, outwardIssue: { key: 'INC-1' } });
      assert.deepEqual(jira.issue('INC-1')?.issueLinks.map((l) => [l.type, l.inward, l.outward]), [['Relates', 'INC-2', 'INC-1']]);
      const pm = await c.issues.getIssue({ issueIdOrKey: 'INC-2' });
      assert.equal(pm.fields.issuelinks[0]?.outwardIssue?.key, 'INC-1');
    });
  });

  describe('search', () => {
    beforeEach(async () => {
      await createIncident(c, { labels: ['ff', 'incident-1'] });
      await createIncident(c, { labels: ['ff', 'incident-2'] });
      await createIncident(c, { labels: ['other'] });
    });

    it('enhanced search (GET and POST /search/jql) by label, ids only unless fields are asked', async () => {
      const idsOnly = await c.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = INC AND labels = "incident-2"' });
      assert.equal(idsOnly.issues?.length, 1);
      assert.deepEqual(Object.keys(obj(idsOnly.issues?.[0])), ['id']);
      assert.equal(obj(idsOnly).isLast, true);

      const withFields = await c.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: 'labels in ("incident-1", "incident-2") ORDER BY key DESC', fields: ['summary', 'labels', 'status'] });
      assert.deepEqual(withFields.issues?.map((i) => i.key), ['INC-2', 'INC-1']);
      assert.deepEqual(Object.keys(obj(withFields.issues?.[0]?.fields)).sort(), ['labels', 'status', 'summary']);
    });

    it('pages with nextPageToken', async () => {
      const page1 = await c.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = INC', maxResults: 2, fields: ['summary'] });
      assert.deepEqual(page1.issues?.map((i) => i.key), ['INC-1', 'INC-2']);
      assert.equal(obj(page1).isLast, false);
      assert.ok(page1.nextPageToken);
      const page2 = await c.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = INC', maxResults: 2, fields: ['summary'], nextPageToken: page1.nextPageToken });
      assert.deepEqual(page2.issues?.map((i) => i.key), ['INC-3']);
      assert.equal(obj(page2).isLast, true);
      assert.equal(page2.nextPageToken, undefined);
    });

    it('legacy search (GET and POST /search) answers startAt/maxResults/total', async () => {
      const get = await c.issueSearch.searchForIssuesUsingJql({ jql: 'project = INC AND labels = ff' });
      assert.equal(get.total, 2);
      assert.equal(get.startAt, 0);
      assert.equal(get.maxResults, 50);
      assert.equal(get.issues?.[0]?.fields.summary, 'DB down');
      const post = await c.issueSearch.searchForIssuesUsingJqlPost({ jql: 'key = INC-3', fields: ['labels'] });
      assert.deepEqual(post.issues?.map((i) => [i.key, i.fields.labels]), [['INC-3', ['other']]]);
    });

    it('answers 400 for JQL outside the subset and for unknown projects / keys', async () => {
      for (const jql of ['project = INC OR labels = x', 'summary ~ "DB"', 'project = "NOPE"', 'key = INC-99', 'labels = "unterminated']) {
        const f = await failure(c.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql }));
        assert.equal(f.status, 400, jql);
        const messages = arr(obj(f.data).errorMessages);
        assert.equal(messages.length, 1);
        assert.equal(typeof messages[0], 'string');
      }
      const f = await failure(c.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = INC OR labels = x' }));
      assert.match(String(arr(obj(f.data).errorMessages)[0]), /^Error in the JQL Query: /);
      const unbounded = await failure(c.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: '' }));
      assert.equal(unbounded.status, 400);
    });
  });

  describe('users', () => {
    it('finds users by exact email (even hidden) or display-name prefix; hidden emails are not returned', async () => {
      const byEmail = await c.userSearch.findUsers({ query: 'mia@example.com' });
      assert.deepEqual(byEmail.map((u) => [u.accountId, u.emailAddress]), [[MIA, 'mia@example.com']]);
      const hidden = await c.userSearch.findUsers({ query: 'emma@example.com' });
      assert.equal(hidden.length, 1);
      assert.equal(hidden[0]?.accountId, '5b10ac8d82e05b22cc7d4ef5');
      assert.equal(hidden[0]?.emailAddress, undefined);
      assert.equal((await c.userSearch.findUsers({ query: 'emma@exa' })).length, 0, 'no partial match on a hidden email');
      assert.deepEqual((await c.userSearch.findUsers({ query: 'Krys' })).map((u) => u.accountId), [MIA]);
      const user = await c.users.getUser({ accountId: MIA });
      assert.equal(user.displayName, 'Mia Krystof');
      const me = await c.myself.getCurrentUser();
      assert.equal(me.accountId, jira.botAccountId);
      assert.equal(me.emailAddress, jira.email);
    });
  });

  describe('auth, routing, request log', () => {
    it('answers 401 with Jira’s body to wrong credentials', async () => {
      const f = await failure(client(jira, { apiToken: 'wrong' }).issues.getIssue({ issueIdOrKey: 'INC-1' }));
      assert.equal(f.status, 401);
      assert.deepEqual(f.data, { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} });
      assert.equal((await raw(jira, 'GET', '/rest/api/3/myself', { auth: false })).status, 401);
    });

    it('answers 404 to unknown routes and records requests', async () => {
      assert.equal((await raw(jira, 'GET', '/rest/api/3/nothing-here')).status, 404);
      assert.equal((await raw(jira, 'GET', '/secure/Dashboard.jspa')).status, 404);
      jira.resetRequests();
      await createIncident(c);
      const [req] = jira.requests({ method: 'POST', pathPrefix: '/rest/api/3/issue' });
      assert.equal(req?.status, 201);
      assert.equal(obj(obj(req?.body).fields).summary, 'DB down');
      assert.equal(jira.requests({ method: 'GET' }).length, 0);
    });
  });

  describe('faults', () => {
    it('failNext 500 answers once without changing state, then the retry succeeds', async () => {
      jira.failNext({ method: 'POST', path: '/rest/api/3/issue' }, { status: 500 });
      const f = await failure(createIncident(c));
      assert.equal(f.status, 500);
      assert.deepEqual(obj(f.data).errors, {});
      assert.equal(jira.issues().length, 0);
      assert.equal(await createIncident(c), 'INC-1');
    });

    it('429 carries Retry-After to the client', async () => {
      jira.failNext({ path: /^\/rest\/api\/3\/user\/search$/ }, { status: 429, retryAfterSeconds: 7 }, 2);
      for (let i = 0; i < 2; i++) {
        const f = await failure(c.userSearch.findUsers({ query: 'mia@example.com' }));
        assert.equal(f.status, 429);
        assert.equal(f.headers['retry-after'], '7');
      }
      assert.equal((await c.userSearch.findUsers({ query: 'mia@example.com' })).length, 1);
    });

    it('applyThenDrop acts, then cuts the connection (the client never learns the key)', async () => {
      jira.failNext({ method: 'POST', path: '/rest/api/3/issue' }, { status: 0, applyThenDrop: true });
      const f = await failure(createIncident(c, { labels: ['ff', 'incident-77'] }));
      assert.equal(f.status, undefined);
      assert.ok(f.code === 'ECONNRESET' || /socket hang up/i.test(f.message), f.message);
      assert.equal(jira.issues().length, 1, 'the issue was created anyway');
      assert.equal(jira.requests({ method: 'POST' })[0]?.status, 0);
      const found = await c.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = INC AND labels = "incident-77"', fields: ['summary'] });
      assert.deepEqual(found.issues?.map((i) => i.key), ['INC-1']);
    });

    it('latency and delayMs make client timeouts happen', async () => {
      const impatient = client(jira, { timeout: 100 });
      jira.setLatency(300);
      const f = await failure(impatient.myself.getCurrentUser());
      assert.equal(f.code, 'ECONNABORTED');
      jira.setLatency(0);
      jira.failNext({ path: '/rest/api/3/myself' }, { status: 503, delayMs: 300 });
      assert.equal((await failure(impatient.myself.getCurrentUser())).code, 'ECONNABORTED');
      assert.equal((await impatient.myself.getCurrentUser()).accountId, jira.botAccountId);
    });
  });

  describe('REST v2', () => {
    it('creates with a wiki string description and converts between v2 and v3 on read', async () => {
      const c2 = client2(jira);
      const created = await c2.issues.createIssue({ fields: { project: { key: 'INC' }, issuetype: { name: 'Incident' }, summary: 'DB down', description: 'DB *down*', priority: { id: '2' }, labels: ['ff'] } });
      assert.match(created.self, /\/rest\/api\/2\/issue\//);
      assert.equal((await c2.issues.getIssue({ issueIdOrKey: created.key })).fields.description, 'DB *down*');
      const v3 = await c.issues.getIssue({ issueIdOrKey: created.key });
      assert.deepEqual(v3.fields.description, adf('DB *down*'));
      await createIncident(c);
      assert.equal((await c2.issues.getIssue({ issueIdOrKey: 'INC-2' })).fields.description, 'DB down');
    });
  });
});

// ------------------------------------------------------------------------------------------------ webhooks
describe('Jira emulator webhooks (Jira -> app)', () => {
  let jira: JiraEmulator;
  let c: Version3Client;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const secret = 'test-webhook-secret';

  beforeEach(async () => {
    jira = await seeded();
    c = client(jira);
    receiver = await startReceiver();
    jira.configureWebhook({ url: receiver.url, secret });
  });
  afterEach(async () => {
    await jira.stop();
    await receiver.close();
  });

  const bodies = (): Json[] => receiver.received.map((r) => JSON.parse(r.body.toString('utf8')) as Json);

  it('signs the HMAC test vector of fixtures/jira/webhooks/_signed_delivery.headers.json', () => {
    const vector = fixture('webhooks/_signed_delivery.headers.json');
    const body = readFileSync(new URL('../fixtures/jira/webhooks/jira_issue_updated.status.json', import.meta.url));
    assert.equal(signWebhookBody(body, String(vector.secret)), obj(vector.headers)['x-hub-signature']);
    assert.equal(signWebhookBody(body.toString('utf8'), String(vector.secret)), obj(vector.headers)['x-hub-signature']);
  });

  it('fires jira:issue_updated on a transition, signed over the exact body bytes', async () => {
    await createIncident(c);
    await c.issues.doTransition({ issueIdOrKey: 'INC-1', transition: { id: '21' } });
    await jira.waitForDeliveries();
    assert.equal(receiver.received.length, 2);
    const seenIds = new Set<string>();
    for (const r of receiver.received) {
      const expected = `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`;
      assert.equal(r.headers['x-hub-signature'], expected);
      assert.equal(r.headers['x-atlassian-webhook-flow'], 'Primary');
      assert.match(String(r.headers['content-type']), /^application\/json/);
      const id = String(r.headers['x-atlassian-webhook-identifier']);
      assert.ok(!seenIds.has(id), 'identifier unique per delivery');
      seenIds.add(id);
    }
    const [created, updated] = bodies();
    assert.equal(created?.webhookEvent, 'jira:issue_created');
    assert.equal(updated?.webhookEvent, 'jira:issue_updated');
    assert.equal(updated?.issue_event_type_name, 'issue_generic');
    assert.equal(obj(updated?.user).accountId, jira.botAccountId);
    assert.equal(obj(updated?.issue).key, 'INC-1');
    assert.match(String(obj(updated?.issue).self), /\/rest\/api\/2\/issue\//);
    assert.equal(obj(obj(obj(updated?.issue).fields).status).name, 'Pending resolution');
    assert.deepEqual(arr(obj(updated?.changelog).items), [
      { field: 'status', fieldtype: 'jira', fieldId: 'status', from: '10001', fromString: 'Incoming', to: '10002', toString: 'Pending resolution' },
    ]);
    assert.equal(jira.deliveries().length, 2);
    assert.equal(jira.deliveries()[1]?.status, 200);
    assert.equal(jira.deliveries()[1]?.body, receiver.received[1]?.body.toString('utf8'));
  });

  it('uses the REST v2 representation (wiki description) and honours the event filter', async () => {
    jira.configureWebhook({ url: receiver.url, secret, events: ['jira:issue_updated'] });
    await createIncident(c);
    await c.issues.editIssue({ issueIdOrKey: 'INC-1', fields: { summary: 'DB down (EU)', customfield_11064: { value: '1' } } });
    await c.issues.assignIssue({ issueIdOrKey: 'INC-1', accountId: MIA });
    await jira.waitForDeliveries();
    const [edit, assign] = bodies();
    assert.equal(bodies().length, 2, 'jira:issue_created was not subscribed');
    assert.equal(edit?.issue_event_type_name, 'issue_updated');
    assert.equal(obj(obj(edit?.issue).fields).description, 'DB down');
    assert.deepEqual(arr(obj(edit?.changelog).items), [
      { field: 'summary', fieldtype: 'jira', fieldId: 'summary', from: null, fromString: 'DB down', to: null, toString: 'DB down (EU)' },
      { field: 'customfield_11064', fieldtype: 'custom', fieldId: 'customfield_11064', from: null, fromString: null, to: null, toString: '1' },
    ]);
    assert.equal(assign?.issue_event_type_name, 'issue_assigned');
    assert.deepEqual(obj(arr(obj(assign?.changelog).items)[0]), {
      field: 'assignee', fieldtype: 'jira', fieldId: 'assignee', from: null, fromString: null, to: MIA, toString: 'Mia Krystof', tmpFromAccountId: null, tmpToAccountId: MIA,
    });
  });

  it('updateIssueAsUser / addCommentAsUser act as a person in Jira’s UI', async () => {
    await createIncident(c);
    await jira.waitForDeliveries();
    receiver.received.length = 0;
    await jira.updateIssueAsUser('INC-1', MIA, { priorityId: '1', status: 'Closed' });
    const [edit, transition] = bodies();
    assert.equal(obj(edit?.user).accountId, MIA);
    assert.equal(obj(arr(obj(edit?.changelog).items)[0]).fieldId, 'priority');
    assert.equal(obj(transition?.user).accountId, MIA);
    assert.deepEqual(arr(obj(transition?.changelog).items).map((i) => obj(i).fieldId), ['resolution', 'status']);
    assert.equal(jira.issue('INC-1')?.status, 'Closed');
    await assert.rejects(jira.updateIssueAsUser('INC-1', MIA, { status: 'in progress' }), /no transition from 'Closed'/);

    receiver.received.length = 0;
    await jira.addCommentAsUser('INC-1', MIA, 'Looks fixed to me');
    const events = bodies().map((b) => [b.webhookEvent, b.issue_event_type_name]);
    assert.deepEqual(events, [['comment_created', undefined], ['jira:issue_updated', 'issue_commented']]);
    assert.equal(obj(bodies()[0]?.comment).body, 'Looks fixed to me');
  });

  it('retries failed deliveries with the same identifier, and can redeliver on demand', async () => {
    receiver.setStatus(503);
    jira.configureWebhook({ url: receiver.url, secret, retries: 2, retryDelayMs: 5 });
    await createIncident(c);
    await jira.waitForDeliveries();
    assert.equal(receiver.received.length, 3);
    const ids = new Set(receiver.received.map((r) => r.headers['x-atlassian-webhook-identifier']));
    assert.equal(ids.size, 1);
    assert.deepEqual(receiver.received.map((r) => r.headers['x-atlassian-webhook-retry']), [undefined, '1', '2']);
    receiver.setStatus(200);
    const again = await jira.redeliver(0);
    assert.equal(again.status, 200);
    assert.equal(again.headers['x-atlassian-webhook-retry'], '3');
    assert.equal(receiver.received[3]?.body.toString(), receiver.received[0]?.body.toString());
  });

  it('has the top-level and changelog item keys of real Jira deliveries (fixtures are the oracle)', async () => {
    jira.addUser({ accountId: 'u-3', email: 'x@example.com', displayName: 'X' });
    await createIncident(c);
    await c.issues.doTransition({ issueIdOrKey: 'INC-1', transition: { id: '21' } });
    await c.issueComments.addComment({ issueIdOrKey: 'INC-1', comment: adf('hello') });
    await jira.waitForDeliveries();
    const byEvent = (event: string, type?: string): Json => {
      const found = bodies().find((b) => b.webhookEvent === event && (type === undefined || b.issue_event_type_name === type));
      assert.ok(found, `no ${event} delivery`);
      return found;
    };

    const statusFx = fixture('webhooks/jira_issue_updated.status.json');
    const updated = byEvent('jira:issue_updated', 'issue_generic');
    assertSameKeys(updated, statusFx, 'jira:issue_updated');
    assertSameKeys(updated.changelog, statusFx.changelog, 'changelog');
    assertSameKeys(arr(obj(updated.changelog).items)[0], arr(obj(statusFx.changelog).items)[0], 'changelog item');
    assertSameKeys(updated.issue, statusFx.issue, 'issue');
    // Users lost `name`/`key` with Jira Cloud's GDPR changes; the 2019 capture still has them. accountType is newer.
    assertSameKeys(updated.user, statusFx.user, 'user', { optional: ['name', 'key'], extra: ['accountType'] });
    const fxFields = Object.keys(obj(obj(statusFx.issue).fields)).filter((k) => !k.startsWith('customfield_'));
    const ourFields = Object.keys(obj(obj(updated.issue).fields));
    assert.deepEqual(fxFields.filter((k) => !ourFields.includes(k)), [], 'issue.fields lacks fields of the real delivery');
    assertSameKeys(obj(obj(updated.issue).fields).status, obj(obj(statusFx.issue).fields).status, 'issue.fields.status');

    const createdFx = fixture('webhooks/jira_issue_created.json');
    const created = byEvent('jira:issue_created');
    assertSameKeys(created, createdFx, 'jira:issue_created');
    for (const item of arr(obj(created.changelog).items)) {
      const fieldId = obj(item).fieldId;
      const fxItem = arr(obj(createdFx.changelog).items).find((i) => obj(i).fieldId === fieldId) ?? arr(obj(createdFx.changelog).items)[0];
      assertSameKeys(item, fxItem, `created changelog item ${String(fieldId)}`, { extra: ['tmpFromAccountId', 'tmpToAccountId'] });
    }
    assert.deepEqual(
      arr(obj(created.changelog).items).map((i) => [obj(i).field, obj(i).toString]),
      [['description', 'DB down'], ['labels', 'ff'], ['priority', 'High'], ['reporter', 'Incident Bot'], ['Status', 'Incoming'], ['summary', 'DB down']],
    );

    const commentFx = fixture('webhooks/comment_created.json');
    const comment = byEvent('comment_created');
    assertSameKeys(comment, commentFx, 'comment_created');
    assertSameKeys(comment.comment, commentFx.comment, 'comment');
    assertSameKeys(obj(comment.issue).fields, obj(commentFx.issue).fields, 'comment issue.fields');
  });
});

// ------------------------------------------------------------------------------------------------ REST fixtures as oracle
describe('Jira emulator vs Atlassian’s documented responses (test/fixtures/jira/rest)', () => {
  let jira: JiraEmulator;
  let c: Version3Client;

  beforeEach(async () => {
    jira = await seeded();
    c = client(jira);
  });
  afterEach(async () => {
    await jira.stop();
  });

  /** Raw request whose JSON answer is returned with its status. */
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
    const init: { body?: string; headers: Record<string, string> } = { headers: { 'content-type': 'application/json', ...headers } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const r = await raw(jira, method, path, init);
    return { status: r.status, json: r.text.length > 0 ? (JSON.parse(r.text) as unknown) : undefined };
  }

  function documented(fx: Json, status: number): void {
    assert.ok(Object.keys(obj(fx.responses)).includes(String(status)), `status ${status} is not documented for ${String(fx.method)} ${String(fx.path)}`);
  }

  it('create-issue.json: Atlassian’s own request example is accepted; 201 body has the documented keys', async () => {
    const fx = fixture('rest/create-issue.json');
    jira.addProject({ key: 'EX', id: '10000', issueTypes: [{ id: '10000', name: 'Bug' }] });
    jira.addPriority({ id: '20000', name: 'Major' });
    jira.addUser({ accountId: '5b109f2e9729b51b54dc274d', email: 'x@example.com', displayName: 'X' });
    const request = { ...obj(fx.request_example), transition: { id: '21' } };
    const res = await call('POST', '/rest/api/3/issue', request);
    assert.equal(res.status, 201, JSON.stringify(res.json));
    documented(fx, res.status);
    assertSameKeys(res.json, example(fx, '201'), 'create 201');
    assertSameKeys(obj(res.json).transition, obj(example(fx, '201')).transition, 'create 201 transition');
    const stored = jira.issue(String(obj(res.json).key));
    assert.equal(stored?.status, 'Pending resolution');
    assert.deepEqual(stored?.fields.customfield_30000, ['10000', '10002']);
    // Without `transition` the answer is the three keys only.
    const plain = await call('POST', '/rest/api/3/issue', fx.request_example);
    assertSameKeys(plain.json, example(fx, '201'), 'create 201 (no transition)', { optional: ['transition'] });
    // A 400 has the documented shape.
    const bad = await call('POST', '/rest/api/3/issue', { fields: { project: { key: 'EX' }, issuetype: { id: '10000' } } });
    assert.equal(bad.status, 400);
    assertSameKeys(bad.json, example(fx, '400'), 'create 400');
  });

  it('create-issue.v2-wiki-markup.json: POST /rest/api/2/issue', async () => {
    const fx = fixture('rest/create-issue.v2-wiki-markup.json');
    const res = await call('POST', String(fx.path), fx.request_example);
    assert.equal(res.status, 201);
    documented(fx, res.status);
    assertSameKeys(res.json, example(fx, '201'), 'create v2 201');
    assert.match(String(obj(res.json).self), /\/rest\/api\/2\/issue\/\d+$/);
    assert.equal(jira.issue('INC-1')?.fields.description, 'DB *down*');
  });

  it('get-issue.json: issue, fields and nested item keys', async () => {
    const fx = fixture('rest/get-issue.json');
    const fxIssue = obj(example(fx, '200'));
    const fxFields = obj(fxIssue.fields);
    await createIncident(c);
    await createIncident(c);
    await c.issueAttachments.addAttachment({ issueIdOrKey: 'INC-1', attachment: { filename: 'picture.png', file: Buffer.from([0x89, 0x50, 0x4e, 0x47]) } });
    await call('POST', '/rest/api/3/issue/INC-1/comment', obj(fixture('rest/add-comment.json').request_example));
    await c.issueLinks.linkIssues({ type: { name: 'Relates' }, inwardIssue: { key: 'INC-1' }, outwardIssue: { key: 'INC-2' } });
    const res = await call('GET', '/rest/api/3/issue/INC-1');
    assert.equal(res.status, 200);
    documented(fx, res.status);
    assertSameKeys(res.json, fxIssue, 'issue', { extra: ['expand'] });
    const fields = obj(obj(res.json).fields);
    // The example's "watcher" / "sub-tasks" are spelt "watches" / "subtasks" by Jira (and by jira.js's types).
    for (const k of Object.keys(fxFields).map((k) => ({ watcher: 'watches', 'sub-tasks': 'subtasks' })[k] ?? k)) assert.ok(k in fields, `fields.${k} missing`);
    assertSameKeys(fields.watches, fxFields.watcher, 'fields.watches');
    assertSameKeys(arr(fields.attachment)[0], arr(fxFields.attachment)[0], 'fields.attachment[]');
    assertSameKeys(obj(arr(fields.attachment)[0]).author, obj(arr(fxFields.attachment)[0]).author, 'attachment author', { optional: ['key', 'name'], extra: ['emailAddress', 'timeZone'] });
    // Jira returns fields.comment as a page {comments, …} (the example shows a bare array).
    const page = obj(fields.comment);
    assert.deepEqual(Object.keys(page).sort(), ['comments', 'maxResults', 'self', 'startAt', 'total']);
    assertSameKeys(arr(page.comments)[0], arr(fxFields.comment)[0], 'fields.comment.comments[]', { extra: ['jsdPublic'] });
    assertSameKeys(arr(fields.issuelinks)[0], arr(fxFields.issuelinks)[0], 'fields.issuelinks[]', { extra: ['self'] });
    assertSameKeys(obj(arr(fields.issuelinks)[0]).type, obj(arr(fxFields.issuelinks)[0]).type, 'issuelinks[].type', { extra: ['self'] });
    assertSameKeys(fields.description, fxFields.description, 'fields.description');
    const project = obj(fields.project);
    for (const k of ['avatarUrls', 'id', 'key', 'name', 'self', 'simplified']) assert.ok(k in project, `project.${k} missing`);
  });

  it('get-transitions.json: transition keys', async () => {
    const fx = fixture('rest/get-transitions.json');
    await createIncident(c);
    const res = await call('GET', '/rest/api/3/issue/INC-1/transitions?expand=transitions.fields');
    assert.equal(res.status, 200);
    documented(fx, res.status);
    const fxBody = obj(example(fx, '200'));
    assertSameKeys(res.json, fxBody, 'transitions', { extra: ['expand'] });
    const ours = obj(arr(obj(res.json).transitions)[0]);
    const theirs = obj(arr(fxBody.transitions)[0]);
    // Jira sends `isLooped` (the schema calls it `looped`).
    assertSameKeys(ours, theirs, 'transition', { extra: ['isLooped', 'looped'] });
    assertSameKeys(ours.to, theirs.to, 'transition.to');
    assertSameKeys(obj(ours.to).statusCategory, obj(theirs.to).statusCategory, 'transition.to.statusCategory');
    const plain = await call('GET', '/rest/api/3/issue/INC-1/transitions');
    assert.ok(!('fields' in obj(arr(obj(plain.json).transitions)[0])), 'fields only with expand=transitions.fields');
  });

  it('do-transition.json: the example (with an accountId instead of Server’s user name) answers 204', async () => {
    const fx = fixture('rest/do-transition.json');
    jira.setWorkflow({
      statuses: [
        { id: '1', name: 'Open', category: 'new' },
        { id: '10000', name: 'In Progress', category: 'indeterminate' },
        { id: '5', name: 'Resolved', category: 'done' },
      ],
      initial: 'Open',
      transitions: [{ id: '5', name: 'Resolve Issue', from: [], to: 'Resolved' }],
    });
    await createIncident(c);
    const request = obj(fx.request_example);
    // Verbatim, Jira Cloud refuses `{name}` user references (GDPR strict mode).
    const verbatim = await call('POST', '/rest/api/3/issue/INC-1/transitions', request);
    assert.equal(verbatim.status, 400);
    assert.match(String(obj(obj(verbatim.json).errors).assignee), /name/);
    const res = await call('POST', '/rest/api/3/issue/INC-1/transitions', { ...request, fields: { ...obj(request.fields), assignee: { accountId: MIA } } });
    assert.equal(res.status, 204, JSON.stringify(res.json));
    documented(fx, res.status);
    const stored = jira.issue('INC-1');
    assert.equal(stored?.status, 'Resolved');
    assert.equal(stored?.resolution, 'Fixed');
    assert.equal(stored?.assignee, MIA);
    assert.deepEqual(stored?.comments[0]?.body, adf('Bug has been fixed'));
  });

  it('edit-issue.json: the example answers 204 and is applied', async () => {
    const fx = fixture('rest/edit-issue.json');
    await createIncident(c, { labels: ['blocker', 'ff'] });
    const res = await call('PUT', '/rest/api/3/issue/INC-1', fx.request_example);
    assert.equal(res.status, 204, JSON.stringify(res.json));
    documented(fx, res.status);
    const stored = jira.issue('INC-1');
    assert.equal(stored?.fields.summary, 'Bug in business logic');
    assert.deepEqual(stored?.labels, ['ff', 'triaged']);
    assert.equal(stored?.fields.customfield_10010, 1);
    assert.deepEqual(stored?.properties, { key1: 'Order number 10784', key2: 'Order number 10923' });
  });

  it('assign-issue.json and add-watcher.json: 204', async () => {
    await createIncident(c);
    const assignFx = fixture('rest/assign-issue.json');
    const assign = await call('PUT', '/rest/api/3/issue/INC-1/assignee', assignFx.request_example);
    assert.equal(assign.status, 204);
    documented(assignFx, assign.status);
    assert.equal(jira.issue('INC-1')?.assignee, '5b10ac8d82e05b22cc7d4ef5');
    const watchFx = fixture('rest/add-watcher.json');
    const watch = await call('POST', '/rest/api/3/issue/INC-1/watchers', MIA);
    assert.equal(watch.status, 204);
    documented(watchFx, watch.status);
  });

  it('add-comment.json: 201 comment keys', async () => {
    const fx = fixture('rest/add-comment.json');
    await createIncident(c);
    const res = await call('POST', '/rest/api/3/issue/INC-1/comment', fx.request_example);
    assert.equal(res.status, 201);
    documented(fx, res.status);
    assertSameKeys(res.json, example(fx, '201'), 'comment', { extra: ['jsdPublic'] });
    assertSameKeys(obj(res.json).author, obj(example(fx, '201')).author, 'comment.author', { extra: ['emailAddress', 'avatarUrls', 'timeZone', 'accountType'] });
    assert.deepEqual(obj(res.json).visibility, obj(fx.request_example).visibility);
  });

  it('create-remote-link.json: 201 then 200 with the documented keys', async () => {
    const fx = fixture('rest/create-remote-link.json');
    await createIncident(c);
    const first = await call('POST', '/rest/api/3/issue/INC-1/remotelink', fx.request_example);
    const second = await call('POST', '/rest/api/3/issue/INC-1/remotelink', fx.request_example);
    assert.deepEqual([first.status, second.status], [201, 200]);
    documented(fx, first.status);
    documented(fx, second.status);
    assertSameKeys(first.json, example(fx, '201'), 'remote link 201');
    assertSameKeys(second.json, example(fx, '200'), 'remote link 200');
    assert.equal(typeof obj(first.json).id, typeof obj(example(fx, '201')).id);
    const bad = await call('POST', '/rest/api/3/issue/INC-1/remotelink', { object: { url: 'https://x' } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json, example(fx, '400'));
  });

  it('add-attachment.json: attachment keys (image -> thumbnail)', async () => {
    const fx = fixture('rest/add-attachment.json');
    await createIncident(c);
    const uploaded = await c.issueAttachments.addAttachment({ issueIdOrKey: 'INC-1', attachment: { filename: 'picture.jpg', file: Buffer.from([0xff, 0xd8, 0xff]) } });
    const fxItems = arr(example(fx, '200'));
    assertSameKeys(uploaded[0], fxItems[0], 'attachment');
    assertSameKeys(obj(uploaded[0]).author, obj(fxItems[0]).author, 'attachment.author', { extra: ['accountType'] });
    assert.equal(uploaded[0]?.mimeType, 'image/jpeg');
    documented(fx, 200);
  });

  it('myself.json and user-search.json: user keys', async () => {
    const me = await call('GET', '/rest/api/3/myself');
    assertSameKeys(me.json, example(fixture('rest/myself.json'), '200'), 'myself', { extra: ['locale', 'expand'] });
    const found = await call('GET', '/rest/api/3/user/search?query=mia%40example.com');
    const fxUsers = arr(example(fixture('rest/user-search.json'), '200'));
    assertSameKeys(arr(found.json)[0], fxUsers[0], 'user search', { extra: ['emailAddress', 'timeZone', 'locale'] });
  });

  it('_observed_requests: the exact requests jira.js 5.4 / 6.2 send are accepted with 2xx', async () => {
    const observed = JSON.parse(readFileSync(new URL('../fixtures/jira/rest/_observed_requests.jira.js-5.4-and-6.2.json', import.meta.url), 'utf8')) as { client: string; method: string; url: string; headers: Record<string, string>; body: string }[];
    const clients = [...new Set(observed.map((o) => o.client))];
    assert.deepEqual(clients, ['v5-Version3Client', 'v5-Version2Client', 'v6-createCloudClient']);
    for (const name of clients) {
      // A fresh Jira per client, with the probe's credentials (bot@example.com / tok).
      const emu = await startJiraEmulator({ email: 'bot@example.com', apiToken: 'tok' });
      emu.addProject({ key: 'INC' });
      emu.addUser({ accountId: MIA, email: 'mia@example.com', displayName: 'Mia Krystof' });
      try {
        for (const o of observed.filter((x) => x.client === name)) {
          const headers: Record<string, string> = { authorization: o.headers.authorization ?? '', accept: o.headers.accept ?? '' };
          if (o.headers['x-atlassian-token']) headers['x-atlassian-token'] = o.headers['x-atlassian-token'];
          let body: string | FormData | undefined;
          if (o.body.startsWith('<multipart')) {
            const form = new FormData();
            form.append('file', new Blob(['hello']), 'log.txt');
            body = form;
          } else if (o.body.length > 0) {
            body = o.body;
            headers['content-type'] = o.headers['content-type'] ?? 'application/json';
          }
          const res = await fetch(`${emu.url}${o.url}`, { method: o.method, headers, ...(body !== undefined ? { body } : {}) });
          const text = await res.text();
          assert.ok(res.status >= 200 && res.status < 300, `${name} ${o.method} ${o.url} -> ${res.status} ${text}`);
        }
        const inc1 = emu.issue('INC-1');
        assert.equal(inc1?.status, 'Pending resolution');
        assert.equal(inc1?.assignee, MIA);
        assert.ok(inc1?.watchers.includes(MIA));
        assert.equal(inc1?.remoteLinks[0]?.globalId, 'slack-C111');
        assert.equal(inc1?.attachments[0]?.filename, 'log.txt');
      } finally {
        await emu.stop();
      }
    }
  });
});
