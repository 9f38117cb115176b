/**
 * The HTTP side: `POST /api/<method>` (form or JSON bodies, Bearer or `token` auth), faults, rate limits, call
 * recording, `response_url` posts, and the WebSocket upgrade handed to the SocketHub.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RateLimiter } from './rate-limits.js';
import type { SocketHub } from './socket.js';
import type { Workspace } from './state.js';
import type { CallRecord, Fault, Json } from './types.js';
import { messageContent, storeBotMessage } from './web-api/chat.js';
import { Args, SlackApiError, type MethodContext } from './web-api/context.js';
import { methods } from './web-api/index.js';

/** Form fields Slack expects as JSON-encoded strings. */
const JSON_FIELDS = new Set(['blocks', 'view', 'metadata', 'attachments', 'unfurls', 'profile', 'user_auth_blocks']);

export interface ServerDeps {
  ws: Workspace;
  hub: SocketHub;
  botToken: string;
  appToken: string;
  now: () => number;
  latencyMs: number;
  triggerTtlMs: number;
  limiter: RateLimiter | undefined;
  emitEvents: boolean;
  takeFault: (method: string) => Fault | undefined;
  record: (call: CallRecord) => void;
  /** Sends an event over the socket without anyone awaiting it. */
  fireEvent: (event: Json) => void;
}

interface Answer {
  status: number;
  body: Json | string;
  headers?: Record<string, string>;
  /** Events the call caused, sent over the socket after the answer. */
  events?: Json[];
}

function decodeArgs(req: IncomingMessage, raw: string, url: URL): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [k, v] of url.searchParams) args[k] = v;
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.includes('application/json')) {
    if (raw.trim() !== '') {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'object' && parsed !== null) Object.assign(args, parsed);
    }
  } else {
    for (const [k, v] of new URLSearchParams(raw)) args[k] = v;
  }
  for (const key of JSON_FIELDS) {
    const v = args[key];
    if (typeof v !== 'string') continue;
    const t = v.trim();
    if (!t.startsWith('{') && !t.startsWith('[')) continue;
    try {
      args[key] = JSON.parse(t);
    } catch {
      // left as a string: the method answers invalid_blocks_format / invalid_arguments
    }
  }
  return args;
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = h === undefined ? null : /^Bearer\s+(.+)$/i.exec(h);
  return m?.[1]?.trim();
}

export class EmulatorServer {
  readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private port = 0;

