/**
 * auth.test, team.info, users.*, pins.*, bookmarks.*, reactions.*.
 */
import type { Json, SlackBookmark, SlackChannel } from '../types.js';
import {
  SlackApiError,
  findConversation,
  findUser,
  paginate,
  requireMember,
  visibleConversation,
  type MethodContext,
  type MethodHandler,
} from './context.js';
import { messageObject, userObject } from './shapes.js';

const authTest: MethodHandler = (ctx) => ({
  ok: true,
  url: `https://${ctx.ws.teamDomain}.slack.com/`,
  team: ctx.ws.teamName,
  user: ctx.ws.botName,
  team_id: ctx.ws.teamId,
  user_id: ctx.ws.botUserId,
  bot_id: ctx.ws.botId,
  is_enterprise_install: false,
});

const teamInfo: MethodHandler = (ctx) => ({
  ok: true,
  team: {
    id: ctx.ws.teamId,
    name: ctx.ws.teamName,
    url: `https://${ctx.ws.teamDomain}.slack.com/`,
    domain: ctx.ws.teamDomain,
    email_domain: '',
    icon: { image_default: true, image_34: 'https://a.slack-edge.com/dfc0/img/avatars-teams/ava_0001-34.png' },
    avatar_base_url: 'https://ca.slack-edge.com/',
    is_verified: false,
  },
});

const usersInfo: MethodHandler = (ctx) => ({ ok: true, user: userObject(ctx.ws, findUser(ctx, ctx.args.str('user'))) });

const usersLookupByEmail: MethodHandler = (ctx) => {
  const email = ctx.args.str('email')?.toLowerCase();
  const user = [...ctx.ws.users.values()].find((u) => email !== undefined && u.email?.toLowerCase() === email && !u.deleted);
  if (!user) throw new SlackApiError('users_not_found');
  return { ok: true, user: userObject(ctx.ws, user) };
};

const usersList: MethodHandler = (ctx) => {
  const { page, nextCursor } = paginate([...ctx.ws.users.values()], ctx.args, 1000, 1000);
  return {
    ok: true,
    members: page.map((u) => userObject(ctx.ws, u)),
    cache_ts: ctx.ws.nowSeconds(),
    response_metadata: { next_cursor: nextCursor },
  };
};

// ------------------------------------------------------------------------------------------------ pins

function pinTarget(ctx: MethodContext): { c: SlackChannel; ts: string } {
  const c = visibleConversation(ctx, ctx.args.str('channel'));
  const ts = ctx.args.str('timestamp');
  if (ts === undefined || ts === '') throw new SlackApiError('no_item_specified');
  if (!/^\d+(\.\d+)?$/.test(ts)) throw new SlackApiError('bad_timestamp');
  if (!c.messages.some((m) => m.ts === ts)) throw new SlackApiError('message_not_found');
  requireMember(ctx, c);
  return { c, ts };
}

const pinsAdd: MethodHandler = (ctx) => {
  const { c, ts } = pinTarget(ctx);
  if (c.pins.includes(ts)) throw new SlackApiError('already_pinned');
  c.pins.push(ts);
  return { ok: true };
};

const pinsRemove: MethodHandler = (ctx) => {
  const { c, ts } = pinTarget(ctx);
  if (!c.pins.includes(ts)) throw new SlackApiError('no_pin');
  c.pins = c.pins.filter((p) => p !== ts);
  return { ok: true };
};

const pinsList: MethodHandler = (ctx) => {
  const c = visibleConversation(ctx, ctx.args.str('channel'));
  const items = c.pins
    .map((ts) => c.messages.find((m) => m.ts === ts))
    .filter((m) => m !== undefined)
    .map((m) => ({ type: 'message', created: c.created, created_by: ctx.ws.botUserId, channel: c.id, message: messageObject(ctx.ws, m) }));
  return { ok: true, items };
};

// ------------------------------------------------------------------------------------------------ bookmarks

function bookmarkObject(ctx: MethodContext, c: SlackChannel, b: SlackBookmark): Json {
  return {
    id: b.id,
    channel_id: c.id,
    title: b.title,
    link: b.link,
    emoji: b.emoji ?? null,
    icon_url: null,
    type: b.type,
    entity_id: null,
    date_created: b.created,
    date_updated: b.updated,
    rank: String.fromCharCode(103 + c.bookmarks.indexOf(b)),
    last_updated_by_user_id: ctx.ws.botUserId,
    last_updated_by_team_id: ctx.ws.teamId,
    shortcut_id: null,
    app_id: ctx.ws.appId,
  };
}

