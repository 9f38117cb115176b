/**
 * Seeded generator of hostile requests for the HTTP sidecar: broken JSON, wrong types, huge strings, deep nesting,
 * unicode edge cases, prototype-pollution keys, duplicate keys, wrong content types, missing / forged / tampered auth.
 * The same seed gives the same requests, so a failure can be replayed. Each case says what the contract expects:
 * `refused` (a 4xx with a JSON error) or `well_formed` (authenticated, JSON, accepted by the route's schema).
 */
import { randomBytes } from 'node:crypto';
import { signWebhookBody } from './jira-emulator/webhooks.js';
import { registerSecret } from './log-audit.js';

export type RouteAuth = { kind: 'hub-signature'; secret: string } | { kind: 'bearer'; token: string } | { kind: 'none' };

/** A field a valid body must not have this way: the value (or `DELETE`) makes the route's schema refuse it. */
export interface InvalidField {
  path: string[];
  values: unknown[];
}

export const DELETE = Symbol('delete the field');

export interface RouteUnderTest {
  /** How the case labels name it. */
  name: string;
  method: 'GET' | 'POST';
  path: string;
  auth: RouteAuth;
  /** A body the route accepts; hostile bodies are built from it. Absent for routes that read no body. */
  validBody?: (rng: Rng) => Record<string, unknown>;
  /** Ways to make the valid body invalid for this route (each value must be refused by its schema). */
  invalidFields?: Array<{ path: string[]; values: Array<unknown | typeof DELETE> }>;
  /** Where the schema takes any string: hostile text put there keeps a body well-formed. */
  freeTextFields?: string[][];
  /** A string field with a strict format (an issue key): bad bytes or odd unicode in it make the body invalid. */
  strictTextField?: string;
  /** Whether a well-formed, authenticated body may reach the route's work (else every generated body is invalid). */
  sendWellFormed: boolean;
  /** How many requests to generate for this route. */
  cases: number;
  /** Routes another part of the app adds: skipped with a message while they answer 404. */
  pending?: string;
}

export interface HostileCase {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
  expect: 'refused' | 'well_formed' | 'health';
}

/** mulberry32: small, fast and good enough to pick cases; the seed is printed by the suite. */
export type Rng = () => number;
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const int = (rng: Rng, max: number) => Math.floor(rng() * max);

export const BODY_LIMIT = 1024 * 1024;

/** Strings people and attackers paste: lone surrogates, NUL, RTL override, emoji sequences, combining marks, BOM. */
export const UNICODE_EDGES = [
  '\ud800',
  '\udfff',
  'a\udc00b',
  '\u0000',
  'INC\u0000-1',
  '\u202eevil\u202c',
  '\u200f\u05e9\u05dc\u05d5\u05dd',
  '👩‍👩‍👧‍👦🔥',
  '🏳️‍🌈',
  'e\u0301\u0301\u0301\u0301',
  '\ufeff',
  '\uffff\ufffe',
  '\u2028\u2029',
  'Z̸̢̛͓a̶͎͝l̷g̸o̵',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '{"$gt":""}',
  '$where',
  'a.b.c',
];

/** Byte sequences that are not valid UTF-8: overlong `/`, an encoded surrogate, a lone continuation byte, 0xFF. */
const BAD_UTF8 = [Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0x80]), Buffer.from([0xff, 0xfe]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80])];

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];

