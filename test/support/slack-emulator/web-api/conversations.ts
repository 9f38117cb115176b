/**
 * conversations.* methods. Errors and argument rules follow Slack's method docs (fixtures/reference/slack-api-ref).
 */
import type { Json, SlackChannel, SlackMessage } from '../types.js';
import {
  SlackApiError,
  findConversation,
  paginate,
  requireMember,
  requireNotArchived,
  visibleConversation,
  type MethodContext,
  type MethodHandler,
} from './context.js';
import { channelObject, messageObject } from './shapes.js';

/** conversations.create / rename name rules (platform-facts §3.2). Returns Slack's error code or undefined. */
export function channelNameError(name: string | undefined): string | undefined {
  if (name === undefined || name === '') return 'invalid_name_required';
  if ([...name].length > 80) return 'invalid_name_maxlength';
  if (/^[-_]+$/.test(name)) return 'invalid_name_punctuation';
  if (!/^[\p{Ll}\p{Lo}\p{Nd}_-]+$/u.test(name)) return 'invalid_name_specials';
  return undefined;
}

/** Numeric key of a Slack ts (`'1700000000.000100'` or `'1700000000'`), safe to compare. */
export function tsKey(ts: string): bigint {
  const [sec = '0', frac = ''] = ts.split('.');
  if (!/^\d+$/.test(sec) || !/^\d*$/.test(frac)) return -1n;
  return BigInt(sec) * 1_000_000n + BigInt((frac + '000000').slice(0, 6));
}

function systemMessage(ctx: MethodContext, c: SlackChannel, user: string, subtype: string, text: string): SlackMessage {
  return { ts: ctx.ws.ids.ts(), channel: c.id, user, text, subtype };
}

function joinEvent(ctx: MethodContext, c: SlackChannel, user: string, inviter?: string): Json {
  const event: Json = {
    type: 'member_joined_channel',
    user,
    channel: c.id,
    channel_type: c.isPrivate ? 'G' : 'C',
    team: ctx.ws.teamId,
    event_ts: ctx.ws.ids.actionTs(),
  };
  if (inviter !== undefined) event.inviter = inviter;
  return event;
}

function addMembers(ctx: MethodContext, c: SlackChannel, users: string[], inviter?: string): void {
  for (const u of users) {
    if (c.members.includes(u)) continue;
    c.members.push(u);
    c.messages.push(systemMessage(ctx, c, u, 'channel_join', `<@${u}> has joined the channel`));
    ctx.emitEvent(joinEvent(ctx, c, u, inviter));
  }
}

const create: MethodHandler = (ctx) => {
  const name = ctx.args.str('name');
  const nameError = channelNameError(name);
  if (nameError) throw new SlackApiError(nameError);
  if (ctx.ws.channels().some((c) => c.name === name)) throw new SlackApiError('name_taken');
  const channel = ctx.ws.addChannel({
    name: name ?? '',
    isPrivate: ctx.args.bool('is_private'),
    members: [ctx.ws.botUserId],
    creator: ctx.ws.botUserId,
  });
  ctx.emitEvent({
    type: channel.isPrivate ? 'group_created' : 'channel_created',
    channel: { id: channel.id, name: channel.name, created: channel.created, creator: channel.creator },
  });
  return {
    ok: true,
    channel: { ...channelObject(ctx.ws, channel), last_read: '0000000000.000000', latest: null, unread_count: 0, unread_count_display: 0, priority: 0 },
  };
};

const info: MethodHandler = (ctx) => {
  const c = visibleConversation(ctx, ctx.args.str('channel'));
  return { ok: true, channel: channelObject(ctx.ws, c, { numMembers: ctx.args.bool('include_num_members') }) };
};

const rename: MethodHandler = (ctx) => {
  const c = visibleConversation(ctx, ctx.args.str('channel'));
  if (c.isIm) throw new SlackApiError('method_not_supported_for_channel_type');
  requireMember(ctx, c);
  requireNotArchived(c);
  const name = ctx.args.str('name');
  const nameError = channelNameError(name);
  if (nameError) throw new SlackApiError(nameError);
  if (ctx.ws.channels().some((o) => o.name === name && o.id !== c.id)) throw new SlackApiError('name_taken');
  if (name !== c.name && name !== undefined) {
    c.previousNames.unshift(c.name);
    c.name = name;
    c.messages.push(systemMessage(ctx, c, ctx.ws.botUserId, c.isPrivate ? 'group_name' : 'channel_name', `renamed the channel to "${name}"`));
    ctx.emitEvent({
      type: c.isPrivate ? 'group_rename' : 'channel_rename',
      channel: { id: c.id, name: c.name, name_normalized: c.name, created: c.created, is_channel: !c.isPrivate, is_mpim: false },
      event_ts: ctx.ws.ids.actionTs(),
    });
  }
  return { ok: true, channel: channelObject(ctx.ws, c) };
};