function checkLink(link: string | undefined): void {
  if (link !== undefined && !/^https?:\/\//.test(link)) throw new SlackApiError('invalid_link');
  if (link !== undefined && link.length > 2048) throw new SlackApiError('invalid_link');
}

function checkEmoji(emoji: string | undefined): void {
  if (emoji !== undefined && emoji !== '' && !/^:[a-z0-9_+'-]+:$/.test(emoji)) throw new SlackApiError('invalid_emoji');
}

const bookmarksAdd: MethodHandler = (ctx) => {
  const c = visibleConversation(ctx, ctx.args.str('channel_id'));
  const title = ctx.args.required('title');
  const type = ctx.args.required('type');
  if (type !== 'link') throw new SlackApiError('invalid_bookmark_type');
  const link = ctx.args.str('link');
  if (link === undefined || link === '') throw new SlackApiError('invalid_link');
  checkLink(link);
  const emoji = ctx.args.str('emoji');
  checkEmoji(emoji);
  if ([...title].length > 256) throw new SlackApiError('invalid_arguments');
  if (c.bookmarks.length >= 100) throw new SlackApiError('too_many_bookmarks');
  const b: SlackBookmark = { id: ctx.ws.ids.id('Bk'), title, link, type, created: ctx.ws.nowSeconds(), updated: 0 };
  if (emoji !== undefined && emoji !== '') b.emoji = emoji;
  c.bookmarks.push(b);
  return { ok: true, bookmark: bookmarkObject(ctx, c, b) };
};

function findBookmark(ctx: MethodContext): { c: SlackChannel; b: SlackBookmark } {
  const c = visibleConversation(ctx, ctx.args.str('channel_id'));
  const id = ctx.args.str('bookmark_id');
  const b = c.bookmarks.find((x) => x.id === id);
  if (!b) throw new SlackApiError('not_found');
  return { c, b };
}

const bookmarksEdit: MethodHandler = (ctx) => {
  const { c, b } = findBookmark(ctx);
  const title = ctx.args.str('title');
  const link = ctx.args.str('link');
  const emoji = ctx.args.str('emoji');
  checkLink(link);
  checkEmoji(emoji);
  if (title !== undefined) b.title = title;
  if (link !== undefined) b.link = link;
  if (emoji !== undefined) {
    if (emoji === '') delete b.emoji;
    else b.emoji = emoji;
  }
  b.updated = ctx.ws.nowSeconds();
  return { ok: true, bookmark: bookmarkObject(ctx, c, b) };
};

const bookmarksRemove: MethodHandler = (ctx) => {
  const { c, b } = findBookmark(ctx);
  c.bookmarks = c.bookmarks.filter((x) => x !== b);
  return { ok: true };
};

const bookmarksList: MethodHandler = (ctx) => {
  const c = visibleConversation(ctx, ctx.args.str('channel_id'));
  return { ok: true, bookmarks: c.bookmarks.map((b) => bookmarkObject(ctx, c, b)) };
};

// ------------------------------------------------------------------------------------------------ reactions

function reactionTarget(ctx: MethodContext) {
  const c = findConversation(ctx, ctx.args.str('channel'));
  const ts = ctx.args.str('timestamp');
  if (ts === undefined || ts === '') throw new SlackApiError('no_item_specified');
  const m = c.messages.find((x) => x.ts === ts);
  if (!m) throw new SlackApiError('message_not_found');
  const name = ctx.args.str('name')?.replace(/^:|:$/g, '');
  if (name === undefined || !/^[a-z0-9_+'-]+(::skin-tone-\d)?$/.test(name)) throw new SlackApiError('invalid_name');
  return { c, m, name };
}

const reactionsAdd: MethodHandler = (ctx) => {
  const { c, m, name } = reactionTarget(ctx);
  if (c.isArchived) throw new SlackApiError('is_archived');
  const existing = m.reactions?.find((r) => r.name === name);
  if (existing?.users.includes(ctx.ws.botUserId)) throw new SlackApiError('already_reacted');
  if (existing) existing.users.push(ctx.ws.botUserId);
  else (m.reactions ??= []).push({ name, users: [ctx.ws.botUserId] });
  return { ok: true };
};

const reactionsRemove: MethodHandler = (ctx) => {
  const { m, name } = reactionTarget(ctx);
  const existing = m.reactions?.find((r) => r.name === name);
  if (!existing?.users.includes(ctx.ws.botUserId)) throw new SlackApiError('no_reaction');
  existing.users = existing.users.filter((u) => u !== ctx.ws.botUserId);
  if (existing.users.length === 0) m.reactions = m.reactions?.filter((r) => r !== existing);
  return { ok: true };
};

export const miscMethods: Record<string, MethodHandler> = {
  'auth.test': authTest,
  'team.info': teamInfo,
  'users.info': usersInfo,
  'users.lookupByEmail': usersLookupByEmail,
  'users.list': usersList,
  'pins.add': pinsAdd,
  'pins.remove': pinsRemove,
  'pins.list': pinsList,
  'bookmarks.add': bookmarksAdd,
  'bookmarks.edit': bookmarksEdit,
  'bookmarks.remove': bookmarksRemove,
  'bookmarks.list': bookmarksList,
  'reactions.add': reactionsAdd,
  'reactions.remove': reactionsRemove,
};
