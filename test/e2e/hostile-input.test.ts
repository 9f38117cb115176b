import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import mongoose from 'mongoose';
import { JiraDelivery } from '../../src/models/jira-delivery.js';
import { createApiToken } from '../../src/services/tokens/api-tokens.js';
import { registerSecret } from '../support/log-audit.js';
import { startHarness, type Harness } from '../support/app-harness.js';
import { spawnApp, type AppProcess } from '../support/app-process.js';
import { DELETE, generateCases, seededRng, unicodeEdgeCases, unknownRouteCases, type HostileCase, type Rng, type RouteUnderTest } from '../support/hostile-bodies.js';

/**
 * Hostile input against the real app: over a thousand generated requests on every sidecar route, then raw protocol
 * abuse. Every answer is a 4xx with a JSON error, except where the contract answers 200: health routes (they read
 * nothing from the request) and a well-formed, correctly signed Jira delivery about a ticket we do not know, which
 * is recorded as ignored and answered `{ignored: true}` (or `{duplicate: true}` when the same bytes came before).
 * Afterwards the process still serves, Object.prototype is untouched and the database holds exactly what it held,
 * plus those ignored deliveries. HOSTILE_SEED=<n> replays a run.
 */
const SEED = Number(process.env.HOSTILE_SEED ?? 61_061);
const CONCURRENCY = 8;

const int = (rng: Rng, max: number) => Math.floor(rng() * max);

const issueUpdated = (rng: Rng) => ({
  webhookEvent: 'jira:issue_updated',
  timestamp: 1_700_000_000_000 + int(rng, 1e9),
  issue_event_type_name: 'issue_generic',
  user: { accountId: `acc-${int(rng, 1000)}`, displayName: 'Dana Smith' },
  issue: { id: String(10_000 + int(rng, 1000)), key: `HOSTILE-${1 + int(rng, 10_000)}`, fields: { summary: 'Checkout is down' } },
  changelog: { id: String(int(rng, 1e6)), items: [{ field: 'summary', fieldtype: 'jira', from: null, to: null, fromString: 'before', toString: 'after' }] },
});

const commentCreated = (rng: Rng) => ({
  webhookEvent: 'comment_created',
  timestamp: 1_700_000_000_000 + int(rng, 1e9),
  issue: { id: String(10_000 + int(rng, 1000)), key: `HOSTILE-${1 + int(rng, 10_000)}`, fields: { summary: 'Checkout is down' } },
  comment: { id: String(int(rng, 1e6)), body: 'Looking into it', author: { accountId: `acc-${int(rng, 1000)}`, displayName: 'Dana Smith' } },
});

const ISSUE_KEY_REFUSED = { path: ['issue', 'key'], values: [DELETE, null, 12, '', 'hostile-1', 'HOSTILE-', 'HOSTILE-1 ', ' HOSTILE-1', 'A-1', 'HOSTILE-1\n', 'HOSTILE-x', ['HOSTILE-1']] };
const JIRA_COMMON_REFUSED = [
  { path: ['webhookEvent'], values: [DELETE, null, 1, '', [], {}] },
  { path: ['issue'], values: [DELETE, null, 'HOSTILE-1', [], 5] },
  ISSUE_KEY_REFUSED,
  { path: ['user'], values: [5, 'dana', []] },
  { path: ['timestamp'], values: ['yesterday', {}] },
];

/**
 * The sidecar's routes: the one place a route is added. `pending` routes belong to another part of the app and are
 * skipped (with a message) while they answer 404.
 */
