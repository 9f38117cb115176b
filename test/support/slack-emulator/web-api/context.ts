/**
 * What a Web API method handler gets, and the error it throws to answer `{ok:false,...}`.
 * Handlers check everything first and change state last, so a failed call never changes state.
 */
import type { Workspace } from '../state.js';
import type { Json, SlackChannel, SlackUser } from '../types.js';

export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Json = {},
  ) {
    super(code);
  }
}

export function invalidArguments(messages: string[]): SlackApiError {
  return new SlackApiError('invalid_arguments', { response_metadata: { messages } });
}

export interface MethodContext {
  ws: Workspace;
  args: Args;
  /** Base URL of the emulator, e.g. `http://127.0.0.1:1234/`. */
  baseUrl: string;
  now: () => number;
  triggerTtlMs: number;
  /** Queue an Events API event; sent over the socket after the answer (only when emitEvents is on). */
  emitEvent: (event: Json) => void;
}

export type MethodHandler = (ctx: MethodContext) => Json;

/** Decoded arguments with Slack's coercions (form values are strings: `'true'`, `'1'`, `'20'`). */
export class Args {
  constructor(readonly raw: Record<string, unknown>) {}

  has(name: string): boolean {
    const v = this.raw[name];
    return v !== undefined && v !== null && v !== '';
  }

  str(name: string): string | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  }

  /** A required string; missing -> `invalid_arguments` `[ERROR] missing required field: <name>` (fixture wording). */
  required(name: string): string {
    const v = this.str(name);
    if (v === undefined || v === '') throw invalidArguments([`[ERROR] missing required field: ${name}`]);
    return v;
  }

  bool(name: string, fallback = false): boolean {
    const v = this.raw[name];
    if (v === undefined || v === null || v === '') return fallback;
    if (typeof v === 'boolean') return v;
    return v === 'true' || v === '1' || v === 1;
  }

  int(name: string, fallback: number): number {
    const v = this.raw[name];
    if (v === undefined || v === null || v === '') return fallback;
    const n = typeof v === 'number' ? v : Number.parseInt(String(v), 10);
    return Number.isFinite(n) ? n : Number.NaN;
  }

  /** A JSON argument that may arrive as a JSON string (form) or an object (JSON body). */
  json(name: string): unknown {
    return this.raw[name];
  }

  list(name: string): string[] {
    const v = this.raw[name];
    if (Array.isArray(v)) return v.map(String).filter((s) => s !== '');
    const s = this.str(name);
    return s === undefined ? [] : s.split(',').map((x) => x.trim()).filter((x) => x !== '');
  }
}

// ------------------------------------------------------------------------------------------------ lookups

/** A conversation by id (`C…`, `G…`, `D…`), or by name (`#name`, `name`) as chat.postMessage allows. */
export function findConversation(ctx: MethodContext, idOrName: string | undefined, opts: { allowName?: boolean } = {}): SlackChannel {
  if (idOrName === undefined || idOrName === '') throw new SlackApiError('channel_not_found');
  const byId = ctx.ws.conversations.get(idOrName);
  if (byId) return byId;
  if (opts.allowName) {
    const byName = ctx.ws.channelByName(idOrName.replace(/^#/, ''));
    if (byName) return byName;
  }
  throw new SlackApiError('channel_not_found');
}

/** Bots cannot see private channels they are not in: Slack answers channel_not_found. */
export function visibleConversation(ctx: MethodContext, id: string | undefined): SlackChannel {
  const c = findConversation(ctx, id);
  if (c.isPrivate && !c.isIm && !ctx.ws.botIsMember(c)) throw new SlackApiError('channel_not_found');
  return c;
}

export function requireMember(ctx: MethodContext, c: SlackChannel): void {
  if (!c.isIm && !ctx.ws.botIsMember(c)) throw new SlackApiError('not_in_channel');
}

export function requireNotArchived(c: SlackChannel): void {
  if (c.isArchived) throw new SlackApiError('is_archived');
}

export function findUser(ctx: MethodContext, id: string | undefined): SlackUser {
  const u = id === undefined ? undefined : ctx.ws.users.get(id);
  if (!u) throw new SlackApiError('user_not_found');
  return u;
}

// ------------------------------------------------------------------------------------------------ cursors

export function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64');
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!m?.[1]) throw new SlackApiError('invalid_cursor');
  return Number(m[1]);
}

/** One page of `items` and Slack's `response_metadata.next_cursor` (`''` on the last page). */
export function paginate<T>(items: T[], args: Args, defaultLimit: number, maxLimit: number): { page: T[]; nextCursor: string } {
  const limit = args.int('limit', defaultLimit);
  if (Number.isNaN(limit) || limit < 0 || limit > maxLimit) throw new SlackApiError('invalid_limit');
  const effective = limit === 0 ? defaultLimit : limit;
  const offset = decodeCursor(args.str('cursor'));
  if (offset > items.length) throw new SlackApiError('invalid_cursor');
  const page = items.slice(offset, offset + effective);
  const next = offset + effective < items.length ? encodeCursor(offset + effective) : '';
  return { page, nextCursor: next };
}
