/**
 * The workspace the emulator holds: users, channels (and the bot's ims), messages, views and trigger ids.
 * Web API methods and interactions read and change it; nothing here does I/O.
 */
import { IdFactory } from './ids.js';
import type { Json, SlackChannel, SlackMessage, SlackUser, StateValue, View, ViewStateValues } from './types.js';

export interface TriggerRecord {
  userId: string;
  issuedAt: number;
  used: boolean;
  /** Set when the interaction happened inside a modal (a views.push target). */
  viewId?: string;
}

export interface ResponseUrlRecord {
  userId: string;
  channelId?: string;
  messageTs?: string;
  uses: number;
}

export interface WorkspaceInit {
  teamId: string;
  teamName: string;
  teamDomain: string;
  now: () => number;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class Workspace {
  readonly ids: IdFactory;
  readonly teamId: string;
  readonly teamName: string;
  readonly teamDomain: string;
  readonly appId: string;
  readonly botId: string;
  readonly botUserId: string;
  readonly botName = 'incident-bot';
  readonly users = new Map<string, SlackUser>();
  /** Channels and ims by id. */
  readonly conversations = new Map<string, SlackChannel>();
  readonly ephemeralMessages: SlackMessage[] = [];
  readonly views = new Map<string, View>();
  /** view id -> user id the view belongs to. */
  readonly viewOwner = new Map<string, string>();
  /** user id -> modal stack (view ids, root first). */
  readonly modalStacks = new Map<string, string[]>();
  /** user id -> home view id. */
  readonly homeViews = new Map<string, string>();
  readonly triggers = new Map<string, TriggerRecord>();
  readonly responseUrls = new Map<string, ResponseUrlRecord>();
  readonly generalId: string;
  private readonly now: () => number;

  constructor(init: WorkspaceInit) {
    this.now = init.now;
    this.ids = new IdFactory(init.now);
    this.teamId = init.teamId;
    this.teamName = init.teamName;
    this.teamDomain = init.teamDomain;
    this.appId = this.ids.id('A');
    this.botId = this.ids.id('B');
    const bot = this.addUser({ name: this.botName, isBot: true });
    this.botUserId = bot.id;
    this.generalId = this.addChannel({ name: 'general', members: [] }).id;
    const general = this.conversations.get(this.generalId);
    if (general) {
      general.isGeneral = true;
      general.purpose = 'This is the one channel that will always include everyone.';
    }
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  // ---------------------------------------------------------------------------------------------- users

  addUser(u: { name: string; email?: string; isAdmin?: boolean; isBot?: boolean; realName?: string }): SlackUser {
    const user: SlackUser = {
      id: this.ids.id('U'),
      name: u.name,
      realName: u.realName ?? u.name,
      isAdmin: u.isAdmin ?? false,
      isBot: u.isBot ?? false,
      deleted: false,
      tz: 'Europe/Paris',
    };
    if (u.email !== undefined) user.email = u.email;
    this.users.set(user.id, user);
    // Everyone (people, not bots) is in #general, as in a real workspace.
    const general = this.generalId ? this.conversations.get(this.generalId) : undefined;
    if (general && !user.isBot) general.members.push(user.id);
    return user;
  }

  userByName(name: string): SlackUser | undefined {
    for (const u of this.users.values()) if (u.name === name) return u;
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------- channels

  addChannel(c: { name: string; isPrivate?: boolean; members?: string[]; creator?: string }): SlackChannel {
    const channel: SlackChannel = {
      id: this.ids.id(c.isPrivate ? 'G' : 'C'),
      name: c.name,
      isPrivate: c.isPrivate ?? false,
      isArchived: false,
      isGeneral: false,
      isIm: false,
      topic: '',
      purpose: '',
      members: [...new Set(c.members ?? [])],
      creator: c.creator ?? [...this.users.values()].find((u) => !u.isBot)?.id ?? this.botUserId ?? '',
      created: this.nowSeconds(),
      previousNames: [],
      pins: [],
      bookmarks: [],
      messages: [],
    };
    this.conversations.set(channel.id, channel);
    return channel;
  }

  channels(): SlackChannel[] {
    return [...this.conversations.values()].filter((c) => !c.isIm);
  }

  channelByName(name: string): SlackChannel | undefined {
    return this.channels().find((c) => c.name === name);
  }

  /** The bot's im with a user, created on first use (conversations.open returns the same one each time). */
  imWith(userId: string): SlackChannel {
    for (const c of this.conversations.values()) if (c.isIm && c.imUser === userId) return c;
    const im: SlackChannel = {
      id: this.ids.id('D'),
      name: '',
      isPrivate: true,
      isArchived: false,
      isGeneral: false,
      isIm: true,
      imUser: userId,
      topic: '',
      purpose: '',
      members: [userId, this.botUserId],
      creator: this.botUserId,
      created: this.nowSeconds(),
      previousNames: [],
      pins: [],
      bookmarks: [],
      messages: [],
    };
    this.conversations.set(im.id, im);
    return im;
  }

  findIm(userId: string): SlackChannel | undefined {
    for (const c of this.conversations.values()) if (c.isIm && c.imUser === userId) return c;
    return undefined;
  }

  botIsMember(c: SlackChannel): boolean {
    return c.members.includes(this.botUserId);
  }

  // ---------------------------------------------------------------------------------------------- messages

  findMessage(channelId: string, ts: string): SlackMessage | undefined {
    return this.conversations.get(channelId)?.messages.find((m) => m.ts === ts);
  }

  // ---------------------------------------------------------------------------------------------- triggers

  issueTrigger(userId: string, viewId?: string): string {
    const id = this.ids.triggerId();
    const rec: TriggerRecord = { userId, issuedAt: this.now(), used: false };
    if (viewId !== undefined) rec.viewId = viewId;
    this.triggers.set(id, rec);
    return id;
  }

  // ---------------------------------------------------------------------------------------------- views

  modalStack(userId: string): View[] {
    return (this.modalStacks.get(userId) ?? []).map((id) => this.views.get(id)).filter((v): v is View => v !== undefined);
  }

  viewByExternalId(externalId: string): View | undefined {
    for (const v of this.views.values()) if (v.external_id === externalId) return v;
    return undefined;
  }

  /** Is a view currently shown (in some user's modal stack or as a home tab)? */
  isLive(viewId: string): boolean {
    for (const stack of this.modalStacks.values()) if (stack.includes(viewId)) return true;
    for (const id of this.homeViews.values()) if (id === viewId) return true;
    return false;
  }

  /**
   * Builds the stored form of a view the app sent: Slack's defaults, generated block_id/action_id where missing,
   * and the state. Input values the user already entered survive when block_id and action_id are unchanged
   * (Slack keeps them across views.update; that is why apps change a block_id to reset a field).
   */
  materializeView(input: Json, base: { id: string; rootViewId: string; previousViewId: string | null; previous?: View }): View {
    const blocks = this.withGeneratedIds(Array.isArray(input.blocks) ? (structuredClone(input.blocks) as unknown[]) : []);
    const initial = initialState(blocks);
    const kept = base.previous ? keepState(base.previous.state.values, blocks) : {};
    const values: ViewStateValues = { ...initial };
    for (const [blockId, actions] of Object.entries(kept)) values[blockId] = { ...(values[blockId] ?? {}), ...actions };
    const type = input.type === 'home' ? 'home' : 'modal';
    const view: View = {
      id: base.id,
      team_id: this.teamId,
      type,
      blocks,
      private_metadata: typeof input.private_metadata === 'string' ? input.private_metadata : '',
      callback_id: typeof input.callback_id === 'string' ? input.callback_id : '',
      external_id: typeof input.external_id === 'string' ? input.external_id : '',
      state: { values },
      hash: this.ids.viewHash(),
      clear_on_close: input.clear_on_close === true,
      notify_on_close: input.notify_on_close === true,
      root_view_id: base.rootViewId,
      previous_view_id: base.previousViewId,
      app_id: this.appId,
      app_installed_team_id: this.teamId,
      bot_id: this.botId,
    };
    if (type === 'modal') {
      view.title = (input.title as View['title']) ?? null;
      view.submit = (input.submit as View['submit']) ?? null;
      view.close = (input.close as View['close']) ?? null;
      view.submit_disabled = input.submit_disabled === true;
    } else {
      view.title = (input.title as View['title']) ?? { type: 'plain_text', text: 'View Title' };
      view.submit = null;
      view.close = null;
    }
    return view;
  }

  /** Slack assigns a random block_id to blocks without one, and an action_id to elements without one. */
  withGeneratedIds(blocks: unknown[]): Json[] {
    const out: Json[] = [];
    for (const b of blocks) {
      if (!isObj(b)) continue;
      if (typeof b.block_id !== 'string') b.block_id = this.ids.shortId();
      for (const el of blockElements(b)) if (typeof el.action_id !== 'string' && el.type !== 'image') el.action_id = this.ids.shortId();
      out.push(b);
    }
    return out;
  }
}

/** Interactive elements of a block (input element, accessory, actions elements). */
export function blockElements(block: Json): Json[] {
  const out: Json[] = [];
  if (block.type === 'input' && isObj(block.element)) out.push(block.element);
  if (block.type === 'section' && isObj(block.accessory)) out.push(block.accessory);
  if (block.type === 'actions' && Array.isArray(block.elements)) for (const e of block.elements) if (isObj(e)) out.push(e);
  return out;
}

const STATEFUL = new Set([
  'plain_text_input', 'email_text_input', 'url_text_input', 'number_input', 'rich_text_input', 'file_input',
  'static_select', 'external_select', 'radio_buttons', 'multi_static_select', 'multi_external_select', 'checkboxes',
  'users_select', 'multi_users_select', 'conversations_select', 'multi_conversations_select', 'channels_select',
  'multi_channels_select', 'datepicker', 'timepicker', 'datetimepicker',
]);

export function isStateful(type: unknown): boolean {
  return typeof type === 'string' && STATEFUL.has(type);
}

/** The state Slack shows for an element with nothing entered, or with its `initial_*` value. */
export function elementState(el: Json, withInitial: boolean): StateValue | undefined {
  const type = String(el.type);
  const init = (key: string): unknown => (withInitial ? el[key] : undefined);
  switch (type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return { type, value: (init('initial_value') as string | undefined) ?? null };
    case 'rich_text_input':
      return { type, rich_text_value: init('initial_value') ?? null };
    case 'file_input':
      return { type, files: [] };
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return { type, selected_option: (init('initial_option') as StateValue['selected_option']) ?? null };
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { type, selected_options: (init('initial_options') as StateValue['selected_options']) ?? [] };
    case 'users_select':
      return { type, selected_user: (init('initial_user') as string | undefined) ?? null };
    case 'multi_users_select':
      return { type, selected_users: (init('initial_users') as string[] | undefined) ?? [] };
    case 'conversations_select':
      return { type, selected_conversation: (init('initial_conversation') as string | undefined) ?? null };
    case 'multi_conversations_select':
      return { type, selected_conversations: (init('initial_conversations') as string[] | undefined) ?? [] };
    case 'channels_select':
      return { type, selected_channel: (init('initial_channel') as string | undefined) ?? null };
    case 'multi_channels_select':
      return { type, selected_channels: (init('initial_channels') as string[] | undefined) ?? [] };
    case 'datepicker':
      return { type, selected_date: (init('initial_date') as string | undefined) ?? null };
    case 'timepicker':
      return { type, selected_time: (init('initial_time') as string | undefined) ?? null };
    case 'datetimepicker':
      return { type, selected_date_time: (init('initial_date_time') as number | undefined) ?? null };
    default:
      return undefined;
  }
}

function hasInitial(el: Json): boolean {
  return Object.keys(el).some((k) => k.startsWith('initial_'));
}

/** State values from `initial_*` fields (elements without one are left out until the user touches them). */
export function initialState(blocks: Json[]): ViewStateValues {
  const values: ViewStateValues = {};
  for (const b of blocks) {
    for (const el of blockElements(b)) {
      if (!isStateful(el.type) || !hasInitial(el)) continue;
      const st = elementState(el, true);
      if (!st || typeof b.block_id !== 'string' || typeof el.action_id !== 'string') continue;
      (values[b.block_id] ??= {})[el.action_id] = st;
    }
  }
  return values;
}

/** Values the user entered that still have a home (same block_id, action_id and element type). */
function keepState(previous: ViewStateValues, blocks: Json[]): ViewStateValues {
  const kept: ViewStateValues = {};
  for (const b of blocks) {
    if (typeof b.block_id !== 'string') continue;
    const prev = previous[b.block_id];
    if (!prev) continue;
    for (const el of blockElements(b)) {
      if (typeof el.action_id !== 'string') continue;
      const st = prev[el.action_id];
      if (st && st.type === el.type) (kept[b.block_id] ??= {})[el.action_id] = st;
    }
  }
  return kept;
}

/** What Slack sends on view_submission: every input element appears, empty ones with null / []. */
export function submissionState(view: View): ViewStateValues {
  const values: ViewStateValues = structuredClone(view.state.values);
  for (const b of view.blocks) {
    if (b.type !== 'input' || typeof b.block_id !== 'string' || !isObj(b.element)) continue;
    const el = b.element;
    if (typeof el.action_id !== 'string') continue;
    const block = (values[b.block_id] ??= {});
    if (!block[el.action_id]) {
      const st = elementState(el, false);
      if (st) block[el.action_id] = st;
    }
  }
  return values;
}
