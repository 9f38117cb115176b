import { WebClient, ErrorCode, type WebAPICallResult } from '@slack/web-api';
import type { HomeView, KnownBlock, ModalView } from '@slack/types';
import NodeCache from 'node-cache';
import { ExternalCallError } from '../../errors.js';
import type { Logger } from '../../logger.js';

export interface SlackMessage {
  text: string;
  blocks?: KnownBlock[];
  /** Message metadata: the natural key that lets a retry find a message it already posted. */
  metadata?: { event_type: string; event_payload: Record<string, string | number | boolean> };
}

/** A message read back from Slack (for the timeline): `author` is the user id, or the bot id for a bot's message. */
export interface FetchedMessage {
  ts: string;
  text: string;
  author: string | null;
  threadTs: string | null;
}

export interface SlackUserProfile {
  id: string;
  name: string;
  email: string | null;
}

/**
 * Every Slack Web API call made by services goes through here. Retries are not done here: the client fails fast
 * (a 429 carries its Retry-After), and the durable job that called decides when to try again.
 */
export interface SlackGateway {
  createChannel(name: string, isPrivate: boolean): Promise<{ id: string; name: string } | 'name_taken'>;
  findChannelByName(name: string): Promise<{ id: string; name: string; creator: string } | null>;
  resolveChannel(ref: string): Promise<string | null>;
  setTopic(channel: string, topic: string): Promise<void>;
  renameChannel(channel: string, name: string): Promise<{ name: string } | 'name_taken'>;
  archiveChannel(channel: string): Promise<void>;
  postEphemeral(channel: string, user: string, message: SlackMessage): Promise<void>;
  invite(channel: string, users: string[]): Promise<void>;
  postMessage(channel: string, message: SlackMessage): Promise<{ channel: string; ts: string }>;
  updateMessage(channel: string, ts: string, message: SlackMessage): Promise<void>;
  /** The ts of a message the bot posted with this metadata type and these payload values, among the recent ones. */
  findPostedMessage(channel: string, eventType: string, payload: Record<string, string>): Promise<string | null>;
  pin(channel: string, ts: string): Promise<void>;
  addBookmark(channel: string, bookmark: { title: string; link: string; emoji?: string }): Promise<void>;
  hasBookmark(channel: string, link: string): Promise<boolean>;
  userProfile(userId: string): Promise<SlackUserProfile>;
  /** The Slack user with this email (users.lookupByEmail), cached; null when nobody in the workspace has it. */
  lookupUserByEmail(email: string): Promise<string | null>;
  botUserId(): Promise<string>;
  channelUrl(channelId: string): string;
  /** The message's permalink (chat.getPermalink needs no scope). */
  permalink(channel: string, ts: string): Promise<string>;
  /** One message by its ts, top-level or a thread reply; null when it is gone or not visible to the bot. */
  fetchMessage(channel: string, ts: string): Promise<FetchedMessage | null>;
  /** An ephemeral reply through an interaction's response_url (not a Web API method: no scope, works where the bot is not a member). */
  respond(responseUrl: string, message: SlackMessage): Promise<void>;
  /** Replaces the user's Home tab (views.publish). */
  publishHome(userId: string, view: HomeView): Promise<void>;
  /** Replaces an open modal (views.update); fails when the user has closed it. */
  updateView(viewId: string, view: ModalView): Promise<void>;
}

/** The Web API methods the services call, for the manifest's scopes (a test keeps them in step). */
export const SLACK_GATEWAY_METHODS = [
  'auth.test',
  'conversations.create',
  'conversations.list',
  'conversations.setTopic',
  'conversations.rename',
  'conversations.archive',
  'chat.postEphemeral',
  'conversations.invite',
  'conversations.history',
  'chat.postMessage',
  'chat.update',
  'pins.add',
  'bookmarks.add',
  'bookmarks.list',
  'users.info',
  'users.lookupByEmail',
  'chat.getPermalink',
  'conversations.replies',
  'views.publish',
] as const;

