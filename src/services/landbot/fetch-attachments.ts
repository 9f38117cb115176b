import { lookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { z } from 'zod';
import type { AttachmentPolicy } from '../../settings/schema.js';
import type { AttachmentBatch, FetchAttachments, FetchedAttachment, RefusedAttachment } from './attachment-types.js';
import { classifyAddress, type NonPublicKind } from './classify-address.js';

/** FireFighter's limits on the field itself: beyond them the whole request is refused, as FireFighter does. */
export const ATTACHMENT_URLS_MAX = 10;
export const ATTACHMENT_URL_MAX_LENGTH = 2048;

/**
 * The `attachments` field of an external ticket request, as a list of URLs. Landbot sends list variables as a
 * Python repr string (`"['https://a','https://b',]"`); a comma list, a single URL, a JSON array, null or nothing
 * are accepted too. Only the shape is checked here: each URL is judged by the fetcher, so a bad one is reported
 * instead of failing the ticket.
 */
export const attachmentUrlsSchema = z
  .union([z.string(), z.array(z.string()), z.null()], { error: 'must be a URL, a list of URLs, or a text holding them separated by commas' })
  .optional()
  .transform((value) => (typeof value === 'string' ? splitUrlList(value) : (value ?? []).map((url) => url.trim()).filter((url) => url.length > 0)))
  .pipe(
    z
      .array(z.string().max(ATTACHMENT_URL_MAX_LENGTH, `each URL must be at most ${ATTACHMENT_URL_MAX_LENGTH} characters`))
      .max(ATTACHMENT_URLS_MAX, `at most ${ATTACHMENT_URLS_MAX} URLs`),
  );

function splitUrlList(text: string): string[] {
  const trimmed = text.trim();
  const inner = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  return inner
    .split(',')
    .map((item) => item.trim().replace(/^(['"])(.*)\1$/, '$2').trim())
    .filter((item) => item.length > 0);
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a host name resolves to. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export interface AttachmentFetcherDeps {
  /** The system resolver by default; tests map test host names to local addresses. */
  resolveHost?: ResolveHost;
  /** Files downloaded at the same time (default 3). */
  concurrency?: number;
}

const resolveWithSystem: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/**
 * Downloads the files an external ticket points at, within the policy: https only (plain http for the hosts
 * allowed), never towards a private, loopback or link-local address (each redirect checked again), a size limit
 * enforced while streaming and one deadline per file. A refused or failed URL comes back with a short reason
 * for the requester and the ticket; one URL never fails the batch.
 */
export function createAttachmentFetcher(policy: AttachmentPolicy, deps: AttachmentFetcherDeps = {}): FetchAttachments {
  const resolveHost = deps.resolveHost ?? resolveWithSystem;
  const concurrency = Math.max(1, deps.concurrency ?? 3);

  return async (urls) => {
    const taken = urls.slice(0, policy.maxFiles);
    const outcomes = await mapBounded(taken, concurrency, (url) => fetchAttachment(url, policy, resolveHost));
    const batch: AttachmentBatch = { fetched: [], refused: [] };
    for (const outcome of outcomes) {
      if ('bytes' in outcome) batch.fetched.push(outcome);
      else batch.refused.push(outcome);
    }
    const leftOut = policy.maxFiles === 0 ? 'Attachments are turned off.' : `Only ${policy.maxFiles} attachments are taken per ticket; this one was left out.`;
    for (const url of urls.slice(policy.maxFiles)) batch.refused.push({ url: shownUrl(url), reason: leftOut });
    return batch;
  };
}

/** A reason to refuse a URL, written for the person who sent it. */
class Refusal extends Error {}

async function fetchAttachment(raw: string, policy: AttachmentPolicy, resolveHost: ResolveHost): Promise<FetchedAttachment | RefusedAttachment> {
  const url = shownUrl(raw);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Refusal(`The download took longer than ${policy.timeoutMs / 1000} seconds.`)), policy.timeoutMs);
  try {
    return { url, ...(await download(raw, policy, resolveHost, deadline.signal)) };
  } catch (error) {
    return { url, reason: reasonFor(error, deadline.signal) };
  } finally {
    clearTimeout(timer);
    deadline.abort(); // closes anything still open
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

async function download(raw: string, policy: AttachmentPolicy, resolveHost: ResolveHost, signal: AbortSignal): Promise<Omit<FetchedAttachment, 'url'>> {
  let url = parseLink(raw, undefined);
  for (let redirects = 0; ; redirects += 1) {
    const addresses = await checkDestination(url, policy, resolveHost, signal, redirects > 0);
    const response = await sendGet(url, addresses, signal);
    const status = response.statusCode ?? 0;
    if (REDIRECT_STATUSES.has(status)) {
      response.destroy();
      const location = response.headers.location;
      if (!location) throw new Refusal(`The server answered HTTP ${status} without saying where to go.`);
      if (redirects >= policy.maxRedirects) throw new Refusal(`The link redirects more than ${policy.maxRedirects} times.`);
      url = parseLink(location, url);
      continue;
    }
    if (status < 200 || status > 299) {
      response.destroy();
      throw new Refusal(`The server answered HTTP ${status}.`);
    }
    const declaredLength = Number(response.headers['content-length']);
    if (declaredLength > policy.maxBytesPerFile) {
      response.destroy();
      throw tooLarge(policy);
    }
    const bytes = await readBody(response, policy, signal);
    const contentType = contentTypeOf(response.headers['content-type']);
    return { fileName: fileNameOf(response.headers['content-disposition'], url, contentType), contentType, bytes };
  }
}

/** The URL, or a refusal when it is not one we may fetch; `base` is the URL a redirect came from. */
function parseLink(text: string, base: URL | undefined): URL {
  const redirected = base !== undefined;
  const trimmed = text.trim();
  if (trimmed.length === 0) throw refusal('The link is empty.', redirected);
  if (trimmed.length > ATTACHMENT_URL_MAX_LENGTH) throw refusal(`The link is longer than ${ATTACHMENT_URL_MAX_LENGTH} characters.`, redirected);
  let url: URL;
  try {
    url = new URL(trimmed, base);
  } catch {
    throw refusal('The link is not a valid URL.', redirected);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refusal('Only https links are accepted.', redirected);
  if (url.username || url.password) throw refusal('Links with a user name or password are not accepted.', redirected);
  if (!url.hostname) throw refusal('The link has no host.', redirected);
  return url;
}

/** The addresses to connect to, every one of them checked; the connection uses only these. */
async function checkDestination(url: URL, policy: AttachmentPolicy, resolveHost: ResolveHost, signal: AbortSignal, redirected: boolean): Promise<ResolvedAddress[]> {
  const host = url.hostname; // lower-case; IPv6 in brackets, as the settings write it
  if (url.protocol === 'http:' && !policy.allowHttpHosts.includes(host)) throw refusal('Plain http is not accepted for this host; use https.', redirected);
  const literal = bareHost(url);
  const family = isIP(literal);
  let addresses: ResolvedAddress[];
  if (family === 4 || family === 6) {
    addresses = [{ address: literal, family }];
  } else {
    try {
      addresses = await untilAborted(resolveHost(literal), signal);
    } catch (error) {
      if (signal.aborted) throw error;
      addresses = [];
    }
    if (addresses.length === 0) throw refusal('The host name could not be resolved.', redirected);
  }
  if (policy.allowPrivateAddressHosts.includes(host)) return addresses;
  for (const { address } of addresses) {
    const kind = classifyAddress(address);
    if (kind) {
      const where = family ? 'The link points to' : 'The host resolves to';
      throw refusal(`${where} ${withArticle(kind)} address, which is not allowed.`, redirected);
    }
  }
  return addresses;
}

function sendGet(url: URL, addresses: ResolvedAddress[], signal: AbortSignal): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      {
        host: bareHost(url),
        port: url.port ? Number(url.port) : undefined,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { accept: '*/*' },
        // A fresh connection each time: a pooled socket could lead to an address checked for another host.
        agent: false,
        signal,
        lookup: pinnedLookup(addresses),
      },
      resolve,
    );
    request.on('error', reject);
    request.end();
  });
}

/** Answers the connection's name lookup with the addresses already checked, so nothing is resolved twice. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

async function readBody(response: IncomingMessage, policy: AttachmentPolicy, signal: AbortSignal): Promise<Buffer> {
  const stop = () => response.destroy();
  signal.addEventListener('abort', stop, { once: true });
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > policy.maxBytesPerFile) throw tooLarge(policy);
      chunks.push(chunk);
    }
    if (!response.complete) throw new Refusal('The connection closed before the whole file arrived.');
    return Buffer.concat(chunks, size);
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

function reasonFor(error: unknown, deadline: AbortSignal): string {
  if (deadline.aborted && deadline.reason instanceof Refusal) return deadline.reason.message;
  if (error instanceof Refusal) return error.message;
  const code = String((error as { code?: unknown }).code ?? '');
  if (code === 'ECONNREFUSED') return 'The server refused the connection.';
  if (code === 'ECONNRESET') return 'The connection was cut before the file arrived.';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'The host name could not be resolved.';
  if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return "The server's certificate could not be verified.";
  if (code.startsWith('HPE_')) return 'The server did not answer in valid HTTP.';
  // Only the error code: a message could carry the address or the URL.
  return `The download failed${/^[A-Z0-9_]+$/.test(code) ? ` (${code})` : ''}.`;
}

function refusal(text: string, redirected: boolean): Refusal {
  return new Refusal(redirected ? `After a redirect: ${text.charAt(0).toLowerCase()}${text.slice(1)}` : text);
}

function tooLarge(policy: AttachmentPolicy): Refusal {
  return new Refusal(`The file is larger than the ${formatBytes(policy.maxBytesPerFile)} limit.`);
}

function withArticle(kind: NonPublicKind): string {
  // "an unspecified", but "a unique-local": by the sound, not the letter.
  return `${/^([aeio]|un(?!i))/.test(kind) ? 'an' : 'a'} ${kind}`;
}

function formatBytes(bytes: number): string {
  const MiB = 1024 * 1024;
  if (bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** The URL as shown in the answer and the ticket: as given, but never with the credentials it may carry. */
function shownUrl(raw: string): string {
  const trimmed = raw.trim().slice(0, ATTACHMENT_URL_MAX_LENGTH);
  try {
    const url = new URL(trimmed);
    if (!url.username && !url.password) return trimmed;
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return trimmed.replace(/\/\/[^/?#\s]*@/, '//');
  }
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function mapBounded<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

function contentTypeOf(header: string | undefined): string {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return MEDIA_TYPE.test(type) ? type : 'application/octet-stream';
}

const EXTENSION_BY_TYPE: Record<string, string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'application/pdf': '.pdf',
  'text/plain': '.txt',
  'video/mp4': '.mp4',
};

/** The name from Content-Disposition, else the last segment of the URL's path; made safe to store and show. */
function fileNameOf(disposition: string | undefined, url: URL, contentType: string): string {
  const fromHeader = disposition ? dispositionFileName(disposition) : undefined;
  const segment = url.pathname.split('/').pop() ?? '';
  const name = sanitiseFileName(fromHeader ?? decodeLenient(segment));
  return name || `attachment${EXTENSION_BY_TYPE[contentType] ?? ''}`;
}

function dispositionFileName(header: string): string | undefined {
  // RFC 6266: filename*=UTF-8''… wins over filename="…".
  const extended = /filename\*\s*=\s*[^']*'[^']*'([^;\s]+)/i.exec(header);
  if (extended?.[1]) return decodeLenient(extended[1]);
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
  return plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2]?.trim();
}

function decodeLenient(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const MAX_FILE_NAME = 120;

function sanitiseFileName(name: string): string {
  const cleaned = (name.split(/[\\/]/).pop() ?? '')
    // Control and bidirectional-override characters could disguise the name; these others are refused by file systems.
    .replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  if (cleaned.length <= MAX_FILE_NAME) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
  return `${cleaned.slice(0, MAX_FILE_NAME - extension.length)}${extension}`;
}