const archive: MethodHandler = (ctx) => {
  const c = visibleConversation(ctx, ctx.args.str('channel'));
  if (c.isIm) throw new SlackApiError('method_not_supported_for_channel_type');
  if (c.isArchived) throw new SlackApiError('already_archived');
  if (c.isGeneral) throw new SlackApiError('cant_archive_general');
  requireMember(ctx, c);
  c.isArchived = true;
  ctx.emitEvent({ type: c.isPrivate ? 'group_archive' : 'channel_archive', channel: c.id, user: ctx.ws.botUserId });
  return { ok: true };
};

const unarchive: MethodHandler = (ctx) => {
  const c = visibleConversation(ctx, ctx.args.str('channel'));
  if (c.isIm) throw new SlackApiError('method_not_supported_for_channel_type');
  if (!c.isArchived) throw new SlackApiError('not_archived');
  c.isArchived = false;
  ctx.emitEvent({ type: c.isPrivate ? 'group_unarchive' : 'channel_unarchive', channel: c.id, user: ctx.ws.botUserId });
  return { ok: true };
};

function setText(field: 'topic' | 'purpose'): MethodHandler {
  return (ctx) => {
    const c = visibleConversation(ctx, ctx.args.str('channel'));
    if (c.isIm) throw new SlackApiError('method_not_supported_for_channel_type');
    const value = ctx.args.str(field);
    if (value === undefined) ctx.args.required(field);
    requireMember(ctx, c);
    requireNotArchived(c);
    if ([...(value ?? '')].length > 250) throw new SlackApiError('too_long');
    c[field] = value ?? '';
    c.messages.push(systemMessage(ctx, c, ctx.ws.botUserId, `channel_${field}`, `set the channel ${field}: ${c[field]}`));
    return { ok: true, channel: channelObject(ctx.ws, c) };
  };
}

const invite: MethodHandler = (ctx) => {
  const c = findConversation(ctx, ctx.args.str('channel'));
  if (c.isIm) throw new SlackApiError('method_not_supported_for_channel_type');
  if (c.isPrivate && !ctx.ws.botIsMember(c)) throw new SlackApiError('channel_not_found');
  const users = ctx.args.list('users');
  if (users.length === 0) throw new SlackApiError('no_user');
  // Slack documents "up to 100 users"; the error name for more is not documented.
  if (users.length > 100) throw new SlackApiError('too_many_users');
  requireMember(ctx, c);
  requireNotArchived(c);
  const errors: Json[] = [];
  const valid: string[] = [];
  for (const u of users) {
    const user = ctx.ws.users.get(u);
    let error: string | undefined;
    if (!user || user.deleted) error = 'user_not_found';
    else if (u === ctx.ws.botUserId) error = 'cant_invite_self';
    else if (c.members.includes(u)) error = 'already_in_channel';
    if (error) errors.push({ user: u, ok: false, error });
    else if (!valid.includes(u)) valid.push(u);
  }
  const first = errors[0];
  if (first && !ctx.args.bool('force')) throw new SlackApiError(String(first.error), { errors });
  addMembers(ctx, c, valid, ctx.ws.botUserId);
  const out: Json = { ok: true, channel: channelObject(ctx.ws, c) };
  if (errors.length > 0) out.errors = errors;
  return out;
};

const join: MethodHandler = (ctx) => {
  const c = visibleConversation(ctx, ctx.args.str('channel'));
  if (c.isIm) throw new SlackApiError('method_not_supported_for_channel_type');
  requireNotArchived(c);
  if (ctx.ws.botIsMember(c)) {
    return {
      ok: true,
      channel: channelObject(ctx.ws, c),
      warning: 'already_in_channel',
      response_metadata: { warnings: ['already_in_channel'] },
    };
  }
  addMembers(ctx, c, [ctx.ws.botUserId]);
  return { ok: true, channel: channelObject(ctx.ws, c) };
};

const kick: MethodHandler = (ctx) => {
  const c = visibleConversation(ctx, ctx.args.str('channel'));
  if (c.isIm) throw new SlackApiError('method_not_supported_for_channel_type');
  const user = ctx.args.str('user');
  if (user === undefined || !ctx.ws.users.has(user)) throw new SlackApiError('user_not_found');
  if (user === ctx.ws.botUserId) throw new SlackApiError('cant_kick_self');
  if (c.isGeneral) throw new SlackApiError('cant_kick_from_general');
  requireMember(ctx, c);
  if (!c.members.includes(user)) throw new SlackApiError('not_in_channel');
  c.members = c.members.filter((m) => m !== user);
  ctx.emitEvent({ type: 'member_left_channel', user, channel: c.id, channel_type: c.isPrivate ? 'G' : 'C', team: ctx.ws.teamId });
  return { ok: true };
};

const members: MethodHandler = (ctx) => {
  const c = visibleConversation(ctx, ctx.args.str('channel'));
  const { page, nextCursor } = paginate(c.members, ctx.args, 100, 1000);
  return { ok: true, members: page, response_metadata: { next_cursor: nextCursor } };
};