const GOOD_CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON'];
const BAD_CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', 'application/json-patch+json', 'text/html', '', '*/*'];

type AuthVariant = 'valid' | 'missing' | 'forged' | 'tampered' | 'wrong_secret' | 'wrong_scheme' | 'malformed' | 'doubled';
const AUTH_VARIANTS: AuthVariant[] = ['missing', 'forged', 'tampered', 'wrong_secret', 'wrong_scheme', 'malformed', 'doubled'];

/** Headers for an auth variant; only `valid` authenticates. Every real signature computed is registered as a secret. */
function authHeaders(auth: RouteAuth, variant: AuthVariant, body: Buffer, rng: Rng): Record<string, string | string[]> {
  if (auth.kind === 'none' || variant === 'missing') return {};
  if (auth.kind === 'hub-signature') {
    const header = (value: string | string[]) => ({ 'x-hub-signature': value });
    switch (variant) {
      case 'valid':
        return header(signWebhookBody(body, auth.secret));
      case 'forged':
        return header(`sha256=${randomHex(rng, 32)}`);
      case 'tampered':
        return header(signWebhookBody(Buffer.concat([body, Buffer.from(pick(rng, [' ', '\n', '0']))]), auth.secret));
      case 'wrong_secret':
        return header(signWebhookBody(body, `${auth.secret}x`));
      case 'wrong_scheme':
        return header(`sha1=${randomHex(rng, 20)}`);
      case 'malformed':
        return header(pick(rng, ['sha256=', 'sha256', `sha256=${randomHex(rng, 31)}`, `sha256=${'z'.repeat(64)}`, `sha256=${randomHex(rng, 32)}00`, '=', 'sha256=ééé']));
      case 'doubled': {
        const signature = signWebhookBody(body, auth.secret);
        return header([signature, signature]);
      }
    }
  }
  const bearer = auth as { kind: 'bearer'; token: string };
  registerSecret('bearer token', bearer.token);
  switch (variant) {
    case 'valid':
      return { authorization: `Bearer ${bearer.token}` };
    case 'forged':
      return { authorization: `Bearer ${randomHex(rng, 20)}` };
    case 'tampered':
      return { authorization: `Bearer ${bearer.token.slice(0, -1)}${bearer.token.endsWith('x') ? 'y' : 'x'}` };
    case 'wrong_secret':
      return { authorization: `Bearer ${bearer.token}<h2>` };
    case 'wrong_scheme':
      return { authorization: pick(rng, [`Basic ${Buffer.from(`user:${bearer.token}`).toString('base64')}`, `Token ${bearer.token}`]) };
    case 'malformed':
      return { authorization: pick(rng, ['Bearer', 'Bearer ', `Bearer  ${bearer.token} extra`, `${bearer.token}`]) };
    case 'doubled':
      return { authorization: [`Bearer ${randomHex(rng, 20)}`, `Bearer ${bearer.token}`] };
  }
}

function randomHex(rng: Rng, bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i += 1) out += int(rng, 256).toString(16).padStart(2, '0');
  return out;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  if (value === DELETE) delete node[last];
  else node[last] = value;
}

/** A body the schema refuses: a required field removed or given a value of the wrong kind. */
function invalidBody(route: RouteUnderTest, rng: Rng): { label: string; text: string } {
  const body = route.validBody!(rng);
  const field = pick(rng, route.invalidFields!);
  const value = pick(rng, field.values);
  setPath(body, field.path, value);
  return { label: `${field.path.join('.')}=${value === DELETE ? '(missing)' : JSON.stringify(value)?.slice(0, 40)}`, text: JSON.stringify(body) };
}

/** Injects raw JSON text as the first member of the top-level object (JSON.stringify would not write `__proto__` keys). */
function withFirstMember(text: string, member: string): string {
  return `{${member},${text.slice(1)}`;
}

/** Bodies the route's schema accepts, with hostile material where the schema lets it through. */
function wellFormedBody(route: RouteUnderTest, rng: Rng): { label: string; body: Buffer } {
  const valid = JSON.stringify(route.validBody!(rng));
  const kind = int(rng, 7);
  switch (kind) {
    case 0: {
      const key = pick(rng, PROTO_KEYS);
      const member = key === 'constructor' ? '"constructor":{"prototype":{"polluted":"yes"}}' : `"${key}":{"polluted":"yes","isAdmin":true}`;
      return { label: `${key} key at the top`, body: Buffer.from(withFirstMember(valid, member)) };
    }
    case 1: {
      // `issue` is an object in every route's body: pollute inside it too.
      const text = valid.replace('"issue":{', '"issue":{"__proto__":{"polluted":"yes"},');
      return { label: '__proto__ key inside issue', body: Buffer.from(text) };
    }
    case 2: {
      const edge = pick(rng, UNICODE_EDGES);
      return { label: `unicode in an unknown field ${JSON.stringify(edge)}`, body: Buffer.from(withFirstMember(valid, `"note":${JSON.stringify(edge)}`)) };
    }
    case 3:
      return { label: 'duplicate keys, the last one valid', body: Buffer.from(withFirstMember(valid, '"issue":5,"webhookEvent":null')) };
    case 4: {
      const depth = 10_000;
      return { label: `${depth} levels of nesting in an unknown field`, body: Buffer.from(withFirstMember(valid, `"nested":${'['.repeat(depth)}${']'.repeat(depth)}`)) };
    }
    case 5: {
      const room = BODY_LIMIT - Buffer.byteLength(valid) - 20 - int(rng, 50);
      return { label: 'huge string just under the size limit', body: Buffer.from(withFirstMember(valid, `"padding":"${'x'.repeat(room)}"`)) };
    }
    default: {
      const edge = pick(rng, UNICODE_EDGES);
      const path = pick(rng, route.freeTextFields ?? [['note']]);
      const body = route.validBody!(rng);
      setPath(body, path, `${String(readPath(body, path) ?? '')}${edge}`);
      return { label: `unicode in ${path.join('.')} ${JSON.stringify(edge)}`, body: Buffer.from(JSON.stringify(body)) };
    }
  }
}

