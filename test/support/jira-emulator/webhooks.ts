// Outgoing webhooks (Jira -> app): signing and delivery.
// Jira Cloud admin webhooks with a secret send `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>`.

import { createHmac, randomInt } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { WebhookConfig, WebhookDelivery } from './types.js';
import { sleep } from './util.js';
import { registerSecret } from '../log-audit.js';

/** `sha256=<hex>` HMAC-SHA256 of the exact body bytes, as Jira puts in `X-Hub-Signature`. */
export function signWebhookBody(body: string | Uint8Array, secret: string): string {
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  // A signature is as good as the secret for that body: it must never reach a log (test/support/log-audit.ts).
  registerSecret('X-Hub-Signature', signature);
  return signature;
}

export const ALL_WEBHOOK_EVENTS = ['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted', 'comment_created'];

const RETRYABLE = (status: number | undefined): boolean => status === undefined || status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;

function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const lib = target.protocol === 'https:' ? https : http;
    const req = lib.request(target, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`webhook delivery timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export class WebhookDispatcher {
  private config: WebhookConfig | undefined;
  private readonly log: WebhookDelivery[] = [];
  private queue: Promise<void> = Promise.resolve();
  private identifierCounter = 0;
  private readonly identifierBase: number;
  private readonly timeoutMs = 5000;

  constructor() {
    // Numeric like Jira's identifiers; random so that emulators with a fixed clock never reuse one.
    this.identifierBase = randomInt(1_000_000_000_000, 9_000_000_000_000);
  }

  configure(config: WebhookConfig | undefined): void {
    this.config = config ? { ...config, events: config.events ? [...config.events] : undefined } : undefined;
  }

  isSubscribed(event: string): boolean {
    const c = this.config;
    if (!c) return false;
    return (c.events ?? ALL_WEBHOOK_EVENTS).includes(event);
  }

  deliveries(): WebhookDelivery[] {
    return this.log.map((d) => ({ ...d, headers: { ...d.headers } }));
  }

  /** Resolves once every queued delivery (with its retries) has finished. */
  async idle(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.queue;
      await current;
    } while (current !== this.queue);
  }

  /**
   * Queues one delivery of `payload` for `event` if a webhook is configured and subscribed to it. Deliveries go out
   * one at a time, in order. The body is serialised once: the signature covers exactly the bytes sent.
   */
  enqueue(event: string, payload: Record<string, unknown>): void {
    const config = this.config;
    if (!config || !this.isSubscribed(event)) return;
    const body = JSON.stringify(payload);
    this.identifierCounter += 1;
    const identifier = String(this.identifierBase + this.identifierCounter);
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=UTF-8',
      'user-agent': 'Atlassian Webhook HTTP Client',
      'x-atlassian-webhook-identifier': identifier,
      'x-atlassian-webhook-flow': 'Primary',
      'x-hub-signature': signWebhookBody(body, config.secret),
    };
    this.queue = this.queue.then(() => this.deliverWithRetries(config, event, body, headers, identifier));
  }

  /** Sends a recorded delivery again (same body and identifier, `X-Atlassian-Webhook-Retry` set), like a Jira retry. */
  redeliver(index: number): Promise<WebhookDelivery> {
    const original = this.log[index];
    if (!original) throw new Error(`redeliver: no delivery #${index}`);
    const attempt = Math.max(...this.log.filter((d) => d.identifier === original.identifier).map((d) => d.attempt)) + 1;
    const run = this.queue.then(() => this.attempt(original.url, original.event, original.body, original.headers, original.identifier, attempt));
    this.queue = run.then(() => undefined);
    return run;
  }

  private async deliverWithRetries(config: WebhookConfig, event: string, body: string, headers: Record<string, string>, identifier: string): Promise<void> {
    const retries = config.retries ?? 0;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(config.retryDelayMs ?? 50);
      const delivery = await this.attempt(config.url, event, body, headers, identifier, attempt);
      if (!RETRYABLE(delivery.status)) return;
    }
  }

  private async attempt(url: string, event: string, body: string, baseHeaders: Record<string, string>, identifier: string, attempt: number): Promise<WebhookDelivery> {
    const headers = { ...baseHeaders };
    delete headers['x-atlassian-webhook-retry'];
    if (attempt > 0) headers['x-atlassian-webhook-retry'] = String(attempt);
    const delivery: WebhookDelivery = { event, url, body, headers, attempt, identifier };
    this.log.push(delivery);
    try {
      delivery.status = await post(url, body, headers, this.timeoutMs);
    } catch (e) {
      delivery.error = e instanceof Error ? e.message : String(e);
    }
    return delivery;
  }
}
