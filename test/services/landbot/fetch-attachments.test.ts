import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  attachmentUrlsSchema,
  createAttachmentFetcher,
  type ResolvedAddress,
  type ResolveHost,
} from '../../../src/services/landbot/fetch-attachments.js';
import type { AttachmentBatch } from '../../../src/services/landbot/attachment-types.js';
import type { AttachmentPolicy } from '../../../src/settings/schema.js';

type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP server on 127.0.0.1 that counts the requests of each path and the requests in flight. */
class FileServer {
  readonly hits = new Map<string, number>();
  inFlight = 0;
  mostInFlight = 0;
  /** Responses whose connection closed before they ended: the fetcher gave up on them. */
  cutShort = 0;
  private server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    this.inFlight += 1;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    res.on('close', () => {
      this.inFlight -= 1;
      if (!res.writableFinished) this.cutShort += 1;
    });
    const route = this.routes[path];
    if (route) route(req, res);
    else res.writeHead(404).end('not found');
  });
  port = 0;

  constructor(private routes: Record<string, Route>) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  hitsOf(path: string): number {
    return this.hits.get(path) ?? 0;
  }
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
const BIG = 1024;

const routes: Record<string, Route> = {
  '/report.png': (_req, res) => res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length }).end(PNG),
  '/download': (req, res) => {
    const disposition = new URL(req.url ?? '/', 'http://x').searchParams.get('cd') ?? '';
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-disposition': disposition }).end('log line');
  },
  '/': (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(PNG),
  '/untyped': (_req, res) => res.writeHead(200, { 'content-type': 'not a type' }).end('x'),
  '/secret': (_req, res) => res.writeHead(200).end('internal data'),
  '/slow-report.png': (_req, res) => {
    setTimeout(() => res.writeHead(200, { 'content-type': 'image/png' }).end(PNG), 60);
  },
  '/missing': (_req, res) => res.writeHead(404).end(),
  '/broken': (_req, res) => {
    res.writeHead(200, { 'content-length': 100 });
    res.write('only part of it');
    setTimeout(() => res.destroy(), 20);
  },
  '/declared-too-big': (_req, res) => res.writeHead(200, { 'content-length': BIG + 1 }).end(Buffer.alloc(BIG + 1)),
  '/exactly-the-limit': (_req, res) => res.writeHead(200).end(Buffer.alloc(BIG, 7)),
  '/endless': (_req, res) => {
    // No Content-Length: only counting the bytes as they come can stop it.
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const timer = setInterval(() => res.write(Buffer.alloc(256)), 2);
    res.on('close', () => clearInterval(timer));
  },
  '/declared-huge': (_req, res) => {
    // Announces 11 MiB and sends none of it: only the header can have refused it.
    res.writeHead(200, { 'content-length': 11 * 1024 * 1024 });
    res.flushHeaders();
  },
  '/silent': () => {
    // Never answers.
  },
  '/trickle': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const timer = setInterval(() => res.write('.'), 25);
    res.on('close', () => clearInterval(timer));
  },
};

function redirect(location: (port: number) => string, status = 302): Route {
  return (req, res) => res.writeHead(status, { location: location((req.socket.address() as AddressInfo).port) }).end();
}
routes['/to-loopback'] = redirect((port) => `http://127.0.0.1:${port}/secret`);
routes['/to-internal'] = redirect(() => 'https://internal.example.test/secret');
routes['/to-ftp'] = redirect(() => 'ftp://files.example.test/secret', 301);
routes['/to-relative'] = redirect(() => '/report.png', 307);
routes['/loop'] = redirect(() => '/loop');
routes['/nowhere'] = (_req, res) => res.writeHead(302).end();