function readPath(target: Record<string, unknown>, path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined), target);
}

/** Raw text inserted into the value of the strict field (or, without one, where it breaks the JSON: after the first `{`). */
function insertIntoStrictField(route: RouteUnderTest, valid: string, insert: Buffer): Buffer {
  const marker = route.strictTextField ? `"${route.strictTextField}":"` : undefined;
  const at = marker && valid.includes(marker) ? valid.indexOf(marker) + marker.length : 1;
  return Buffer.concat([Buffer.from(valid.slice(0, at)), insert, Buffer.from(valid.slice(at))]);
}

/** Bodies that can never pass: not JSON, wrong top-level type, a field of the wrong kind, too big, too deep. */
function brokenBody(route: RouteUnderTest, rng: Rng): { label: string; body: Buffer } {
  const valid = route.validBody ? JSON.stringify(route.validBody(rng)) : '{"a":1}';
  const kind = int(rng, 12);
  switch (kind) {
    case 0:
      return { label: 'truncated JSON', body: Buffer.from(valid.slice(0, 1 + int(rng, valid.length - 2))) };
    case 1:
      return { label: 'not JSON', body: Buffer.from(pick(rng, ['', ' ', 'undefined', 'NaN', "{'a':1}", '{"a":1,}', '{"a":1} trailing', '// comment\n{}', '\ufeff{}', 'payload=%7B%7D', '<xml/>', '{"a":01}', '{"a":"\\x41"}', '{"a":"\u0001"}'])) };
    case 2:
      return { label: 'wrong top-level type', body: Buffer.from(pick(rng, ['null', 'true', '0', '-1e309', '"text"', '[]', `[${valid}]`, '{}'])) };
    case 3:
    case 4:
    case 5:
      if (route.invalidFields?.length) {
        const { label, text } = invalidBody(route, rng);
        return { label: `invalid field ${label}`, body: Buffer.from(text) };
      }
      return { label: 'random bytes', body: randomBytes(1 + int(rng, 200)) };
    case 6:
      return { label: 'over the size limit', body: Buffer.from(withFirstMember(valid, `"padding":"${'x'.repeat(BODY_LIMIT)}"`)) };
    case 7: {
      const depth = pick(rng, [10_000, 100_000]);
      return { label: `${depth} levels of nesting at the top`, body: Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`) };
    }
    case 8:
      return { label: 'unclosed nesting up to the limit', body: Buffer.from('{"a":'.repeat(Math.floor(BODY_LIMIT / 5) - 1)) };
    case 9: {
      const bad = pick(rng, BAD_UTF8);
      return { label: `invalid UTF-8 bytes ${bad.toString('hex')} in ${route.strictTextField ?? 'the JSON'}`, body: insertIntoStrictField(route, valid, bad) };
    }
    case 10: {
      const topLevel = (route.invalidFields ?? []).flatMap((f) => (f.path.length === 1 ? f.values.filter((v) => v !== DELETE).map((v) => [f.path[0]!, v] as const) : []));
      if (!topLevel.length) return { label: 'truncated JSON', body: Buffer.from(valid.slice(0, -1)) };
      const [key, value] = pick(rng, topLevel);
      return { label: `duplicate key ${key}, the last one invalid`, body: Buffer.from(`${valid.slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(value)}}`) };
    }
    default: {
      const edge = pick(rng, UNICODE_EDGES);
      if (!route.strictTextField) return { label: 'wrong top-level type', body: Buffer.from(JSON.stringify(edge)) };
      // Prepended: every edge string breaks the format, even one that is only a mark or a control character.
      return { label: `unicode in ${route.strictTextField} ${JSON.stringify(edge)}`, body: insertIntoStrictField(route, valid, Buffer.from(JSON.stringify(edge).slice(1, -1))) };
    }
  }
}

/**
 * `count` requests for one route. A third of them carry a valid signature or token and a JSON content type, so the
 * body really reaches the JSON parser and the schema; some of those are well-formed when the route allows it.
 */
export function generateCases(route: RouteUnderTest, rng: Rng, count: number): HostileCase[] {
  const cases: HostileCase[] = [];
  for (let i = 0; i < count; i += 1) {
    if (route.method === 'GET') {
      cases.push(healthCase(route, rng, i));
      continue;
    }
    const authenticated = route.auth.kind === 'none' || rng() < 0.6;
    const goodType = rng() < 0.85;
    const wellFormed = route.sendWellFormed && authenticated && goodType && rng() < 0.3;
    const { label, body } = wellFormed ? wellFormedBody(route, rng) : brokenBody(route, rng);
    const variant: AuthVariant = authenticated ? 'valid' : pick(rng, AUTH_VARIANTS);
    const contentType = goodType ? pick(rng, GOOD_CONTENT_TYPES) : pick(rng, BAD_CONTENT_TYPES);
    const headers: Record<string, string | string[]> = { ...authHeaders(route.auth, variant, body, rng) };
    if (contentType) headers['content-type'] = contentType;
    cases.push({
      label: `${route.name} #${i}: ${label}; auth ${route.auth.kind === 'none' ? 'none' : variant}; content-type ${JSON.stringify(contentType)}`,
      method: route.method,
      path: route.path,
      headers,
      body,
      expect: wellFormed ? 'well_formed' : 'refused',
    });
  }
  return cases;
}