  constructor(private readonly deps: ServerDeps) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        // An emulator bug: answer loudly but without an HTTP 5xx (web-api would retry for minutes).
        console.error('Slack emulator internal error:', err);
        if (!res.headersSent) this.write(res, { status: 200, body: { ok: false, error: 'internal_error' } });
      });
    });
    this.server.on('upgrade', (req, socket, head) => this.deps.hub.handleUpgrade(req, socket, head));
  }

  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private write(res: ServerResponse, answer: Answer): void {
    const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'content-type': typeof answer.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      ...answer.headers,
    });
    res.end(body);
  }

  private async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await this.readBody(req);
    if (url.pathname.startsWith('/api/')) return this.handleApi(req, res, url, raw);
    if (url.pathname.startsWith('/response/')) return this.handleResponseUrl(res, url, raw);
    this.write(res, { status: 404, body: 'not found' });
  }

  // ------------------------------------------------------------------------------------------------ Web API

  private async handleApi(req: IncomingMessage, res: ServerResponse, url: URL, raw: string): Promise<void> {
    const method = decodeURIComponent(url.pathname.slice('/api/'.length));
    let args: Record<string, unknown>;
    try {
      args = decodeArgs(req, raw, url);
    } catch {
      args = {};
    }
    const token = bearer(req) ?? (typeof args.token === 'string' ? args.token : undefined);
    const { token: _token, ...recorded } = args;
    const answer = await this.answerApi(method, args, token, bearer(req));
    await this.sleep(this.deps.latencyMs);
    const body = typeof answer.body === 'object' ? answer.body : undefined;
    const call: CallRecord = { method, args: recorded, at: this.deps.now(), status: answer.status, ok: body?.ok === true };
    if (typeof body?.error === 'string') call.error = body.error;
    this.deps.record(call);
    this.write(res, answer);
    if (this.deps.emitEvents) for (const e of answer.events ?? []) this.deps.fireEvent(e);
  }

  private async answerApi(method: string, args: Record<string, unknown>, token: string | undefined, headerToken: string | undefined): Promise<Answer> {
    const handler = methods[method];
    if (!handler && method !== 'apps.connections.open') return { status: 200, body: { ok: false, error: 'unknown_method', req_method: method } };

    const fault = this.deps.takeFault(method);
    if (fault) {
      await this.sleep(fault.delayMs ?? 0);
      if (fault.rateLimited) {
        return {
          status: 429,
          headers: { 'retry-after': String(fault.rateLimited.retryAfterSeconds) },
          body: { ok: false, error: 'ratelimited' },
        };
      }
      if (fault.httpStatus !== undefined) return { status: fault.httpStatus, body: `emulated HTTP ${fault.httpStatus}` };
      if (fault.error !== undefined) return { status: 200, body: { ok: false, error: fault.error } };
    }

    if (method === 'apps.connections.open') {
      // The app-level token must be in the Authorization header (Slack refuses it as a form field).
      if (headerToken !== this.deps.appToken) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    } else {
      if (token === undefined || token === '') return { status: 200, body: { ok: false, error: 'not_authed' } };
      if (token === this.deps.appToken) return { status: 200, body: { ok: false, error: 'not_allowed_token_type' } };
      if (token !== this.deps.botToken) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    }

    if (this.deps.limiter) {
      const channel = typeof args.channel === 'string' ? args.channel : undefined;
      const retryAfter = this.deps.limiter.check(method, channel);
      if (retryAfter !== undefined) {
        return { status: 429, headers: { 'retry-after': String(retryAfter) }, body: { ok: false, error: 'ratelimited' } };
      }
    }

    if (method === 'apps.connections.open') {
      return { status: 200, body: { ok: true, url: this.deps.hub.connectionUrl((this.server.address() as AddressInfo).port) } };
    }

    const events: Json[] = [];
    const ctx: MethodContext = {
      ws: this.deps.ws,
      args: new Args(args),
      baseUrl: this.baseUrl,
      now: this.deps.now,
      triggerTtlMs: this.deps.triggerTtlMs,
      emitEvent: (e) => events.push(e),
    };
    try {
      const body = handler ? handler(ctx) : { ok: false, error: 'unknown_method' };
      return { status: 200, body, events };
    } catch (err) {
      if (err instanceof SlackApiError) return { status: 200, body: { ok: false, error: err.code, ...err.extra } };
      throw err;
    }
  }

  // ------------------------------------------------------------------------------------------------ response_url

  /**
   * `respond()` posts here. in_channel -> a channel message, replace_original / delete_original -> the message the
   * interaction came from, otherwise an ephemeral message to the user. Recorded as method `response_url`.
   */
  private handleResponseUrl(res: ServerResponse, url: URL, raw: string): void {
    const id = url.pathname.split('/').pop() ?? '';
    const rec = this.deps.ws.responseUrls.get(id);
    let body: Json = {};
    try {
      body = raw.trim() === '' ? {} : (JSON.parse(raw) as Json);
    } catch {
      body = Object.fromEntries(new URLSearchParams(raw));
    }
    const answer = ((): Answer => {
      if (!rec) return { status: 404, body: { ok: false, error: 'expired_url' } };
      // Slack: a response_url works up to 5 times within 30 minutes.
      if (rec.uses >= 5) return { status: 404, body: { ok: false, error: 'used_url' } };
      const ws = this.deps.ws;
      const c = rec.channelId === undefined ? undefined : ws.conversations.get(rec.channelId);
      if (!c) return { status: 404, body: { ok: false, error: 'channel_not_found' } };
      const original = rec.messageTs === undefined ? undefined : c.messages.find((m) => m.ts === rec.messageTs);
      try {
        if (body.delete_original === true || body.delete_original === 'true') {
          if (original) c.messages = c.messages.filter((m) => m !== original);
          else ws.ephemeralMessages.splice(0, ws.ephemeralMessages.length, ...ws.ephemeralMessages.filter((m) => m.ts !== rec.messageTs));
          rec.uses += 1;
          return { status: 200, body: { ok: true } };
        }
        const content = messageContent(ws, new Args(body), { requireContent: true });
        if ((body.replace_original === true || body.replace_original === 'true') && original) {
          if (content.text !== undefined) original.text = content.text;
          original.blocks = content.blocks;
          original.edited = true;
        } else if (body.response_type === 'in_channel') {
          storeBotMessage(ws, c, content, typeof body.thread_ts === 'string' ? body.thread_ts : undefined);
        } else {
          const m = { ts: ws.ids.ts(), channel: c.id, user: ws.botUserId, text: content.text ?? '', botId: ws.botId, ephemeralTo: rec.userId };
          ws.ephemeralMessages.push(content.blocks === undefined ? m : { ...m, blocks: content.blocks });
        }
        rec.uses += 1;
        return { status: 200, body: { ok: true } };
      } catch (err) {
        if (err instanceof SlackApiError) return { status: 400, body: { ok: false, error: err.code, ...err.extra } };
        throw err;
      }
    })();
    const call: CallRecord = { method: 'response_url', args: body, at: this.deps.now(), status: answer.status, ok: answer.status === 200 };
    if (typeof answer.body === 'object' && typeof answer.body.error === 'string') call.error = answer.body.error;
    this.deps.record(call);
    this.write(res, answer);
  }
}