/** The test's name service: fixed answers, and a count of the questions. */
function fakeDns(table: Record<string, string[]>): ResolveHost & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    asked.push(hostname);
    if (hostname === 'hanging.example.test') return new Promise(() => undefined);
    const found = table[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

const dnsTable = {
  'files.example.test': ['127.0.0.1'],
  'internal.example.test': ['10.0.0.5'],
  'mixed.example.test': ['93.184.216.34', '192.168.1.20'],
  'v6-internal.example.test': ['2606:4700::6810:84e5', 'fd00::5'],
  'metadata.example.test': ['169.254.169.254'],
};

/** Every outgoing TCP connection made by this process while `run` runs. */
async function connectionsDuring<T>(run: () => Promise<T>): Promise<{ result: T; connections: number }> {
  let connections = 0;
  const count = () => {
    connections += 1;
  };
  diagnostics.subscribe('net.client.socket', count);
  try {
    const result = await run();
    return { result, connections };
  } finally {
    diagnostics.unsubscribe('net.client.socket', count);
  }
}

const onlyRefusal = (batch: AttachmentBatch): string => {
  assert.equal(batch.fetched.length, 0, 'nothing fetched');
  assert.equal(batch.refused.length, 1);
  return batch.refused[0]!.reason;
};

describe('the attachment fetcher', () => {
  let server: FileServer;
  let dns: ReturnType<typeof fakeDns>;
  const testPolicy = (change: Partial<AttachmentPolicy> = {}): AttachmentPolicy => ({
    maxFiles: 5,
    maxBytesPerFile: BIG,
    timeoutMs: 2000,
    maxRedirects: 3,
    allowHttpHosts: ['files.example.test'],
    allowPrivateAddressHosts: ['files.example.test'],
    ...change,
  });
  const fetcher = (change: Partial<AttachmentPolicy> = {}, concurrency?: number) =>
    createAttachmentFetcher(testPolicy(change), { resolveHost: dns, ...(concurrency ? { concurrency } : {}) });
  const at = (path: string) => `http://files.example.test:${server.port}${path}`;

  beforeEach(async () => {
    server = await new FileServer(routes).start();
    dns = fakeDns(dnsTable);
  });
  afterEach(() => server.stop());

  describe('a good file', () => {
    it('is downloaded with its name and content type, from a host trusted to be internal', async () => {
      const { result: batch, connections } = await connectionsDuring(() => fetcher()([at('/report.png')]));
      assert.deepEqual(batch.refused, []);
      assert.deepEqual(batch.fetched, [{ url: at('/report.png'), fileName: 'report.png', contentType: 'image/png', bytes: PNG }]);
      assert.deepEqual(dns.asked, ['files.example.test'], 'resolved once');
      assert.equal(connections, 1, 'one connection, which the zero counts of the refusals below are measured against');
    });

    it('is refused from the same host when the host is not trusted to be internal', async () => {
      const { result, connections } = await connectionsDuring(() => fetcher({ allowPrivateAddressHosts: [] })([at('/report.png')]));
      assert.equal(onlyRefusal(result), 'The host resolves to a loopback address, which is not allowed.');
      assert.equal(connections, 0);
      assert.equal(server.hitsOf('/report.png'), 0);
    });

    it('takes its name from Content-Disposition, made safe, else from the content type', async () => {
      const named = async (disposition: string) => {
        const batch = await fetcher()([at(`/download?cd=${encodeURIComponent(disposition)}`)]);
        assert.equal(batch.fetched.length, 1, disposition);
        return batch.fetched[0]!.fileName;
      };
      assert.equal(await named('attachment; filename="incident log.txt"'), 'incident log.txt');
      assert.equal(await named(`attachment; filename="fallback.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`), 'résumé.pdf');
      assert.equal(await named('attachment; filename="../../etc/passwd"'), 'passwd');
      assert.equal(await named('attachment; filename="..\\\\windows\\\\evil.exe"'), 'evil.exe');
      assert.equal(await named('attachment; filename=".hidden"'), 'hidden');
      assert.equal(await named(`attachment; filename*=UTF-8''a%E2%80%AEgnp.exe`), 'a_gnp.exe');
      assert.equal(await named(`attachment; filename="${'x'.repeat(300)}.log"`), `${'x'.repeat(116)}.log`);
      assert.equal(await named('inline'), 'download');

      const root = await fetcher()([at('/')]);
      assert.equal(root.fetched[0]?.fileName, 'attachment.png');
      const untyped = await fetcher()([at('/untyped')]);
      assert.equal(untyped.fetched[0]?.contentType, 'application/octet-stream');
      assert.equal(untyped.fetched[0]?.fileName, 'untyped');
    });

    it('follows a relative redirect to it', async () => {
      const batch = await fetcher()([at('/to-relative')]);
      assert.deepEqual(batch.refused, []);
      assert.equal(batch.fetched[0]?.fileName, 'report.png');
      assert.deepEqual(batch.fetched[0]?.bytes, PNG);
      assert.equal(batch.fetched[0]?.url, at('/to-relative'), 'reported under the URL that was asked for');
    });

    it('may be exactly the size limit', async () => {
      const batch = await fetcher()([at('/exactly-the-limit')]);
      assert.equal(batch.fetched[0]?.bytes.length, BIG);
    });
  });

  describe('a private destination', () => {
    it('is refused at 127.0.0.1 without connecting, even when http is allowed for it', async () => {
      const url = `http://127.0.0.1:${server.port}/secret`;
      const { result, connections } = await connectionsDuring(() => fetcher({ allowHttpHosts: ['127.0.0.1'] })([url]));
      assert.deepEqual(result.refused, [{ url, reason: 'The link points to a loopback address, which is not allowed.' }]);
      assert.equal(connections, 0);
      assert.equal(server.hitsOf('/secret'), 0);
    });

    it('is refused at 169.254.169.254 (cloud metadata) without connecting', async () => {
      const started = Date.now();
      const { result, connections } = await connectionsDuring(() =>
        fetcher({ allowHttpHosts: ['169.254.169.254', 'metadata.example.test'] })([
          'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
          'http://metadata.example.test/latest/meta-data/',
        ]),
      );
      assert.deepEqual(
        result.refused.map((r) => r.reason),
        ['The link points to a link-local address, which is not allowed.', 'The host resolves to a link-local address, which is not allowed.'],
      );
      assert.equal(connections, 0);
      assert.ok(Date.now() - started < 500, 'refused at once, not after a connection attempt');
    });

    it('is refused in the odd forms the URL parser turns into a loopback or link-local address', async () => {
      const odd = [
        'https://2130706433/',
        'https://0x7f.1/',
        'https://017700000001/',
        'https://127.1/',
        'https://0/',
        'https://[::1]/',
        'https://[::ffff:127.0.0.1]/',
        'https://[::ffff:a9fe:a9fe]/',
        'https://[0:0:0:0:0:ffff:7f00:1]/',
        'https://[fe80::1]/',
      ];
      const { result, connections } = await connectionsDuring(() => fetcher({ maxFiles: 10 })(odd));
      assert.equal(result.fetched.length, 0);
      assert.deepEqual(
        result.refused.map((r) => r.reason),
        [
          ...Array<string>(4).fill('The link points to a loopback address, which is not allowed.'),
          'The link points to an unspecified address, which is not allowed.',
          ...Array<string>(2).fill('The link points to a loopback address, which is not allowed.'),
          'The link points to a link-local address, which is not allowed.',
          'The link points to a loopback address, which is not allowed.',
          'The link points to a link-local address, which is not allowed.',
        ],
      );
      assert.equal(connections, 0);
      assert.deepEqual(dns.asked, [], 'a literal address is not looked up');
    });

    it('is refused when a host name resolves to a private address, or when any one of its addresses is private', async () => {
      const { result, connections } = await connectionsDuring(() =>
        fetcher()(['https://internal.example.test/file.png', 'https://mixed.example.test/file.png', 'https://v6-internal.example.test/file.png']),
      );
      assert.deepEqual(
        result.refused.map((r) => r.reason),
        [
          'The host resolves to a private address, which is not allowed.',
          'The host resolves to a private address, which is not allowed.',
          'The host resolves to a unique-local address, which is not allowed.',
        ],
      );
      assert.equal(connections, 0);
    });

    it('is refused as "localhost" through the system resolver', async () => {
      const batch = await createAttachmentFetcher(testPolicy())([`https://localhost:${server.port}/secret`]);
      assert.equal(onlyRefusal(batch), 'The host resolves to a loopback address, which is not allowed.');
      assert.equal(server.hitsOf('/secret'), 0);
    });

    it('is refused after a redirect from an allowed server, and never reached', async () => {
      const batch = await fetcher({ allowHttpHosts: ['files.example.test', '127.0.0.1'] })([at('/to-loopback'), at('/to-internal')]);
      assert.deepEqual(
        batch.refused.map((r) => r.reason),
        ['After a redirect: the link points to a loopback address, which is not allowed.', 'After a redirect: the host resolves to a private address, which is not allowed.'],
      );
      assert.equal(server.hitsOf('/to-loopback'), 1);
      assert.equal(server.hitsOf('/secret'), 0);
      assert.deepEqual(dns.asked.sort(), ['files.example.test', 'files.example.test', 'internal.example.test']);
    });
  });

  describe('the scheme', () => {
    it('must be https unless the settings allow http for the host', async () => {
      const { result, connections } = await connectionsDuring(() => fetcher({ allowHttpHosts: [] })([at('/report.png')]));
      assert.equal(onlyRefusal(result), 'Plain http is not accepted for this host; use https.');
      assert.equal(connections, 0);
      assert.equal(server.hitsOf('/report.png'), 0);
    });

    it('is checked again after a redirect', async () => {
      const batch = await fetcher()([at('/to-ftp')]);
      assert.equal(onlyRefusal(batch), 'After a redirect: only https links are accepted.');
    });
  });

  describe('https', () => {
    it('verifies the certificate of the host while connecting to the address already checked', async function () {
      const tls = selfSignedCertificate('files.example.test');
      if (!tls) return this.skip(); // no openssl on this machine to make a certificate
      const secure = https.createServer(tls, (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(PNG));
      let accepted = 0;
      secure.on('connection', () => (accepted += 1));
      await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
      const { port } = secure.address() as AddressInfo;
      try {
        const batch = await fetcher({ allowHttpHosts: [] })([`https://files.example.test:${port}/report.png`]);
        // Reached (the name was pinned to 127.0.0.1) and refused: a self-signed certificate is not trusted.
        assert.equal(onlyRefusal(batch), "The server's certificate could not be verified.");
        assert.equal(accepted, 1);
        assert.deepEqual(dns.asked, ['files.example.test']);
      } finally {
        secure.closeAllConnections();
        await new Promise((resolve) => secure.close(resolve));
      }
    });
  });

  describe('redirects', () => {
    it('stop after the limit', async () => {
      const batch = await fetcher({ maxRedirects: 3 })([at('/loop')]);
      assert.equal(onlyRefusal(batch), 'The link redirects more than 3 times.');
      assert.equal(server.hitsOf('/loop'), 4);
    });

    it('are refused when the limit is zero, and need a location', async () => {
      const batch = await fetcher({ maxRedirects: 0 })([at('/to-relative'), at('/nowhere')]);
      assert.deepEqual(
        batch.refused.map((r) => r.reason),
        ['The link redirects more than 0 times.', 'The server answered HTTP 302 without saying where to go.'],
      );
    });
  });

  describe('the size limit', () => {
    it('refuses a file whose Content-Length is over the limit before reading it', async () => {
      const batch = await fetcher()([at('/declared-too-big')]);
      assert.equal(onlyRefusal(batch), 'The file is larger than the 1 KiB limit.');
    });

    it('cuts a body without Content-Length as soon as it passes the limit', async () => {
      const started = Date.now();
      const batch = await fetcher({ timeoutMs: 10_000 })([at('/endless')]);
      assert.equal(onlyRefusal(batch), 'The file is larger than the 1 KiB limit.');
      assert.ok(Date.now() - started < 2000, 'stopped by the size, not by the deadline');
      await waitFor(() => server.cutShort === 1);
    });

    it('refuses a declared 11 MiB file with the default limit as soon as the headers come', async () => {
      const started = Date.now();
      const batch = await fetcher({ maxBytesPerFile: 10 * 1024 * 1024 })([at('/declared-huge')]);
      assert.equal(onlyRefusal(batch), 'The file is larger than the 10 MiB limit.');
      assert.ok(Date.now() - started < 1000);
    });
  });

  describe('the deadline', () => {
    it('cuts a server that never answers', async () => {
      const started = Date.now();
      const batch = await fetcher({ timeoutMs: 300 })([at('/silent')]);
      assert.equal(onlyRefusal(batch), 'The download took longer than 0.3 seconds.');
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 290 && elapsed < 1500, `cut after ${elapsed} ms`);
    });

    it('cuts a server that trickles bytes, even though each byte comes in time', async () => {
      const started = Date.now();
      const batch = await fetcher({ timeoutMs: 300 })([at('/trickle')]);
      assert.equal(onlyRefusal(batch), 'The download took longer than 0.3 seconds.');
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 290 && elapsed < 1500, `cut after ${elapsed} ms`);
      await waitFor(() => server.cutShort === 1);
    });

    it('covers the name lookup', async () => {
      const batch = await fetcher({ timeoutMs: 200 })(['https://hanging.example.test/file.png']);
      assert.equal(onlyRefusal(batch), 'The download took longer than 0.2 seconds.');
    });
  });

  describe('many files', () => {
    it('takes the first five and refuses the others with a reason', async () => {
      const urls = Array.from({ length: 7 }, (_, i) => at(`/slow-report.png?copy=${i}`));
      const batch = await fetcher({}, 2)(urls);
      assert.equal(batch.fetched.length, 5);
      assert.deepEqual(
        batch.fetched.map((f) => f.url),
        urls.slice(0, 5),
      );
      assert.deepEqual(batch.refused, urls.slice(5).map((url) => ({ url, reason: 'Only 5 attachments are taken per ticket; this one was left out.' })));
      assert.equal(server.hitsOf('/slow-report.png'), 5);
      assert.equal(server.mostInFlight, 2, 'two at a time');
    });

    it('reports each failure and still returns the good files', async () => {
      const unusedPort = await closedPort();
      const batch = await fetcher()([at('/missing'), at('/report.png'), `http://files.example.test:${unusedPort}/x`, at('/broken'), 'https://nowhere.example.test/x']);
      assert.equal(batch.fetched.length, 1);
      assert.deepEqual(
        batch.refused.map((r) => r.reason),
        [
          'The server answered HTTP 404.',
          'The server refused the connection.',
          'The connection was cut before the file arrived.',
          'The host name could not be resolved.',
        ],
      );
    });

    it('refuses everything when attachments are turned off', async () => {
      const batch = await fetcher({ maxFiles: 0 })([at('/report.png')]);
      assert.equal(onlyRefusal(batch), 'Attachments are turned off.');
      assert.equal(server.hitsOf('/report.png'), 0);
    });
  });

  describe('bad URL strings', () => {
    it('are refused one by one with a reason, never with the credentials they carry', async () => {
      const bad = [
        'not a url',
        '   ',
        'ftp://files.example.test/report.png',
        'file:///etc/passwd',
        'javascript:alert(1)',
        'https://',
        'http://[::1',
        `https://files.example.test/${'a'.repeat(2048)}`,
        'https://admin:s3cret-token@files.example.test/report.png',
        '//files.example.test/report.png',
      ];
      const { result, connections } = await connectionsDuring(() => fetcher({ maxFiles: 10 })(bad));
      assert.equal(result.fetched.length, 0);
      assert.deepEqual(
        result.refused.map((r) => r.reason),
        [
          'The link is not a valid URL.',
          'The link is empty.',
          'Only https links are accepted.',
          'Only https links are accepted.',
          'Only https links are accepted.',
          'The link is not a valid URL.',
          'The link is not a valid URL.',
          'The link is longer than 2048 characters.',
          'Links with a user name or password are not accepted.',
          'The link is not a valid URL.',
        ],
      );
      assert.equal(result.refused[8]?.url, 'https://files.example.test/report.png');
      assert.doesNotMatch(JSON.stringify(result), /s3cret/);
      assert.equal(connections, 0);
    });

    it('hide credentials even in a URL that does not parse', async () => {
      const batch = await fetcher()(['https://admin:s3cret@files.example.test:99999/x']);
      assert.doesNotMatch(JSON.stringify(batch), /s3cret/);
      assert.equal(batch.refused[0]?.url, 'https://files.example.test:99999/x');
    });
  });
});

