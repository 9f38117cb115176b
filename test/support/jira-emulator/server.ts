// node:http server: reads the request, records it, applies injected faults and latency, checks Basic auth,
// dispatches to the router and writes Jira-shaped answers.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Credentials, UNAUTHENTICATED_BODY, isAuthorized } from './auth.js';
import { FaultQueue, faultResponse } from './faults.js';
import { boundaryOf, parseMultipart } from './multipart.js';
import type { HandlerResult, Router } from './routes.js';
import type { RecordedRequest } from './types.js';
import { JiraHttpError, errorBody, sleep } from './util.js';

export interface ServerDeps {
  router: Router;
  credentials: Credentials;
  /** accountId of the account the credentials belong to. */
  actor: string;
  now: () => number;
  latencyMs: number;
}

function summarizeBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const boundary = boundaryOf(contentType);
  if (boundary) {
    try {
      return { parts: parseMultipart(raw, boundary).map((p) => ({ name: p.name, filename: p.filename, contentType: p.contentType, size: p.data.length })) };
    } catch {
      return raw.toString('latin1');
    }
  }
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export class EmulatorServer {
  readonly faults = new FaultQueue();
  readonly log: RecordedRequest[] = [];
  latencyMs: number;
  private server: http.Server | undefined;
  private baseUrl = '';
  private requestCounter = 0;

  constructor(private readonly deps: ServerDeps) {
    this.latencyMs = deps.latencyMs;
  }

  get url(): string {
    return this.baseUrl;
  }

  async listen(port: number): Promise<string> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        // Last resort: never leave a request hanging.
        if (!res.headersSent) {
          res.statusCode = 500;
          res.setHeader('content-type', 'application/json;charset=UTF-8');
          res.end(JSON.stringify(errorBody([`Jira emulator internal error: ${e instanceof Error ? e.message : String(e)}`])));
        } else {
          res.destroy();
        }
      });
    });
    server.keepAliveTimeout = 5000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${address.port}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private readBody(req: http.IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = this.deps.now();
    const raw = await this.readBody(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', this.baseUrl);
    const path = url.pathname;
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams.entries()),
      body: summarizeBody(raw, req.headers['content-type']),
      headers: flatHeaders(req.headers),
      status: 0,
      at,
    };
    this.log.push(record);

    const fault = this.faults.take(method, path);
    if (fault && !fault.applyThenDrop) {
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.status === 0) {
        record.status = 0;
        req.socket.destroy();
        return;
      }
      const { headers, body } = faultResponse(fault);
      record.status = fault.status;
      this.send(res, { status: fault.status, body, headers });
      return;
    }

    const result = this.process(req, method, url, raw);
    if (fault?.applyThenDrop) {
      if (fault.delayMs) await sleep(fault.delayMs);
      record.status = 0;
      req.socket.destroy();
      return;
    }
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    record.status = result.status;
    this.send(res, result);
  }

  private process(req: http.IncomingMessage, method: string, url: URL, raw: Buffer): HandlerResult {
    if (!isAuthorized(req.headers.authorization, this.deps.credentials)) {
      return { status: 401, body: UNAUTHENTICATED_BODY };
    }
    const match = /^\/rest\/api\/([23])(\/.*)?$/.exec(url.pathname);
    try {
      if (!match) throw JiraHttpError.notFound(`The Jira emulator has no route for ${method} ${url.pathname}.`);
      return this.deps.router.dispatch({
        method,
        subPath: match[2] ?? '/',
        query: url.searchParams,
        headers: req.headers,
        rawBody: raw,
        version: match[1] === '2' ? 2 : 3,
        actor: this.deps.actor,
        base: this.baseUrl,
      });
    } catch (e) {
      if (e instanceof JiraHttpError) return { status: e.status, body: e.body, headers: e.headers };
      const message = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
      return { status: 500, body: errorBody([`Jira emulator internal error: ${message}`]) };
    }
  }

  private send(res: http.ServerResponse, result: HandlerResult): void {
    if (res.destroyed || res.writableEnded) return;
    this.requestCounter += 1;
    res.statusCode = result.status;
    res.setHeader('x-arequestid', `emu-${this.requestCounter}`);
    const headers = result.headers ?? {};
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    if (result.status === 204 || result.body === undefined) {
      res.end();
      return;
    }
    if (Buffer.isBuffer(result.body)) {
      res.end(result.body);
      return;
    }
    if (typeof result.body === 'string' && headers['content-type']) {
      res.end(result.body);
      return;
    }
    res.setHeader('content-type', 'application/json;charset=UTF-8');
    res.end(JSON.stringify(result.body));
  }
}