const ROUTES: RouteUnderTest[] = [
  {
    name: 'POST /webhooks/jira',
    method: 'POST',
    path: '/webhooks/jira',
    auth: { kind: 'hub-signature', secret: '' },
    validBody: issueUpdated,
    invalidFields: [...JIRA_COMMON_REFUSED, { path: ['changelog', 'items'], values: ['x', {}, [1], [{}], null] }, { path: ['changelog'], values: [5, 'x', []] }, { path: ['comment'], values: [5, 'x'] }],
    freeTextFields: [['webhookEvent'], ['issue', 'fields', 'summary'], ['user', 'displayName']],
    strictTextField: 'key',
    sendWellFormed: true,
    cases: 320,
  },
  {
    name: 'POST jira_update',
    method: 'POST',
    path: '/api/v2/firefighter/raid/jira_update',
    auth: { kind: 'hub-signature', secret: '' },
    validBody: issueUpdated,
    invalidFields: [...JIRA_COMMON_REFUSED, { path: ['webhookEvent'], values: ['comment_created', 'jira:issue_created'] }, { path: ['user'], values: [DELETE] }, { path: ['changelog'], values: [DELETE, 5] }],
    freeTextFields: [['issue', 'fields', 'summary'], ['user', 'displayName']],
    strictTextField: 'key',
    sendWellFormed: true,
    cases: 320,
  },
  {
    name: 'POST jira_comment',
    method: 'POST',
    path: '/api/v2/firefighter/raid/jira_comment',
    auth: { kind: 'hub-signature', secret: '' },
    validBody: commentCreated,
    invalidFields: [
      { path: ['webhookEvent'], values: [DELETE, 'jira:issue_updated', 'comment', 1] },
      { path: ['issue'], values: [DELETE, null, []] },
      ISSUE_KEY_REFUSED,
      { path: ['comment'], values: [DELETE, 5, null] },
      { path: ['comment', 'author'], values: [DELETE, 'dana'] },
      { path: ['comment', 'author', 'displayName'], values: [DELETE, 5, null] },
      { path: ['comment', 'body'], values: [DELETE, 5, null, {}] },
    ],
    freeTextFields: [['comment', 'body'], ['comment', 'author', 'displayName'], ['issue', 'fields', 'summary']],
    strictTextField: 'key',
    sendWellFormed: true,
    cases: 320,
  },
  ...['/api/raid/tickets', '/api/v2/firefighter/raid/jira_bot'].map(
    (path): RouteUnderTest => ({
      name: `POST ${path}`,
      method: 'POST',
      path,
      // The token is made in the token store before the run.
      auth: { kind: 'bearer', token: '' },
      // FireFighter's minimal Landbot body. Nothing well-formed is sent: it would create a Jira ticket.
      validBody: (rng) => ({
        summary: `Orders stuck ${int(rng, 100)}`,
        description: 'Orders stay in preparation',
        seller_contract_id: '',
        zoho: '',
        platform: 'FR',
        reporter_email: 'reporter@example.com',
        incident_category: '',
        suggested_team_routing: 'x',
        priority: 4,
        business_impact: 'Low',
        issue_type: 'Incident',
      }),
      invalidFields: [
        { path: ['summary'], values: [DELETE, 123, null, [], {}] },
        { path: ['priority'], values: ['urgent', {}, [], true] },
      ],
      sendWellFormed: false,
      cases: 150,
      pending: 'the Landbot ticket API',
    }),
  ),
  { name: 'GET /healthz', method: 'GET', path: '/healthz', auth: { kind: 'none' }, sendWellFormed: false, cases: 25 },
  { name: 'GET /readyz', method: 'GET', path: '/readyz', auth: { kind: 'none' }, sendWellFormed: false, cases: 25 },
];
const UNKNOWN_ROUTE_CASES = 80;

interface Answer {
  status: number | null;
  contentType: string;
  body: string;
  error?: string;
}