/**
 * Every unicode edge in every free-text field of a well-formed, validly authenticated body, so each one surely reaches
 * the schema and the record (the random cases may miss some).
 */
export function unicodeEdgeCases(route: RouteUnderTest, rng: Rng): HostileCase[] {
  if (!route.sendWellFormed || !route.validBody) return [];
  return (route.freeTextFields ?? []).flatMap((path) =>
    UNICODE_EDGES.map((edge) => {
      const value = route.validBody!(rng);
      setPath(value, path, `${String(readPath(value, path) ?? '')}${edge}`);
      const body = Buffer.from(JSON.stringify(value));
      return {
        label: `${route.name}: unicode ${JSON.stringify(edge)} in ${path.join('.')}`,
        method: route.method,
        path: route.path,
        headers: { 'content-type': 'application/json', ...authHeaders(route.auth, 'valid', body, rng) },
        body,
        expect: 'well_formed' as const,
      };
    }),
  );
}

/** Health routes read nothing from the request: any query, header or body gets the same answer. */
function healthCase(route: RouteUnderTest, rng: Rng, i: number): HostileCase {
  const query = pick(rng, ['', '?__proto__[polluted]=yes', '?constructor.prototype.polluted=yes', `?q=${percentEncoded(pick(rng, UNICODE_EDGES))}`, '?q=%C0%AF%ED%A0%80%FF', `?${'a'.repeat(2000)}`]);
  const body = rng() < 0.5 ? brokenBody({ ...route, invalidFields: [] }, rng).body.subarray(0, 64 * 1024) : undefined;
  return {
    label: `${route.name} #${i}: query ${JSON.stringify(query.slice(0, 40))}, ${body ? `${body.length}-byte body` : 'no body'}`,
    method: 'GET',
    path: `${route.path}${query}`,
    headers: { 'content-type': pick(rng, [...GOOD_CONTENT_TYPES, ...BAD_CONTENT_TYPES]) || 'text/plain' },
    ...(body ? { body } : {}),
    expect: 'health',
  };
}

/** Every UTF-8 byte percent-encoded (encodeURIComponent refuses lone surrogates). */
const percentEncoded = (text: string) => [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** Paths and methods no route answers: each must get a JSON 404 (HEAD: the same status, no body). */
export function unknownRouteCases(rng: Rng, knownRoutes: Array<{ method: string; path: string }>, count: number): HostileCase[] {
  const paths = [
    '/',
    '/webhooks',
    '/webhooks/jira/',
    '/WEBHOOKS/JIRA',
    '/webhooks/jira/../jira',
    '//webhooks/jira',
    '/webhooks%2Fjira',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/__proto__',
    '/constructor',
    '/prototype',
    '/api/v2/firefighter/raid/',
    '/healthz/',
    '/healthz/..',
    '/webhooks/jira%00',
    `/${'a'.repeat(4000)}`,
    `/${percentEncoded('\u202e👩‍👩‍👧‍👦')}`,
    '/%C0%AF%ED%A0%80',
  ];
  const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
  const cases: HostileCase[] = [];
  for (let i = 0; i < count; i += 1) {
    // Half of them: a known path with a method it does not take.
    const known = rng() < 0.5 ? pick(rng, knownRoutes) : undefined;
    const path = known ? known.path : pick(rng, paths);
    const method = pick(rng, methods.filter((m) => !known || m !== known.method));
    const withBody = method !== 'GET' && method !== 'HEAD' && rng() < 0.5;
    cases.push({
      label: `unknown route #${i}: ${method} ${path.slice(0, 60)}`,
      method,
      path,
      headers: { 'content-type': 'application/json' },
      ...(withBody ? { body: Buffer.from('{"__proto__":{"polluted":"yes"}}') } : {}),
      expect: 'refused',
    });
  }
  return cases;
}
