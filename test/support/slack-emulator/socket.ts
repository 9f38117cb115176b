/**
 * Socket Mode side of the emulator (platform-facts §1): tickets from apps.connections.open, `hello` on connect,
 * envelopes spread round-robin over the connected sockets, acks matched by envelope_id, `disconnect` frames.
 * The emulator never pings (the client's serverPingTimeout only starts after a first server ping).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer } from 'ws';
import type { IdFactory } from './ids.js';
import type { EnvelopeRecord, EnvelopeResult, Json } from './types.js';

/** Slack allows 10 simultaneous Socket Mode connections per app. */
const MAX_CONNECTIONS = 10;

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SendOptions {
  acceptsResponsePayload: boolean;
  label: string;
  timeoutMs?: number;
  retryAttempt?: number;
  retryReason?: string;
}

interface Pending {
  resolve: (r: EnvelopeResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  sentAt: number;
  record: EnvelopeRecord;
}

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class SocketHub {
  readonly envelopes: EnvelopeRecord[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly sockets: WebSocket[] = [];
  private readonly pending = new Map<string, Pending>();
  private waiters: Waiter[] = [];
  private roundRobin = 0;
  private closed = false;
  private refusing = false;

  constructor(
    private readonly opts: { appId: string; ids: IdFactory; ackTimeoutMs: number; now: () => number },
  ) {}

  /** A fresh single-use URL for apps.connections.open. */
  connectionUrl(port: number): string {
    const ticket = this.opts.ids.uuid();
    this.tickets.add(ticket);
    return `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${this.opts.appId}`;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (this.closed || url.pathname !== '/link/' || !this.tickets.has(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.tickets.delete(ticket);
    if (this.refusing) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  private onConnection(ws: WebSocket): void {
    ws.on('error', () => undefined);
    if (this.sockets.length >= MAX_CONNECTIONS) {
      ws.send(JSON.stringify({
        type: 'disconnect',
        reason: 'too_many_websockets',
        num_connections: this.sockets.length,
        debug_info: { host: 'applink-emulator' },
        connection_info: { app_id: this.opts.appId },
      }));
      ws.close(1000);
      return;
    }
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onFrame(data.toString());
    });
    ws.on('close', () => {
      const i = this.sockets.indexOf(ws);
      if (i >= 0) this.sockets.splice(i, 1);
    });
    const hello = {
      type: 'hello',
      num_connections: this.sockets.length + 1,
      debug_info: { host: 'applink-emulator', build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: this.opts.appId },
    };
    ws.send(JSON.stringify(hello), (err) => {
      if (err) return;
      this.sockets.push(ws);
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.resolve();
      }
    });
  }

  private onFrame(text: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    const { envelope_id: envelopeId, payload } = frame as { envelope_id?: unknown; payload?: unknown };
    if (typeof envelopeId !== 'string') return;
    const ackPayload = (typeof payload === 'object' && payload !== null ? payload : {}) as Json;
    const p = this.pending.get(envelopeId);
    if (!p) {
      const late = this.envelopes.find((e) => e.envelopeId === envelopeId);
      if (late && late.status === 'timeout') {
        late.status = 'late_ack';
        late.ackPayload = ackPayload;
      }
      return;
    }
    this.pending.delete(envelopeId);
    clearTimeout(p.timer);
    const ackMs = performance.now() - p.sentAt;
    p.record.status = 'acked';
    p.record.ackPayload = ackPayload;
    p.record.ackMs = ackMs;
    p.resolve({ envelopeId, ackPayload, ackMs, acked: true });
  }

  connectionCount(): number {
    return this.sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  }

  /** Resolves when at least one client holds a connection that got `hello` (at once if one does). */
  waitForConnection(timeoutMs = 5000): Promise<void> {
    if (this.connectionCount() > 0) return Promise.resolve();
    return this.nextConnection(timeoutMs);
  }

  /** Resolves on the next `hello` sent (e.g. after a reconnect). */
  nextConnection(timeoutMs = 10000): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error(`Slack emulator: no Socket Mode client connected within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Sends an envelope to one connected socket and resolves on its ack; rejects after the ack timeout. */
  send(type: EnvelopeType, payload: Json, opts: SendOptions): Promise<EnvelopeResult> {
    const envelopeId = this.opts.ids.uuid();
    const record: EnvelopeRecord = { envelopeId, type, label: opts.label, sentAt: this.opts.now(), status: 'pending' };
    this.envelopes.push(record);
    const open = this.sockets.filter((s) => s.readyState === WebSocket.OPEN);
    if (open.length === 0) {
      record.status = 'undeliverable';
      return Promise.reject(new Error(`Slack emulator: cannot send the ${type} envelope (${opts.label}): no Socket Mode connection (did app.start() finish?)`));
    }
    const socket = open[this.roundRobin++ % open.length] as WebSocket;
    const envelope: Json = { envelope_id: envelopeId, payload, type, accepts_response_payload: opts.acceptsResponsePayload };
    if (type === 'events_api') {
      envelope.retry_attempt = opts.retryAttempt ?? 0;
      envelope.retry_reason = opts.retryReason ?? (opts.retryAttempt ? 'timeout' : '');
    }
    const timeoutMs = opts.timeoutMs ?? this.opts.ackTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        record.status = 'timeout';
        reject(new Error(
          `Slack emulator: the app did not ack the ${type} envelope (${opts.label}) within ${timeoutMs} ms ` +
            `(envelope_id ${envelopeId}); Slack shows the user an error when the ack is late or missing`,
        ));
      }, timeoutMs);
      const sentAt = performance.now();
      this.pending.set(envelopeId, { resolve, reject, timer, sentAt, record });
      socket.send(JSON.stringify(envelope), (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(envelopeId);
        record.status = 'undeliverable';
        reject(new Error(`Slack emulator: sending the ${type} envelope (${opts.label}) failed: ${err.message}`));
      });
    });
  }

  /**
   * Sends a text frame exactly as given (malformed envelopes, for hostile-input tests). With an `envelopeId`, resolves
   * with its ack, or with `acked: false` after the timeout (a missing ack is a finding here, not an emulator error).
   */
  sendRaw(frame: string, opts: { label: string; envelopeId?: string; timeoutMs?: number }): Promise<EnvelopeResult> {
    const envelopeId = opts.envelopeId ?? '';
    const record: EnvelopeRecord = { envelopeId, type: 'raw', label: opts.label, sentAt: this.opts.now(), status: 'pending' };
    this.envelopes.push(record);
    const socket = this.sockets.find((s) => s.readyState === WebSocket.OPEN);
    if (!socket) return Promise.reject(new Error(`Slack emulator: cannot send the raw frame (${opts.label}): no Socket Mode connection`));
    const timeoutMs = opts.timeoutMs ?? this.opts.ackTimeoutMs;
    return new Promise((resolve) => {
      const unacked = () => {
        this.pending.delete(envelopeId);
        record.status = 'timeout';
        resolve({ envelopeId, ackPayload: undefined, ackMs: timeoutMs, acked: false });
      };
      const timer = setTimeout(unacked, envelopeId ? timeoutMs : 0);
      if (envelopeId) this.pending.set(envelopeId, { resolve, reject: unacked, timer, sentAt: performance.now(), record });
      socket.send(frame, (err) => {
        if (err) unacked();
      });
    });
  }

  /** `{type:'disconnect', reason}` to every socket; the client closes and reconnects through apps.connections.open. */
  disconnectAll(reason = 'refresh_requested'): void {
    for (const s of this.sockets) {
      if (s.readyState === WebSocket.OPEN) s.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-emulator' } }));
    }
  }

  /** Drops every socket without a close handshake (a network failure, from the client's point of view). */
  terminateAll(): void {
    for (const s of [...this.sockets]) s.terminate();
  }

  /**
   * An outage of Slack's socket service: while on, every socket is dropped and every new one refused at the upgrade
   * (apps.connections.open still hands out URLs, as it does when only the socket hosts are down).
   */
  refuseConnections(refuse: boolean): void {
    this.refusing = refuse;
    if (refuse) this.terminateAll();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.record.status = 'undeliverable';
      p.reject(new Error(`Slack emulator stopped before envelope ${id} (${p.record.label}) was acked`));
    }
    this.pending.clear();
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Error('Slack emulator stopped'));
    }
    this.waiters = [];
    // Close handshakes first (app.stop() may return before its close frame reached us); a bare terminate()
    // would make the client log a WebSocket error.
    await Promise.all(
      [...this.wss.clients].map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.readyState === WebSocket.CLOSED) return resolve();
            const timer = setTimeout(() => {
              s.terminate();
              resolve();
            }, 1000);
            s.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            if (s.readyState === WebSocket.OPEN) s.close(1001, 'emulator stopping');
          }),
      ),
    );
    this.sockets.length = 0;
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