/** One request over the shared keep-alive agent; a transport failure is an answer too (it fails the check). */
function send(agent: http.Agent, port: number, c: HostileCase): Promise<Answer> {
  return new Promise((resolve) => {
    const headers: http.OutgoingHttpHeaders = { ...c.headers };
    if (c.body) headers['content-length'] = c.body.length;
    const req = http.request({ host: '127.0.0.1', port, method: c.method, path: c.path, headers, agent, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? null, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error) => resolve({ status: res.statusCode ?? null, contentType: '', body: '', error: error.message }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', (error) => resolve({ status: null, contentType: '', body: '', error: error.message }));
    req.end(c.body);
  });
}

async function sendAll(port: number, cases: HostileCase[]): Promise<Answer[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const answers: Answer[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      answers[i] = await send(agent, port, cases[i]!);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  return answers;
}

const jsonObject = (text: string): Record<string, unknown> | null => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

/** What is wrong with an answer, or null when it is what the contract says. */
function problemWith(c: HostileCase, a: Answer): string | null {
  if (a.status === null) return `no answer (${a.error})`;
  if (!a.contentType.startsWith('application/json')) return `${a.status} with content-type ${JSON.stringify(a.contentType)}`;
  if (c.method === 'HEAD') return a.status === 404 ? null : `HEAD answered ${a.status}`;
  const body = jsonObject(a.body);
  if (!body) return `${a.status} with a body that is not a JSON object: ${a.body.slice(0, 120)}`;
  switch (c.expect) {
    case 'health':
      return a.status === 200 && body.ok === true ? null : `health answered ${a.status} ${a.body.slice(0, 120)}`;
    case 'well_formed':
      return a.status === 200 && (body.ignored === true || body.duplicate === true) ? null : `well-formed delivery answered ${a.status} ${a.body.slice(0, 160)}`;
    case 'refused':
      if (a.status < 400 || a.status >= 500) return `answered ${a.status} ${a.body.slice(0, 160)}`;
      return errorCodeOf(body) ? null : `${a.status} without an error code: ${a.body.slice(0, 120)}`;
  }
}

/** Every collection: its count, and a hash of its documents except Agenda's, whose jobs move with the clock. */
/** The error code of a refusal: ours (`error`), or FireFighter's on the ticket API (`errors[].code`). */
function errorCodeOf(body: Record<string, unknown>): string | null {
  if (typeof body.error === 'string' && body.error.length > 0) return body.error;
  const first = Array.isArray(body.errors) ? (body.errors[0] as { code?: unknown } | undefined) : undefined;
  return typeof first?.code === 'string' && first.code.length > 0 ? first.code : null;
}

async function snapshotDatabase(): Promise<Map<string, { count: number; hash: string | null }>> {
  const db = mongoose.connection.db!;
  const snapshot = new Map<string, { count: number; hash: string | null }>();
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    const collection = db.collection(name);
    // Job state, and a token's last use (written at most once a minute), may change with any request: counted only.
    if (name.startsWith('agenda') || name === 'api_tokens') {
      snapshot.set(name, { count: await collection.countDocuments(), hash: null });
      continue;
    }
    const docs = await collection.find({}).sort({ _id: 1 }).toArray();
    snapshot.set(name, { count: docs.length, hash: createHash('sha256').update(JSON.stringify(docs)).digest('hex') });
  }
  return snapshot;
}

const isPolluted = () => {
  const probe = {} as Record<string, unknown>;
  return ['polluted', 'isAdmin'].filter((key) => key in probe || Object.prototype.hasOwnProperty.call(Object.prototype, key));
};

describe('hostile input (end to end)', function () {
  this.timeout(120_000);
  let h: Harness;
  let port: number;
  let routes: RouteUnderTest[];
  let before_: Map<string, { count: number; hash: string | null }>;
  let ignoredAnswers = 0;

  before(async () => {
    h = await startHarness('hostile-input');
    port = h.app!.httpPort;
    const secret = h.env.JIRA_WEBHOOK_SECRET!;
    const { token } = await createApiToken('hostile-input');
    registerSecret('ticket API token of the hostile-input suite', token);
    routes = ROUTES.map((r) =>
      r.auth.kind === 'hub-signature' ? { ...r, auth: { kind: 'hub-signature', secret } } : r.auth.kind === 'bearer' ? { ...r, auth: { kind: 'bearer', token } } : r,
    );
    // Let the app's start-up writes (recurring jobs, indexes) settle before taking the "before" picture.
    await new Promise((r) => setTimeout(r, 300));
    before_ = await snapshotDatabase();
  });
  after(() => h.stop());

  it(`answers every generated request with a 4xx JSON error, or 200 where the contract says (seed ${SEED})`, async function () {
    const rng = seededRng(SEED);
    const cases: HostileCase[] = [];
    for (const route of routes) {
      if (route.pending) {
        const probe = await sendAll(port, [{ label: 'probe', method: route.method, path: route.path, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}'), expect: 'refused' }]);
        if (probe[0]!.status === 404) {
          console.log(`      skipped ${route.name}: ${route.pending} does not answer yet (404)`);
          continue;
        }
      }
      cases.push(...generateCases(route, rng, route.cases), ...unicodeEdgeCases(route, rng));
    }
    cases.push(...unknownRouteCases(rng, routes.map((r) => ({ method: r.method, path: r.path })), UNKNOWN_ROUTE_CASES));
    assert.ok(cases.length >= 1000, `only ${cases.length} cases`);
    assert.ok(cases.filter((c) => c.expect === 'well_formed').length >= 50, 'too few well-formed deliveries to reach the schema and the record');

    const started = Date.now();
    const answers = await sendAll(port, cases);
    const problems = cases.flatMap((c, i) => {
      const problem = problemWith(c, answers[i]!);
      return problem ? [`${c.label}\n        -> ${problem}`] : [];
    });
    ignoredAnswers = answers.filter((a, i) => cases[i]!.expect === 'well_formed' && jsonObject(a.body)?.ignored === true).length;
    assert.deepEqual(problems.slice(0, 15), [], `seed ${SEED}: ${problems.length} of ${cases.length} answers break the contract (HOSTILE_SEED=${SEED} replays them)`);
    const statuses = answers.reduce<Record<string, number>>((acc, a) => ({ ...acc, [String(a.status)]: (acc[String(a.status)] ?? 0) + 1 }), {});
    console.log(`      ${cases.length} requests in ${Date.now() - started} ms: ${JSON.stringify(statuses)}`);
    for (const code of ['400', '401', '404', '413', '415']) assert.ok(statuses[code], `no ${code} among the answers: the generator no longer reaches that check`);
  });

  it('breaks no HTTP parsing rule without a JSON 4xx: bad request lines, oversized headers, smuggling, broken chunks', async () => {
    const raw = [
      'BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n',
      'GET\r\n\r\n',
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      'POST /webhooks/jira HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST /webhooks/jira HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      'POST /webhooks/jira HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'POST /webhooks/jira HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\n',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n\r\n',
    ];
    for (const request of raw) {
      const response = await rawExchange(port, request);
      const label = JSON.stringify(request.slice(0, 60));
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
      assert.ok(status >= 400 && status < 500, `${label} answered ${JSON.stringify(response.slice(0, 80))}`);
      const [head, body = ''] = response.split('\r\n\r\n');
      assert.match(head!, /content-type: application\/json/i, `${label}: ${head}`);
      assert.equal(typeof jsonObject(body)?.error, 'string', `${label}: ${body}`);
    }
  });

  it('acks every malformed Slack envelope (a clear error where the user waits for one) and keeps its connection', async () => {
    const results = await Promise.all(malformedEnvelopes(h).map(async (c) => ({ c, result: await h.slack.sendRawFrame(c.frame, { label: c.label, ...(c.envelopeId ? { envelopeId: c.envelopeId } : {}) }) })));
    const problems = results.flatMap(({ c, result }) => {
      if (!c.envelopeId) return [];
      if (!result.acked) return [`${c.label}: not acked within 3 s`];
      if (c.answer === 'message' && typeof result.ackPayload?.text !== 'string') return [`${c.label}: acked without a message: ${JSON.stringify(result.ackPayload)}`];
      if (c.answer === 'form_error' && !['errors', 'update'].includes(String(result.ackPayload?.response_action))) return [`${c.label}: acked without an error in the form: ${JSON.stringify(result.ackPayload)}`];
      return [];
    });
    assert.deepEqual(problems, []);
    assert.ok(h.slack.connectionCount() >= 1, 'the app dropped its Socket Mode connection');
    // And it still serves people: /incident opens the declare form.
    const opened = h.slack.calls('views.open').length;
    await h.slack.sendSlashCommand({ command: '/incident', userId: h.users.alice.id });
    await h.slack.waitUntil(() => h.slack.calls('views.open').length > opened, 3000, 'the declare form to open');
  });

  it('stays up, leaves Object.prototype alone and changes nothing in the database but the ignored deliveries', async () => {
    assert.deepEqual(isPolluted(), []);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    assert.deepEqual(await ready.json(), { ok: true, checks: { database: true, slack: true } });

    const after_ = await snapshotDatabase();
    const deliveries = JiraDelivery.collection;
    const changed = [...new Set([...before_.keys(), ...after_.keys()])].filter((name) => {
      if (name === deliveries.collectionName) return false;
      const [b, a] = [before_.get(name), after_.get(name)];
      return b?.count !== a?.count || b?.hash !== a?.hash;
    });
    assert.deepEqual(changed, [], 'collections changed by hostile input');
    // The contract records a well-formed delivery about an unknown ticket as ignored, and nothing else.
    assert.ok(ignoredAnswers > 0);
    assert.equal(await deliveries.countDocuments({}), (before_.get(deliveries.collectionName)?.count ?? 0) + ignoredAnswers);
    assert.equal(await deliveries.countDocuments({ state: { $ne: 'ignored' } }), 0);
  });
});

describe('hostile input to the app process', function () {
  this.timeout(90_000);
  let h: Harness;
  let app: AppProcess | undefined;
  before(async () => {
    h = await startHarness('hostile-process', { start: false });
    app = spawnApp(h.env);
    await app.waitForLog(/connected to Slack over Socket Mode/, 45_000);
    await h.slack.waitForConnection(5000);
  });
  after(async () => {
    await app?.kill('SIGTERM');
    await h.stop();
  });

  it('survives frames the Socket Mode client throws on, and keeps answering', async () => {
    for (const frame of ['null', '{"type":"events_api"}', '{"type":"events_api","envelope_id":"e1","payload":{"type":"event_callback"}}']) {
      await h.slack.sendRawFrame(frame, { label: frame });
    }
    await app!.waitForLog(/unhandled rejection/, 10_000);
    assert.equal(app!.child.exitCode, null, 'the app process exited');
    const help = await h.slack.sendSlashCommand({ command: '/incident', text: 'help', userId: h.users.alice.id });
    assert.match(String(help.ackPayload?.text), /incident/);
  });
});

interface MalformedEnvelope {
  label: string;
  frame: string;
  /** Set when the frame is an envelope the app must ack. */
  envelopeId?: string;
  /** What the person who sent it must see: nothing in particular, a message, or an error in the form. */
  answer: 'ack' | 'message' | 'form_error';
}

/** Envelopes Slack would never send as they are: broken frames, missing fields, ids the app does not know, odd metadata. */
function malformedEnvelopes(h: Harness): MalformedEnvelope[] {
  const team = { id: h.slack.teamId, domain: 'emulated' };
  const user = { id: h.users.alice.id, username: 'alice', name: 'alice', team_id: h.slack.teamId };
  const huge = 'x'.repeat(200_000);
  let n = 0;
  const envelope = (type: string, payload: unknown, label: string, answer: MalformedEnvelope['answer'] = 'ack'): MalformedEnvelope => {
    const envelopeId = `hostile-${(n += 1)}`;
    return { label: `${type}: ${label}`, envelopeId, answer, frame: JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api' }) };
  };
  const view = (callbackId: string, privateMetadata: string, values: unknown = {}) => ({
    id: `VHOSTILE${n}`,
    type: 'modal',
    callback_id: callbackId,
    private_metadata: privateMetadata,
    blocks: [{ type: 'input', block_id: 'message', label: { type: 'plain_text', text: 'Message' }, element: { type: 'plain_text_input', action_id: 'message' } }],
    state: { values },
    hash: 'h',
    team_id: h.slack.teamId,
    app_id: h.slack.appId,
  });
  const submission = (callbackId: string, privateMetadata: string, values?: unknown) => ({ type: 'view_submission', team, user, api_app_id: h.slack.appId, trigger_id: 't', view: view(callbackId, privateMetadata, values) });
  const action = (actionId: string, value: string, container: Record<string, unknown> = { type: 'message', channel_id: h.channels.general, message_ts: '1.1' }) => ({
    type: 'block_actions',
    team,
    user,
    api_app_id: h.slack.appId,
    trigger_id: 't',
    container,
    channel: { id: h.channels.general, name: 'general' },
    actions: [{ action_id: actionId, block_id: 'b', type: 'button', value, action_ts: '1.1' }],
  });
  const command = (text: string, extra: Record<string, unknown> = {}) => ({ team_id: h.slack.teamId, channel_id: h.channels.general, user_id: h.users.alice.id, command: '/incident', text, trigger_id: 't', api_app_id: h.slack.appId, ...extra });
  const incidentId = '0123456789abcdef01234567';
  return [
    ...['not json', '', '[]', 'null', '42', '"text"', '{}', '{"type":"hello_again"}', '{"type":"events_api"}', '{"type":"events_api","payload":null}', '{"type":"interactive"}'].map((frame) => ({ label: `frame ${frame || '(empty)'}`, frame, answer: 'ack' as const })),
    envelope('surprise', {}, 'unknown envelope type'),
    envelope('interactive', {}, 'empty payload'),
    envelope('interactive', 'text', 'payload is a string'),
    envelope('interactive', [], 'payload is an array'),
    envelope('interactive', { type: 'block_actions' }, 'block_actions without team, user or actions'),
    envelope('interactive', action('no_such_action', 'x'), 'unknown action id'),
    envelope('interactive', action('reminder_snooze_30', huge), 'snooze with a huge value'),
    envelope('interactive', action('reminder_update_now', '{"__proto__":{"polluted":"yes"}}'), 'reminder button with a prototype key'),
    envelope('interactive', action('key_events_close', 'not-an-incident'), 'key events button with a bad value'),
    envelope('interactive', action('impact_level', 'x', { type: 'view', view_id: 'VNEVER' }), 'impact level of a form never opened'),
    envelope('interactive', submission('no_such_form', ''), 'view_submission of an unknown form', 'form_error'),
    envelope('interactive', submission('declare_incident', 'not json', 'values are text'), 'declare form with values that are text', 'form_error'),
    envelope('interactive', submission('declare_incident', '{}', { title: { title: { type: 'plain_text_input', value: huge } } }), 'declare form never opened, huge title', 'form_error'),
    envelope('interactive', submission('incident_update', 'not json', { message: { message: { type: 'plain_text_input', value: 'hi' } } }), 'update form, metadata not JSON', 'form_error'),
    envelope('interactive', submission('incident_update', JSON.stringify({ incidentId }), { message: { message: { type: 'plain_text_input', value: 'hi' } } }), 'update form about an unknown incident', 'form_error'),
    envelope('interactive', submission('incident_update', `{"__proto__":{"incidentId":"${incidentId}"}}`), 'update form, incident id under __proto__', 'form_error'),
    envelope('interactive', submission('incident_close', huge), 'close form, huge metadata', 'form_error'),
    envelope('interactive', submission('incident_select', '[]'), 'incident picker, metadata an array', 'form_error'),
    envelope('interactive', submission('incident_timeline', '{"incidentId":{"$gt":""}}'), 'timeline form, operator as incident id', 'form_error'),
    envelope('interactive', submission('timeline_message_pick_incident', 'null'), 'timeline picker, metadata null', 'form_error'),
    envelope('interactive', { type: 'view_closed', team, user, view: view('no_such_form', '') }, 'view_closed of an unknown form'),
    envelope('interactive', { type: 'shortcut', team, user, callback_id: 'no_such_shortcut', trigger_id: 't' }, 'unknown shortcut'),
    envelope('interactive', { type: 'message_action', team, user, callback_id: 'declare_incident_from_message', trigger_id: 't', channel: { id: h.channels.general } }, 'message shortcut without a message'),
    envelope('interactive', { type: 'block_suggestion', team, user, action_id: 'nope', block_id: 'b', value: 'x' }, 'options request for an unknown menu'),
    envelope('slash_commands', command('', { command: '/no_such_command' }), 'unknown command', 'message'),
    envelope('slash_commands', command(huge), '/incident with a huge text', 'message'),
    envelope('slash_commands', command('constructor'), '/incident constructor', 'message'),
    envelope('slash_commands', command('__proto__'), '/incident __proto__', 'message'),
    envelope('slash_commands', command('toString'), '/incident toString', 'message'),
    envelope('slash_commands', command('\u202e\ud800\u0000 update'), '/incident with unicode edges', 'message'),
    envelope('slash_commands', command('help', { user_id: undefined }), 'command without a user'),
    envelope('slash_commands', {}, 'empty command payload'),
    // The Socket Mode client throws on this one before the app sees it: never acked, the app must only survive it.
    { ...envelope('events_api', { type: 'event_callback', team_id: h.slack.teamId }, 'event wrapper without an event'), envelopeId: undefined },
    envelope('events_api', h.slack.eventPayload({ type: 'no_such_event' }), 'unknown event type'),
    envelope('events_api', h.slack.eventPayload({ type: 'app_home_opened', tab: 'home' }), 'app_home_opened without a user'),
    envelope('events_api', h.slack.eventPayload({ type: 'member_joined_channel', user: h.users.alice.id, channel: 'CNOTOURS' }), 'join of a channel that is not an incident'),
    envelope('events_api', h.slack.eventPayload({ type: 'reaction_added', user: h.users.alice.id, reaction: 'memo' }), 'reaction without an item'),
    envelope('events_api', h.slack.eventPayload({ type: '__proto__' }), 'event type __proto__'),
  ];
}

/** Writes raw bytes and reads until the server closes or 3 s pass. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => resolve(Buffer.concat(chunks).toString('latin1'));
    socket.setTimeout(3000, () => socket.destroy());
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', done);
    socket.on('error', () => undefined);
    socket.write(Buffer.from(request, 'latin1'));
  });
}
