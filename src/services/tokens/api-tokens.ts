import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { PayloadError, TokenError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { ApiToken } from '../../models/api-token.js';

const TOKEN_PREFIX = 'inc_';
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface ApiTokenInfo {
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** SHA-256 of a token: a token has 256 random bits, so a fast hash is enough to make the stored value useless. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Makes a token; the value is returned this once and only its hash is stored. */
export async function createApiToken(name: string, now = new Date()): Promise<{ name: string; token: string }> {
  if (!NAME_PATTERN.test(name)) throw new PayloadError('a token name is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit', ['name']);
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  try {
    await ApiToken.create({ _id: hashToken(token).toString('hex'), name, createdAt: now });
  } catch (error) {
    if ((error as { code?: number }).code === 11000) throw new TokenError('token_name_taken', `a token named "${name}" already exists; revoke it first`);
    throw error;
  }
  return { name, token };
}

export async function listApiTokens(): Promise<ApiTokenInfo[]> {
  const tokens = await ApiToken.find({}).sort({ name: 1 }).lean();
  return tokens.map((t) => ({ name: t.name, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt ?? null }));
}

/** Deletes the token: every later request with it is refused, in this process and in any other. */
export async function revokeApiToken(name: string): Promise<void> {
  const removed = await ApiToken.deleteOne({ name });
  if (removed.deletedCount === 0) throw new TokenError('token_not_found', `no token is named "${name}"`);
}

/** The token of an `Authorization: Bearer <token>` header, or null when there is none. */
export function bearerTokenOf(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  return match ? match[1]! : null;
}

export interface TokenVerifier {
  /** The name of the token in this Authorization header, or null when it is missing, unknown or revoked. */
  verify(authorization: string | string[] | undefined): Promise<{ name: string } | null>;
}

/**
 * Checks tokens against the store on every request (so a revocation holds at once, even one made by the CLI in
 * another process). The work does not depend on how close a wrong token is to a right one: the hash of the presented
 * token is looked up by `_id` and compared in constant time, against a random value when nothing was found. The last
 * use is written at most once a minute per token, without waiting for it.
 */
export function createTokenVerifier(options: { logger: Logger; touchEveryMs?: number; now?: () => number }): TokenVerifier {
  const now = options.now ?? Date.now;
  const touchEveryMs = options.touchEveryMs ?? 60_000;
  const lastTouched = new Map<string, number>();
  const touch = (id: string, name: string) => {
    const at = now();
    if (at - (lastTouched.get(id) ?? 0) < touchEveryMs) return;
    lastTouched.set(id, at);
    ApiToken.updateOne({ _id: id }, { $set: { lastUsedAt: new Date(at) } }).catch((error: Error) => {
      options.logger.warn('could not record the last use of an API token', { token: name, error: error.message });
    });
  };
  return {
    verify: async (authorization) => {
      const presented = bearerTokenOf(authorization);
      if (presented === null) return null;
      const digest = hashToken(presented);
      const id = digest.toString('hex');
      const found = await ApiToken.findById(id).lean();
      const expected = found ? Buffer.from(found._id, 'hex') : randomBytes(digest.length);
      const equal = timingSafeEqual(expected, digest);
      if (!found || !equal) return null;
      touch(id, found.name);
      return { name: found.name };
    },
  };
}
