/**
 * Public types of the Slack emulator. Field names of `View` and of the state values follow Slack's wire shapes
 * (snake_case); the emulator's own bookkeeping types use camelCase.
 */

export type Json = Record<string, unknown>;

export interface SlackEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  teamId?: string;
  teamName?: string;
  teamDomain?: string;
  /** Added to every Web API answer. */
  latencyMs?: number;
  /** Enforce Slack's per-method rate-limit tiers (default false: test suites make bursts). */
  enforceRateLimits?: boolean;
  /** Emit events Slack would send on state changes (member_joined_channel, channel_rename, channel_archive…). */
  emitEvents?: boolean;
  /** Clock in ms used for trigger expiry, rate limits, timestamps. Default `Date.now`. */
  now?: () => number;
  /** How long the app has to ack an envelope (default 3000, Slack's 3 s rule). */
  ackTimeoutMs?: number;
  /** How long a trigger_id stays valid (default 3000). */
  triggerTtlMs?: number;
}

export interface SlackUser {
  id: string;
  name: string;
  email?: string;
  realName: string;
  isAdmin: boolean;
  isBot: boolean;
  deleted: boolean;
  tz: string;
}

export interface SlackBookmark {
  id: string;
  title: string;
  link: string;
  emoji?: string;
  type: string;
  created: number;
  updated: number;
}

export interface SlackReaction {
  name: string;
  users: string[];
}

export interface SlackMessage {
  ts: string;
  channel: string;
  /** Author; the bot user id for bot posts. */
  user: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  threadTs?: string;
  replyCount?: number;
  edited?: boolean;
  /** Set for ephemeral messages: the only user who sees it. */
  ephemeralTo?: string;
  /** Slack system subtypes such as `channel_topic`, `channel_purpose`; absent for normal posts. */
  subtype?: string;
  botId?: string;
  /** Set on messages people post (Slack's client id). */
  clientMsgId?: string;
  reactions?: SlackReaction[];
}

export interface SlackChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  isGeneral: boolean;
  isIm: boolean;
  /** For an im: the other user. */
  imUser?: string;
  topic: string;
  purpose: string;
  members: string[];
  creator: string;
  created: number;
  previousNames: string[];
  /** Message ts of pinned messages. */
  pins: string[];
  bookmarks: SlackBookmark[];
  messages: SlackMessage[];
}

export interface PlainText {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

export interface OptionObject {
  text: PlainText;
  value: string;
  description?: PlainText;
}

/** One element's value in `view.state.values[block_id][action_id]`. */
export interface StateValue {
  type: string;
  value?: string | null;
  selected_option?: OptionObject | null;
  selected_options?: OptionObject[];
  selected_user?: string | null;
  selected_users?: string[];
  selected_conversation?: string | null;
  selected_conversations?: string[];
  selected_channel?: string | null;
  selected_channels?: string[];
  selected_date?: string | null;
  selected_time?: string | null;
  selected_date_time?: number | null;
  rich_text_value?: unknown;
  files?: unknown[];
}

export type ViewStateValues = Record<string, Record<string, StateValue>>;

/** A stored view, exactly the object Slack returns from views.* and puts in interaction payloads. */
export interface View {
  id: string;
  team_id: string;
  type: 'modal' | 'home';
  title?: PlainText | null;
  submit?: PlainText | null;
  close?: PlainText | null;
  blocks: Json[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: ViewStateValues };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  submit_disabled?: boolean;
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
}

export interface EnvelopeResult {
  envelopeId: string;
  /** The ack frame's `payload` (`{}` for a bare `ack()`); undefined when nothing was sent. */
  ackPayload: Json | undefined;
  ackMs: number;
  /** False only when no envelope was sent (e.g. closeView on a view without notify_on_close). */
  acked: boolean;
}

export interface ViewSubmissionResult extends EnvelopeResult {
  /** `response_action` of the ack, if any. */
  responseAction?: 'errors' | 'update' | 'push' | 'clear';
  /** `errors` of a `response_action: 'errors'` ack: block_id -> message shown under the input. */
  errors?: Record<string, string>;
  /** Why Slack would have refused the ack (bad errors keys, invalid update/push view). */
  responseError?: string;
  /** Required-field problems the Slack client shows before sending anything (then acked = false). */
  clientErrors?: Record<string, string>;
  /** The user's modal stack after the ack was applied (top last). */
  stack: View[];
}

export interface Fault {
  /** Answer with this HTTP status (e.g. 500) and no Slack body. */
  httpStatus?: number;
  /** Answer HTTP 200 `{ok:false, error}`. */
  error?: string;
  /** Answer HTTP 429 with `Retry-After`. */
  rateLimited?: { retryAfterSeconds: number };
  /** Delay the answer; alone, the call then proceeds normally. */
  delayMs?: number;
}

export interface CallRecord {
  method: string;
  /** Decoded arguments (JSON form fields parsed back), without `token`. */
  args: Record<string, unknown>;
  at: number;
  status: number;
  ok: boolean;
  error?: string;
}

export interface EnvelopeRecord {
  envelopeId: string;
  type: string;
  /** e.g. `/incident`, `view_submission:create_incident`, `app_home_opened`. */
  label: string;
  sentAt: number;
  ackPayload?: Json;
  ackMs?: number;
  status: 'pending' | 'acked' | 'timeout' | 'late_ack' | 'undeliverable';
}
