/**
 * chat.* methods, plus the message-content rules shared with response_url posts.
 */
import { formatIssues, validateMessageBlocks } from '../block-kit-limits.js';
import type { Workspace } from '../state.js';
import type { Json, SlackChannel, SlackMessage } from '../types.js';
import { Args, SlackApiError, findConversation, type MethodContext, type MethodHandler } from './context.js';
import { messageObject } from './shapes.js';

export const MAX_MESSAGE_TEXT = 40_000;

export interface MessageContent {
  text?: string;
  blocks?: Json[];
  attachments?: unknown[];
  metadata?: unknown;
}

/**
 * Checks text / blocks / attachments / metadata as Slack does. Blocks over the limits answer `invalid_blocks` with
 * `[ERROR] … [json-pointer:/blocks/…]` messages; text longer than 40 000 characters is truncated, not refused.
 */
export function messageContent(ws: Workspace, args: Args, opts: { requireContent: boolean }): MessageContent {
  const out: MessageContent = {};
  const rawBlocks = args.json('blocks');
  if (rawBlocks !== undefined && rawBlocks !== null && rawBlocks !== '') {
    if (!Array.isArray(rawBlocks)) throw new SlackApiError('invalid_blocks_format');
    const issues = validateMessageBlocks(rawBlocks);
    if (issues.length > 0) throw new SlackApiError('invalid_blocks', { response_metadata: { messages: formatIssues(issues) } });
    out.blocks = ws.withGeneratedIds(structuredClone(rawBlocks));
  }
  const rawAttachments = args.json('attachments');
  if (rawAttachments !== undefined && rawAttachments !== null && rawAttachments !== '') {
    if (!Array.isArray(rawAttachments)) throw new SlackApiError('invalid_attachments');
    if (rawAttachments.length > 100) throw new SlackApiError('too_many_attachments');
    out.attachments = structuredClone(rawAttachments);
  }
  const rawMetadata = args.json('metadata');
  if (rawMetadata !== undefined && rawMetadata !== null && rawMetadata !== '') {
    const m = rawMetadata as Json;
    if (typeof m !== 'object' || typeof m.event_type !== 'string' || (m.event_payload !== undefined && typeof m.event_payload !== 'object')) {
      throw new SlackApiError('invalid_metadata_format');
    }
    out.metadata = structuredClone(m);
  }
  const text = args.str('text');
  const markdown = args.str('markdown_text');
  if (markdown !== undefined && markdown !== '') {
    if (text !== undefined && text !== '') throw new SlackApiError('markdown_text_conflict');
    if (out.blocks !== undefined) throw new SlackApiError('markdown_text_conflict');
    if ([...markdown].length > 12_000) throw new SlackApiError('msg_too_long');
    out.text = markdown;
  } else if (text !== undefined) {
    out.text = [...text].length > MAX_MESSAGE_TEXT ? [...text].slice(0, MAX_MESSAGE_TEXT).join('') : text;
  }
  if (opts.requireContent && !out.text && out.blocks === undefined && out.attachments === undefined) {
    throw new SlackApiError('no_text');
  }
  return out;
}

/** Target of chat.postMessage: a channel id or name, an im id, or a user id (the bot's DM with that user). */
export function postTarget(ctx: MethodContext, channel: string | undefined): SlackChannel {
  if (channel !== undefined && /^[UW][A-Z0-9]+$/.test(channel) && ctx.ws.users.has(channel)) return ctx.ws.imWith(channel);
  const c = findConversation(ctx, channel, { allowName: true });
  if (c.isArchived) throw new SlackApiError('is_archived');
  // Public channels are fine without joining (chat:write.public); private ones need the bot inside.
  if (c.isPrivate && !c.isIm && !ctx.ws.botIsMember(c)) throw new SlackApiError('not_in_channel');
  return c;
}

function threadRoot(c: SlackChannel, threadTs: string | undefined): string | undefined {
  if (threadTs === undefined || threadTs === '') return undefined;
  const parent = c.messages.find((m) => m.ts === threadTs);
  return parent?.threadTs ?? threadTs;
}