describe('attachmentUrlsSchema', () => {
  const parse = (value: unknown) => attachmentUrlsSchema.safeParse(value);

  it("reads Landbot's Python-repr list, as FireFighter receives it", () => {
    assert.deepEqual(parse("['https://example.com/test1','https://example.org/test2',]").data, ['https://example.com/test1', 'https://example.org/test2']);
    assert.deepEqual(parse('["https://example.com/a.png", "https://example.com/b.png"]').data, ['https://example.com/a.png', 'https://example.com/b.png']);
  });

  it('reads a single URL, a comma list and a JSON array', () => {
    assert.deepEqual(parse('https://example.com/a.png').data, ['https://example.com/a.png']);
    assert.deepEqual(parse(' https://example.com/a.png , https://example.com/b.png ,').data, ['https://example.com/a.png', 'https://example.com/b.png']);
    assert.deepEqual(parse(['https://example.com/a.png', ' ', 'https://example.com/b.png']).data, ['https://example.com/a.png', 'https://example.com/b.png']);
  });

  it('reads nothing, null, an empty text and an empty list as no attachment', () => {
    for (const empty of [undefined, null, '', '  ', '[]', "['']", []]) assert.deepEqual(parse(empty).data, [], String(empty));
  });

  it('keeps a URL it cannot use, for the fetcher to refuse with a reason', () => {
    assert.deepEqual(parse('ftp://example.com/a, not a url').data, ['ftp://example.com/a', 'not a url']);
  });

  it('refuses what FireFighter refuses: more than 10 URLs, a URL over 2048 characters, and other types', () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `https://example.com/${i}`);
    assert.deepEqual(parse(eleven.join(',')).error?.issues.map((i) => i.message), ['at most 10 URLs']);
    const long = parse(['https://example.com/ok', `https://example.com/${'a'.repeat(2048)}`]);
    assert.deepEqual(long.error?.issues.map((i) => [i.path, i.message]), [[[1], 'each URL must be at most 2048 characters']]);
    assert.deepEqual(parse(42).error?.issues.map((i) => i.message), ['must be a URL, a list of URLs, or a text holding them separated by commas']);
    assert.equal(parse([1, 2]).success, false);
  });
});

/** A throw-away certificate for `host`, made by openssl; null when openssl is missing. */
function selfSignedCertificate(host: string): { key: Buffer; cert: Buffer } | null {
  const dir = mkdtempSync(join(tmpdir(), 'attachments-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A port nothing listens on: opened, then closed. */
async function closedPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
