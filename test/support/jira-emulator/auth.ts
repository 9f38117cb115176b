// Basic authentication, as Jira Cloud does it for API tokens: `Authorization: Basic base64(email:apiToken)`.

import { timingSafeEqual } from 'node:crypto';
import { errorBody, type JiraErrorBody } from './util.js';

export interface Credentials {
  email: string;
  apiToken: string;
}

/** Body Jira answers (401) when credentials are missing or wrong. */
export const UNAUTHENTICATED_BODY: JiraErrorBody = errorBody([
  'You are not authenticated. Authentication required to perform this operation.',
]);

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Parses an `Authorization: Basic …` header. Returns undefined when absent or malformed. */
export function parseBasicAuth(header: string | undefined): Credentials | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { email: decoded.slice(0, colon), apiToken: decoded.slice(colon + 1) };
}

/** True when the header carries exactly the accepted credentials (email compared case-insensitively). */
export function isAuthorized(header: string | undefined, accepted: Credentials): boolean {
  const given = parseBasicAuth(header);
  if (!given) return false;
  return safeEqual(given.email.toLowerCase(), accepted.email.toLowerCase()) && safeEqual(given.apiToken, accepted.apiToken);
}