export function storeBotMessage(ws: Workspace, c: SlackChannel, content: MessageContent, threadTs?: string): SlackMessage {
  const m: SlackMessage = { ts: ws.ids.ts(), channel: c.id, user: ws.botUserId, text: content.text ?? '', botId: ws.botId };
  if (content.blocks !== undefined) m.blocks = content.blocks;
  if (content.attachments !== undefined) m.attachments = content.attachments;
  if (content.metadata !== undefined) m.metadata = content.metadata;
  const root = threadRoot(c, threadTs);
  if (root !== undefined) {
    m.threadTs = root;
    const parent = c.messages.find((x) => x.ts === root);
    if (parent) parent.replyCount = (parent.replyCount ?? 0) + 1;
  }
  c.messages.push(m);
  return m;
}

const postMessage: MethodHandler = (ctx) => {
  const c = postTarget(ctx, ctx.args.str('channel'));
  const content = messageContent(ctx.ws, ctx.args, { requireContent: true });
  const m = storeBotMessage(ctx.ws, c, content, ctx.args.str('thread_ts'));
  return { ok: true, channel: c.id, ts: m.ts, message: messageObject(ctx.ws, m) };
};

function ownMessage(ctx: MethodContext, notOwnCode: string): { c: SlackChannel; m: SlackMessage } {
  const c = findConversation(ctx, ctx.args.str('channel'));
  const ts = ctx.args.str('ts');
  const m = ts === undefined ? undefined : c.messages.find((x) => x.ts === ts);
  if (!m) throw new SlackApiError('message_not_found');
  if (m.user !== ctx.ws.botUserId || m.subtype !== undefined) throw new SlackApiError(notOwnCode);
  return { c, m };
}

const update: MethodHandler = (ctx) => {
  const { c, m } = ownMessage(ctx, 'cant_update_message');
  const content = messageContent(ctx.ws, ctx.args, { requireContent: false });
  if (content.text === undefined && content.blocks === undefined && content.attachments === undefined) {
    throw new SlackApiError('no_text');
  }
  if (content.text !== undefined) m.text = content.text;
  // Blocks not passed are kept; an empty array removes them (chat.update docs).
  if (content.blocks !== undefined) m.blocks = content.blocks.length > 0 ? content.blocks : undefined;
  if (content.attachments !== undefined) m.attachments = content.attachments;
  if (content.metadata !== undefined) m.metadata = content.metadata;
  m.edited = true;
  const message = messageObject(ctx.ws, m);
  return { ok: true, channel: c.id, ts: m.ts, text: m.text, message };
};

const del: MethodHandler = (ctx) => {
  const { c, m } = ownMessage(ctx, 'cant_delete_message');
  c.messages = c.messages.filter((x) => x !== m);
  c.pins = c.pins.filter((ts) => ts !== m.ts);
  return { ok: true, channel: c.id, ts: m.ts };
};

const postEphemeral: MethodHandler = (ctx) => {
  const c = postTarget(ctx, ctx.args.str('channel'));
  const user = ctx.args.str('user');
  if (user === undefined || !ctx.ws.users.has(user)) throw new SlackApiError('user_not_in_channel');
  const content = messageContent(ctx.ws, ctx.args, { requireContent: true });
  const m: SlackMessage = { ts: ctx.ws.ids.ts(), channel: c.id, user: ctx.ws.botUserId, text: content.text ?? '', botId: ctx.ws.botId, ephemeralTo: user };
  if (content.blocks !== undefined) m.blocks = content.blocks;
  if (content.attachments !== undefined) m.attachments = content.attachments;
  const threadTs = ctx.args.str('thread_ts');
  if (threadTs) m.threadTs = threadTs;
  ctx.ws.ephemeralMessages.push(m);
  return { ok: true, message_ts: m.ts };
};

const getPermalink: MethodHandler = (ctx) => {
  const c = findConversation(ctx, ctx.args.str('channel'));
  const ts = ctx.args.str('message_ts');
  const m = ts === undefined ? undefined : c.messages.find((x) => x.ts === ts);
  if (!m) throw new SlackApiError('message_not_found');
  let permalink = `https://${ctx.ws.teamDomain}.slack.com/archives/${c.id}/p${m.ts.replace('.', '')}`;
  if (m.threadTs !== undefined && m.threadTs !== m.ts) permalink += `?thread_ts=${m.threadTs}&cid=${c.id}`;
  return { ok: true, channel: c.id, permalink };
};

export const chatMethods: Record<string, MethodHandler> = {
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.delete': del,
  'chat.postEphemeral': postEphemeral,
  'chat.getPermalink': getPermalink,
};