export function createSlackGateway(options: { token: string; apiUrl: string; logger: Logger; teamUrl?: string }): SlackGateway {
  const client = new WebClient(options.token, {
    slackApiUrl: options.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  });
  const cache = new NodeCache({ stdTTL: 600, checkperiod: 120, useClones: false });

  const call = async <T extends WebAPICallResult>(method: string, args: Record<string, unknown>): Promise<T> => {
    try {
      return (await client.apiCall(method, args)) as T;
    } catch (error) {
      throw toSlackError(method, error);
    }
  };

  const botUserId = async (): Promise<string> => {
    const cached = cache.get<string>('bot-user-id');
    if (cached) return cached;
    const auth = await call<WebAPICallResult & { user_id?: string }>('auth.test', {});
    const id = auth.user_id ?? '';
    cache.set('bot-user-id', id, 0);
    return id;
  };

  const findChannelByName = async (name: string) => {
    let cursor: string | undefined;
    do {
      const page = await call<WebAPICallResult & { channels?: Array<{ id: string; name: string; creator?: string }>; response_metadata?: { next_cursor?: string } }>(
        'conversations.list',
        { types: 'public_channel,private_channel', exclude_archived: false, limit: 200, ...(cursor ? { cursor } : {}) },
      );
      const found = page.channels?.find((c) => c.name === name);
      if (found) return { id: found.id, name: found.name, creator: found.creator ?? '' };
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return null;
  };

  return {
    botUserId,
    findChannelByName,

    lookupUserByEmail: async (email) => {
      const key = `email:${email.toLowerCase()}`;
      const cached = cache.get<string | null>(key);
      if (cached !== undefined) return cached;
      let id: string | null;
      try {
        const found = await call<WebAPICallResult & { user?: { id?: string; deleted?: boolean } }>('users.lookupByEmail', { email });
        id = found.user?.id && !found.user.deleted ? found.user.id : null;
      } catch (error) {
        if (!(error instanceof ExternalCallError && error.details.apiError === 'users_not_found')) throw error;
        id = null;
      }
      // A miss is kept shorter, so someone who joins the workspace is found soon.
      cache.set(key, id, id ? 3600 : 300);
      return id;
    },
    channelUrl: (channelId) => `${options.teamUrl ?? 'https://slack.com/app_redirect?channel='}${channelId}`,

    createChannel: async (name, isPrivate) => {
      try {
        const created = await call<WebAPICallResult & { channel?: { id: string; name: string } }>('conversations.create', { name, is_private: isPrivate });
        return { id: created.channel!.id, name: created.channel!.name };
      } catch (error) {
        if (error instanceof ExternalCallError && error.details.apiError === 'name_taken') return 'name_taken';
        throw error;
      }
    },

    resolveChannel: async (ref) => {
      if (!ref.startsWith('#')) return ref;
      const key = `channel:${ref}`;
      const cached = cache.get<string>(key);
      if (cached) return cached;
      const found = await findChannelByName(ref.slice(1));
      if (found) cache.set(key, found.id);
      return found?.id ?? null;
    },

    setTopic: async (channel, topic) => {
      await call('conversations.setTopic', { channel, topic: topic.slice(0, 250) });
    },

    renameChannel: async (channel, name) => {
      try {
        const renamed = await call<WebAPICallResult & { channel?: { name?: string } }>('conversations.rename', { channel, name });
        // Slack may adjust the name to its rules: keep what it says.
        return { name: renamed.channel?.name ?? name };
      } catch (error) {
        if (error instanceof ExternalCallError && error.details.apiError === 'name_taken') return 'name_taken';
        throw error;
      }
    },

    archiveChannel: async (channel) => {
      try {
        await call('conversations.archive', { channel });
      } catch (error) {
        if (error instanceof ExternalCallError && error.details.apiError === 'already_archived') return;
        throw error;
      }
    },

    postEphemeral: async (channel, user, message) => {
      await call('chat.postEphemeral', { channel, user, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) });
    },

    invite: async (channel, users) => {
      const bot = await botUserId();
      const others = users.filter((u) => u && u !== bot);
      if (others.length === 0) return;
      try {
        await call('conversations.invite', { channel, users: others.join(','), force: true });
      } catch (error) {
        if (error instanceof ExternalCallError && error.details.apiError === 'already_in_channel') return;
        throw error;
      }
    },

    postMessage: async (channel, message) => {
      const posted = await call<WebAPICallResult & { channel?: string; ts?: string }>('chat.postMessage', {
        channel,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks } : {}),
        ...(message.metadata ? { metadata: message.metadata } : {}),
        unfurl_links: false,
      });
      return { channel: posted.channel ?? channel, ts: posted.ts ?? '' };
    },

    updateMessage: async (channel, ts, message) => {
      await call('chat.update', { channel, ts, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}), ...(message.metadata ? { metadata: message.metadata } : {}) });
    },

    findPostedMessage: async (channel, eventType, payload) => {
      const bot = await botUserId();
      let history;
      try {
        history = await call<WebAPICallResult & { messages?: Array<{ ts: string; user?: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }> }>(
        'conversations.history',
          { channel, limit: 100, include_all_metadata: true },
        );
      } catch (error) {
        // Posting with chat:write.public does not make the bot a member, so it may not read the history: post again.
        if (error instanceof ExternalCallError && ['not_in_channel', 'channel_not_found'].includes(error.details.apiError ?? '')) return null;
        throw error;
      }
      const found = history.messages?.find(
        (m) =>
          m.user === bot &&
          m.metadata?.event_type === eventType &&
          Object.entries(payload).every(([k, v]) => String(m.metadata?.event_payload?.[k]) === v),
      );
      return found?.ts ?? null;
    },

    pin: async (channel, ts) => {
      try {
        await call('pins.add', { channel, timestamp: ts });
      } catch (error) {
        if (error instanceof ExternalCallError && error.details.apiError === 'already_pinned') return;
        throw error;
      }
    },

    addBookmark: async (channel, bookmark) => {
      await call('bookmarks.add', { channel_id: channel, title: bookmark.title, type: 'link', link: bookmark.link, ...(bookmark.emoji ? { emoji: bookmark.emoji } : {}) });
    },

    hasBookmark: async (channel, link) => {
      const list = await call<WebAPICallResult & { bookmarks?: Array<{ link?: string }> }>('bookmarks.list', { channel_id: channel });
      return (list.bookmarks ?? []).some((b) => b.link === link);
    },

    permalink: async (channel, ts) => {
      const found = await call<WebAPICallResult & { permalink?: string }>('chat.getPermalink', { channel, message_ts: ts });
      return found.permalink ?? '';
    },

    fetchMessage: async (channel, ts) => {
      type Found = { ts: string; text?: string; user?: string; bot_id?: string; thread_ts?: string };
      const toMessage = (m: Found): FetchedMessage => ({ ts: m.ts, text: m.text ?? '', author: m.user ?? m.bot_id ?? null, threadTs: m.thread_ts ?? null });
      try {
        // History lists top-level messages only: a thread reply's ts brings back an older message, hence the check.
        const history = await call<WebAPICallResult & { messages?: Found[] }>('conversations.history', { channel, latest: ts, inclusive: true, limit: 1 });
        const top = history.messages?.find((m) => m.ts === ts);
        if (top) return toMessage(top);
        const thread = await call<WebAPICallResult & { messages?: Found[] }>('conversations.replies', { channel, ts, oldest: ts, inclusive: true, limit: 2 });
        const reply = thread.messages?.find((m) => m.ts === ts);
        return reply ? toMessage(reply) : null;
      } catch (error) {
        if (error instanceof ExternalCallError && ['not_in_channel', 'channel_not_found', 'thread_not_found', 'message_not_found'].includes(error.details.apiError ?? '')) return null;
        throw error;
      }
    },

    respond: async (responseUrl, message) => {
      let response: Response;
      try {
        response = await fetch(responseUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) }),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (error) {
        throw new ExternalCallError('slack_call_failed', `Slack response_url failed: ${(error as Error).message}`, { method: 'response_url', retryable: true, outcomeUnknown: true }, { cause: error });
      }
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { error?: string };
        throw new ExternalCallError('slack_call_failed', `Slack response_url answered ${response.status}`, { method: 'response_url', status: response.status, apiError: body.error ?? 'unknown_error', retryable: response.status >= 500 });
      }
    },

    publishHome: async (userId, view) => {
      await call('views.publish', { user_id: userId, view });
    },

    updateView: async (viewId, view) => {
      await call('views.update', { view_id: viewId, view });
    },

    userProfile: async (userId) => {
      const key = `user:${userId}`;
      const cached = cache.get<SlackUserProfile>(key);
      if (cached) return cached;
      const info = await call<WebAPICallResult & { user?: { id: string; name?: string; real_name?: string; profile?: { email?: string; real_name?: string; display_name?: string } } }>(
        'users.info',
        { user: userId },
      );
      const u = info.user;
      const profile: SlackUserProfile = {
        id: userId,
        name: u?.profile?.real_name || u?.real_name || u?.profile?.display_name || u?.name || userId,
        email: u?.profile?.email ?? null,
      };
      cache.set(key, profile);
      return profile;
    },
  };
}

function toSlackError(method: string, error: unknown): ExternalCallError {
  const e = error as { code?: string; data?: { error?: string }; statusCode?: number; retryAfter?: number; message?: string };
  if (e.code === ErrorCode.RateLimitedError) {
    return new ExternalCallError('slack_call_failed', `Slack ${method} was rate limited`, {
      method,
      status: 429,
      retryable: true,
      retryAfterMs: (e.retryAfter ?? 1) * 1000,
    });
  }
  if (e.code === ErrorCode.PlatformError) {
    const apiError = e.data?.error ?? 'unknown_error';
    const retryable = ['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited'].includes(apiError);
    return new ExternalCallError('slack_call_failed', `Slack ${method} answered ${apiError}`, { method, apiError, retryable });
  }
  if (e.code === ErrorCode.HTTPError) {
    const status = e.statusCode ?? 0;
    return new ExternalCallError('slack_call_failed', `Slack ${method} failed with HTTP ${status}`, { method, status, retryable: status >= 500 || status === 408 });
  }
  return new ExternalCallError('slack_call_failed', `Slack ${method} failed: ${e.message ?? 'request error'}`, { method, retryable: true, outcomeUnknown: true }, { cause: error });
}