const list: MethodHandler = (ctx) => {
  const types = new Set(ctx.args.list('types'));
  if (types.size === 0) types.add('public_channel');
  for (const t of types) if (!['public_channel', 'private_channel', 'im', 'mpim'].includes(t)) throw new SlackApiError('invalid_types');
  const excludeArchived = ctx.args.bool('exclude_archived');
  const all = [...ctx.ws.conversations.values()].filter((c) => {
    if (excludeArchived && c.isArchived) return false;
    if (c.isIm) return types.has('im');
    if (c.isPrivate) return types.has('private_channel') && ctx.ws.botIsMember(c);
    return types.has('public_channel');
  });
  const { page, nextCursor } = paginate(all, ctx.args, 100, 1000);
  return {
    ok: true,
    channels: page.map((c) => channelObject(ctx.ws, c, { numMembers: !c.isIm })),
    response_metadata: { next_cursor: nextCursor },
  };
};

function parseTsArg(ctx: MethodContext, name: 'latest' | 'oldest', code: string): bigint | undefined {
  const v = ctx.args.str(name);
  if (v === undefined || v === '') return undefined;
  const key = tsKey(v);
  if (key < 0n) throw new SlackApiError(code);
  return key;
}

const history: MethodHandler = (ctx) => {
  const c = visibleConversation(ctx, ctx.args.str('channel'));
  requireMember(ctx, c);
  const latest = parseTsArg(ctx, 'latest', 'invalid_ts_latest');
  const oldest = parseTsArg(ctx, 'oldest', 'invalid_ts_oldest');
  const inclusive = ctx.args.bool('inclusive');
  const selected = c.messages
    .filter((m) => m.threadTs === undefined || m.threadTs === m.ts)
    .filter((m) => {
      const k = tsKey(m.ts);
      if (latest !== undefined && (inclusive ? k > latest : k >= latest)) return false;
      if (oldest !== undefined && (inclusive ? k < oldest : k <= oldest)) return false;
      return true;
    })
    .sort((a, b) => (tsKey(b.ts) > tsKey(a.ts) ? 1 : -1));
  const { page, nextCursor } = paginate(selected, ctx.args, 100, 999);
  return {
    ok: true,
    messages: page.map((m) => messageObject(ctx.ws, m)),
    has_more: nextCursor !== '',
    pin_count: c.pins.length,
    response_metadata: { next_cursor: nextCursor },
  };
};

const replies: MethodHandler = (ctx) => {
  const c = visibleConversation(ctx, ctx.args.str('channel'));
  requireMember(ctx, c);
  const ts = ctx.args.str('ts');
  const parent = ts === undefined ? undefined : c.messages.find((m) => m.ts === ts);
  if (!parent) throw new SlackApiError('thread_not_found');
  const root = parent.threadTs ?? parent.ts;
  const thread = c.messages.filter((m) => m.ts === root || m.threadTs === root).sort((a, b) => (tsKey(a.ts) > tsKey(b.ts) ? 1 : -1));
  const { page, nextCursor } = paginate(thread, ctx.args, 1000, 1000);
  return { ok: true, messages: page.map((m) => messageObject(ctx.ws, m)), has_more: nextCursor !== '', response_metadata: { next_cursor: nextCursor } };
};

const open: MethodHandler = (ctx) => {
  const channelArg = ctx.args.str('channel');
  let im: SlackChannel;
  let existed: boolean;
  if (channelArg !== undefined && channelArg !== '') {
    const c = findConversation(ctx, channelArg);
    if (!c.isIm) throw new SlackApiError('method_not_supported_for_channel_type');
    im = c;
    existed = true;
  } else {
    const users = ctx.args.list('users');
    if (users.length === 0) throw new SlackApiError('users_list_not_supplied');
    // Multi-person ims (mpim) are not emulated.
    if (users.length > 1) throw new SlackApiError('not_implemented');
    const user = users[0] ?? '';
    if (!ctx.ws.users.has(user)) throw new SlackApiError('user_not_found');
    existed = ctx.ws.findIm(user) !== undefined;
    im = ctx.ws.imWith(user);
  }
  const channel = ctx.args.bool('return_im') ? channelObject(ctx.ws, im) : { id: im.id };
  return existed ? { ok: true, no_op: true, already_open: true, channel } : { ok: true, channel };
};

export const conversationMethods: Record<string, MethodHandler> = {
  'conversations.create': create,
  'conversations.info': info,
  'conversations.rename': rename,
  'conversations.archive': archive,
  'conversations.unarchive': unarchive,
  'conversations.setTopic': setText('topic'),
  'conversations.setPurpose': setText('purpose'),
  'conversations.invite': invite,
  'conversations.join': join,
  'conversations.kick': kick,
  'conversations.members': members,
  'conversations.list': list,
  'conversations.history': history,
  'conversations.replies': replies,
  'conversations.open': open,
};
