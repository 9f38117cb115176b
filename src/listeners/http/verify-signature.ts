import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks `X-Hub-Signature: sha256=<hex>` (WebSub, as Jira's admin webhooks send it): HMAC-SHA256 of the exact raw
 * bytes with the shared secret, compared in constant time. No secret configured means nothing is accepted.
 */
export function verifyHubSignature(raw: Buffer, header: string | string[] | undefined, secret: string | undefined): boolean {
  if (!secret || typeof header !== 'string') return false;
  const eq = header.indexOf('=');
  if (eq < 0) return false;
  // FireFighter compares the method name case-insensitively; so do we.
  if (header.slice(0, eq).trim().toLowerCase() !== 'sha256') return false;
  const hex = header.slice(eq + 1).trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

export function signHubBody(raw: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}
