/**
 * Driving the app the way Slack does: slash commands, shortcuts, block actions, view submissions / closes and
 * events, each sent as a Socket Mode envelope shaped like fixtures/slack/{payloads,socket-mode}. Acks that carry
 * a response (slash command text, view_submission response_action) are applied to the workspace.
 */
import type { SocketHub } from './socket.js';
import { blockElements, elementState, isStateful, submissionState, type Workspace } from './state.js';
import type {
  EnvelopeResult,
  Json,
  OptionObject,
  SlackChannel,
  SlackMessage,
  SlackUser,
  StateValue,
  View,
  ViewStateValues,
  ViewSubmissionResult,
} from './types.js';
import { Args, SlackApiError } from './web-api/context.js';
import { messageContent, storeBotMessage } from './web-api/chat.js';
import { messageObject } from './web-api/shapes.js';
import { MAX_MODAL_STACK, checkViewInput, pushView, replaceView } from './web-api/views.js';

/** Verification token Slack puts in payloads (deprecated, still sent). */
const VERIFICATION_TOKEN = 'emulator-verification-token';

export interface BlockActionParams {
  userId: string;
  actionId: string;
  blockId?: string;
  value?: string;
  selectedOption?: { value: string };
  selectedOptions?: { value: string }[];
  selectedUser?: string;
  selectedUsers?: string[];
  selectedConversation?: string;
  selectedChannel?: string;
  selectedDate?: string;
  selectedTime?: string;
  selectedDateTime?: number;
  /** Action in a modal or Home tab. */
  viewId?: string;
  /** Action in a message. */
  channelId?: string;
  messageTs?: string;
  timeoutMs?: number;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every option of a select / radio / checkboxes / overflow element, option_groups included. */
export function elementOptions(el: Json): OptionObject[] {
  const out: OptionObject[] = [];
  if (Array.isArray(el.options)) for (const o of el.options) if (isObj(o)) out.push(o as unknown as OptionObject);
  if (Array.isArray(el.option_groups)) {
    for (const g of el.option_groups) {
      if (isObj(g) && Array.isArray(g.options)) for (const o of g.options) if (isObj(o)) out.push(o as unknown as OptionObject);
    }
  }
  return out;
}

/** Finds an option by its visible text or its value, as a person would pick it. Throws with the choices. */
export function matchOption(el: Json, textOrValue: string, where: string): OptionObject {
  const options = elementOptions(el);
  if (options.length === 0 && (el.type === 'external_select' || el.type === 'multi_external_select')) {
    return { text: { type: 'plain_text', text: textOrValue, emoji: true }, value: textOrValue };
  }
  const found = options.find((o) => o.value === textOrValue) ?? options.find((o) => o.text?.text === textOrValue);
  if (!found) {
    const choices = options.map((o) => `'${o.text?.text}' (${o.value})`).join(', ');
    throw new Error(`Slack emulator: ${where} has no option '${textOrValue}'; options: ${choices || 'none'}`);
  }
  return structuredClone(found);
}

export class Interactions {
  constructor(
    private readonly ws: Workspace,
    private readonly hub: SocketHub,
    private readonly baseUrl: () => string,
  ) {}

  // ---------------------------------------------------------------------------------------------- helpers

  private user(userId: string): SlackUser {
    const u = this.ws.users.get(userId);
    if (!u) throw new Error(`Slack emulator: unknown user '${userId}' (add it with addUser first)`);
    return u;
  }

  private team(): Json {
    return { id: this.ws.teamId, domain: this.ws.teamDomain };
  }

  private userPart(u: SlackUser, style: 'full' | 'shortcut' | 'message_action'): Json {
    if (style === 'shortcut') return { id: u.id, username: u.name, team_id: this.ws.teamId };
    if (style === 'message_action') return { id: u.id, name: u.name, team_id: this.ws.teamId };
    return { id: u.id, username: u.name, name: u.name, team_id: this.ws.teamId };
  }

  private channelName(c: SlackChannel): string {
    return c.isIm ? 'directmessage' : c.name;
  }

  private responseUrl(kind: 'commands' | 'actions' | 'app', rec: { userId: string; channelId?: string; messageTs?: string }): string {
    const id = this.ws.ids.uuid();
    this.ws.responseUrls.set(id, { ...rec, uses: 0 });
    return `${this.baseUrl()}response/${kind}/${this.ws.teamId}/${id}`;
  }

  private conversation(channelId: string): SlackChannel {
    const c = this.ws.conversations.get(channelId);
    if (!c) throw new Error(`Slack emulator: unknown channel '${channelId}'`);
    return c;
  }

  private liveView(viewId: string): View {
    const v = this.ws.views.get(viewId);
    if (!v || !this.ws.isLive(viewId)) throw new Error(`Slack emulator: view '${viewId}' is not open`);
    return v;
  }

  // ---------------------------------------------------------------------------------------------- slash commands

  async sendSlashCommand(p: { command: string; text?: string; userId: string; channelId?: string; timeoutMs?: number }): Promise<EnvelopeResult> {
    const u = this.user(p.userId);
    const c = this.conversation(p.channelId ?? this.ws.generalId);
    const payload: Json = {
      token: VERIFICATION_TOKEN,
      team_id: this.ws.teamId,
      team_domain: this.ws.teamDomain,
      channel_id: c.id,
      channel_name: this.channelName(c),
      user_id: u.id,
      user_name: u.name,
      command: p.command,
      text: p.text ?? '',
      api_app_id: this.ws.appId,
      is_enterprise_install: 'false',
      response_url: this.responseUrl('commands', { userId: u.id, channelId: c.id }),
      trigger_id: this.ws.issueTrigger(u.id),
    };
    const result = await this.hub.send('slash_commands', payload, {
      acceptsResponsePayload: true,
      label: `${p.command} ${p.text ?? ''}`.trim(),
      ...(p.timeoutMs !== undefined ? { timeoutMs: p.timeoutMs } : {}),
    });
    this.applyMessageAck(result.ackPayload, u.id, c);
    return result;
  }

  /** An ack with text/blocks becomes an ephemeral reply (or a channel message with response_type in_channel). */
  private applyMessageAck(ack: Json | undefined, userId: string, c: SlackChannel): void {
    if (!ack || (ack.text === undefined && ack.blocks === undefined)) return;
    let content;
    try {
      content = messageContent(this.ws, new Args(ack), { requireContent: false });
    } catch {
      return;
    }
    if (ack.response_type === 'in_channel') {
      storeBotMessage(this.ws, c, content);
      return;
    }
    const m: SlackMessage = { ts: this.ws.ids.ts(), channel: c.id, user: this.ws.botUserId, text: content.text ?? '', botId: this.ws.botId, ephemeralTo: userId };
    if (content.blocks !== undefined) m.blocks = content.blocks;
    this.ws.ephemeralMessages.push(m);
  }

  // ---------------------------------------------------------------------------------------------- shortcuts

  sendGlobalShortcut(p: { callbackId: string; userId: string; timeoutMs?: number }): Promise<EnvelopeResult> {
    const u = this.user(p.userId);
    const payload: Json = {
      type: 'shortcut',
      token: VERIFICATION_TOKEN,
      action_ts: this.ws.ids.actionTs(),
      team: this.team(),
      user: this.userPart(u, 'shortcut'),
      is_enterprise_install: false,
      enterprise: null,
      callback_id: p.callbackId,
      trigger_id: this.ws.issueTrigger(u.id),
    };
    return this.hub.send('interactive', payload, {
      acceptsResponsePayload: false,
      label: `shortcut:${p.callbackId}`,
      ...(p.timeoutMs !== undefined ? { timeoutMs: p.timeoutMs } : {}),
    });
  }

  sendMessageShortcut(p: { callbackId: string; userId: string; channelId: string; messageTs: string; timeoutMs?: number }): Promise<EnvelopeResult> {
    const u = this.user(p.userId);
    const c = this.conversation(p.channelId);
    const m = c.messages.find((x) => x.ts === p.messageTs);
    if (!m) throw new Error(`Slack emulator: no message ${p.messageTs} in ${p.channelId}`);
    const payload: Json = {
      type: 'message_action',
      token: VERIFICATION_TOKEN,
      action_ts: this.ws.ids.actionTs(),
      team: this.team(),
      user: this.userPart(u, 'message_action'),
      channel: { id: c.id, name: this.channelName(c) },
      is_enterprise_install: false,
      enterprise: null,
      callback_id: p.callbackId,
      trigger_id: this.ws.issueTrigger(u.id),
      message_ts: m.ts,
      message: messageObject(this.ws, m),
      response_url: this.responseUrl('app', { userId: u.id, channelId: c.id, messageTs: m.ts }),
    };
    return this.hub.send('interactive', payload, {
      acceptsResponsePayload: false,
      label: `message_action:${p.callbackId}`,
      ...(p.timeoutMs !== undefined ? { timeoutMs: p.timeoutMs } : {}),
    });
  }

  // ---------------------------------------------------------------------------------------------- block actions

  /** The element a person interacts with: by action_id (and block_id) among the blocks shown. Throws with the choices. */
  private findElement(blocks: Json[], actionId: string, blockId: string | undefined, where: string): { block: Json; el: Json } {
    const seen: string[] = [];
    for (const block of blocks) {
      for (const el of blockElements(block)) {
        seen.push(String(el.action_id));
        if (el.action_id === actionId && (blockId === undefined || block.block_id === blockId)) return { block, el };
      }
    }
    throw new Error(`Slack emulator: ${where} has no element with action_id '${actionId}'${blockId ? ` in block '${blockId}'` : ''}; action_ids: ${seen.join(', ') || 'none'}`);
  }

  private actionValue(el: Json, p: BlockActionParams, where: string): { action: Json; state?: StateValue } {
    const type = String(el.type);
    const action: Json = {};
    const pick = (v: string): OptionObject => matchOption(el, v, where);
    let state: StateValue | undefined;
    switch (type) {
      case 'button':
        action.text = el.text;
        if (p.value !== undefined || el.value !== undefined) action.value = p.value ?? el.value;
        if (el.style !== undefined) action.style = el.style;
        if (el.url !== undefined) action.url = el.url;
        break;
      case 'overflow':
        action.selected_option = pick(p.selectedOption?.value ?? p.value ?? '');
        break;
      case 'static_select':
      case 'external_select':
      case 'radio_buttons': {
        const opt = pick(p.selectedOption?.value ?? p.value ?? '');
        action.selected_option = opt;
        state = { type, selected_option: opt };
        break;
      }
      case 'multi_static_select':
      case 'multi_external_select':
      case 'checkboxes': {
        const opts = (p.selectedOptions ?? []).map((o) => pick(o.value));
        action.selected_options = opts;
        state = { type, selected_options: opts };
        break;
      }
      case 'users_select':
        action.selected_user = p.selectedUser ?? p.value ?? null;
        state = { type, selected_user: (action.selected_user as string | null) };
        break;
      case 'multi_users_select':
        action.selected_users = p.selectedUsers ?? [];
        state = { type, selected_users: p.selectedUsers ?? [] };
        break;
      case 'conversations_select':
        action.selected_conversation = p.selectedConversation ?? p.value ?? null;
        state = { type, selected_conversation: action.selected_conversation as string | null };
        break;
      case 'channels_select':
        action.selected_channel = p.selectedChannel ?? p.value ?? null;
        state = { type, selected_channel: action.selected_channel as string | null };
        break;
      case 'datepicker':
        action.selected_date = p.selectedDate ?? p.value ?? null;
        state = { type, selected_date: action.selected_date as string | null };
        break;
      case 'timepicker':
        action.selected_time = p.selectedTime ?? p.value ?? null;
        state = { type, selected_time: action.selected_time as string | null };
        break;
      case 'datetimepicker':
        action.selected_date_time = p.selectedDateTime ?? (p.value !== undefined ? Number(p.value) : null);
        state = { type, selected_date_time: action.selected_date_time as number | null };
        break;
      case 'plain_text_input':
      case 'email_text_input':
      case 'url_text_input':
      case 'number_input':
        action.value = p.value ?? null;
        state = { type, value: p.value ?? null };
        break;
      default:
        if (p.value !== undefined) action.value = p.value;
    }
    if (isObj(el.placeholder) && type !== 'button') action.placeholder = el.placeholder;
    if (isObj(el.confirm)) action.confirm = el.confirm;
    return state === undefined ? { action } : { action, state };
  }

  async sendBlockAction(p: BlockActionParams): Promise<EnvelopeResult> {
    const u = this.user(p.userId);
    const base: Json = { type: 'block_actions', user: this.userPart(u, 'full'), api_app_id: this.ws.appId, token: VERIFICATION_TOKEN };
    let payload: Json;
    let label: string;
    if (p.viewId !== undefined) {
      const view = this.liveView(p.viewId);
      const where = `view ${view.id} (${view.callback_id || view.type})`;
      const { block, el } = this.findElement(view.blocks, p.actionId, p.blockId, where);
      const { action, state } = this.actionValue(el, p, where);
      if (state && isStateful(el.type)) (view.state.values[String(block.block_id)] ??= {})[String(el.action_id)] = state;
      payload = {
        ...base,
        container: { type: 'view', view_id: view.id },
        trigger_id: this.ws.issueTrigger(u.id, view.type === 'modal' ? view.id : undefined),
        team: this.team(),
        enterprise: null,
        is_enterprise_install: false,
        view: structuredClone(view),
        actions: [{ ...action, action_id: el.action_id, block_id: block.block_id, type: el.type, action_ts: this.ws.ids.actionTs() }],
      };
      label = `block_actions:${p.actionId}@${view.callback_id || view.id}`;
    } else if (p.channelId !== undefined && p.messageTs !== undefined) {
      const c = this.conversation(p.channelId);
      const eph = this.ws.ephemeralMessages.find((m) => m.ts === p.messageTs && m.channel === c.id && m.ephemeralTo === u.id);
      const m = c.messages.find((x) => x.ts === p.messageTs) ?? eph;
      if (!m) throw new Error(`Slack emulator: no message ${p.messageTs} in ${p.channelId} visible to ${u.id}`);
      const blocks = (m.blocks ?? []).filter(isObj);
      const where = `message ${m.ts} in ${c.id}`;
      const { block, el } = this.findElement(blocks, p.actionId, p.blockId, where);
      const { action, state } = this.actionValue(el, p, where);
      const values: ViewStateValues = {};
      for (const b of blocks) {
        for (const e of blockElements(b)) {
          if (!isStateful(e.type) || !Object.keys(e).some((k) => k.startsWith('initial_'))) continue;
          const st = elementState(e, true);
          if (st) (values[String(b.block_id)] ??= {})[String(e.action_id)] = st;
        }
      }
      if (state && isStateful(el.type)) (values[String(block.block_id)] ??= {})[String(el.action_id)] = state;
      payload = {
        ...base,
        container: { type: 'message', message_ts: m.ts, channel_id: c.id, is_ephemeral: m === eph },
        trigger_id: this.ws.issueTrigger(u.id),
        team: this.team(),
        enterprise: null,
        is_enterprise_install: false,
        channel: { id: c.id, name: this.channelName(c) },
        ...(m === eph ? {} : { message: messageObject(this.ws, m) }),
        state: { values },
        response_url: this.responseUrl('actions', { userId: u.id, channelId: c.id, messageTs: m.ts }),
        actions: [{ ...action, action_id: el.action_id, block_id: block.block_id, type: el.type, action_ts: this.ws.ids.actionTs() }],
      };
      label = `block_actions:${p.actionId}@message`;
    } else {
      throw new Error('Slack emulator: sendBlockAction needs viewId, or channelId and messageTs');
    }
    return this.hub.send('interactive', payload, {
      acceptsResponsePayload: false,
      label,
      ...(p.timeoutMs !== undefined ? { timeoutMs: p.timeoutMs } : {}),
    });
  }

  // ---------------------------------------------------------------------------------------------- views

  private owner(view: View, userId: string | undefined): string {
    const owner = this.ws.viewOwner.get(view.id);
    if (owner === undefined) throw new Error(`Slack emulator: view '${view.id}' has no owner`);
    if (userId !== undefined && userId !== owner) throw new Error(`Slack emulator: view '${view.id}' belongs to ${owner}, not ${userId}`);
    return owner;
  }

  /** What the Slack client refuses before sending: empty required inputs, too-short text. */
  private clientChecks(view: View): Record<string, string> {
    const errors: Record<string, string> = {};
    const values = submissionState(view);
    for (const b of view.blocks) {
      if (b.type !== 'input' || !isObj(b.element) || typeof b.block_id !== 'string') continue;
      const st = values[b.block_id]?.[String(b.element.action_id)];
      const empty =
        !st ||
        ((st.value === null || st.value === '' || st.value === undefined) &&
          !st.selected_option &&
          !(st.selected_options?.length) &&
          !st.selected_user &&
          !(st.selected_users?.length) &&
          !st.selected_conversation &&
          !(st.selected_conversations?.length) &&
          !st.selected_channel &&
          !(st.selected_channels?.length) &&
          !st.selected_date &&
          !st.selected_time &&
          (st.selected_date_time === null || st.selected_date_time === undefined) &&
          !st.rich_text_value &&
          !(st.files?.length));
      if (empty && b.optional !== true) {
        errors[b.block_id] = 'Please complete this required field.';
        continue;
      }
      const min = b.element.min_length;
      if (typeof min === 'number' && typeof st?.value === 'string' && st.value.length > 0 && [...st.value].length < min) {
        errors[b.block_id] = `Please enter at least ${min} characters.`;
      }
    }
    return errors;
  }

  async submitView(p: {
    viewId: string;
    userId?: string;
    values?: ViewStateValues;
    timeoutMs?: number;
    /** Send even when the Slack client would refuse (required field empty). */
    skipClientValidation?: boolean;
  }): Promise<ViewSubmissionResult> {
    const view = this.liveView(p.viewId);
    if (view.type !== 'modal') throw new Error(`Slack emulator: view '${view.id}' is a ${view.type} view, it cannot be submitted`);
    const userId = this.owner(view, p.userId);
    const u = this.user(userId);
    if (!view.submit) throw new Error(`Slack emulator: view '${view.id}' (${view.callback_id}) has no submit button`);
    if (p.values !== undefined) view.state.values = structuredClone(p.values);
    if (!p.skipClientValidation) {
      const clientErrors = this.clientChecks(view);
      if (Object.keys(clientErrors).length > 0) {
        return { envelopeId: '', ackPayload: undefined, ackMs: 0, acked: false, clientErrors, stack: this.ws.modalStack(userId) };
      }
    }
    const payload: Json = {
      type: 'view_submission',
      team: this.team(),
      user: this.userPart(u, 'full'),
      api_app_id: this.ws.appId,
      token: VERIFICATION_TOKEN,
      trigger_id: this.ws.issueTrigger(userId, view.id),
      view: { ...structuredClone(view), state: { values: submissionState(view) } },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const result = await this.hub.send('interactive', payload, {
      acceptsResponsePayload: true,
      label: `view_submission:${view.callback_id || view.id}`,
      ...(p.timeoutMs !== undefined ? { timeoutMs: p.timeoutMs } : {}),
    });
    return { ...result, ...this.applyResponseAction(view, userId, result.ackPayload ?? {}) };
  }

  /** Applies a view_submission ack to the modal stack as Slack does. */
  private applyResponseAction(view: View, userId: string, ack: Json): Omit<ViewSubmissionResult, keyof EnvelopeResult> {
    const stack = [...(this.ws.modalStacks.get(userId) ?? [])];
    const at = stack.indexOf(view.id);
    const action = ack.response_action;
    const out: Omit<ViewSubmissionResult, keyof EnvelopeResult> = { stack: [] };
    try {
      switch (action) {
        case undefined:
          // An empty ack closes the submitted view (and anything pushed above it).
          this.ws.modalStacks.set(userId, stack.slice(0, Math.max(0, at)));
          break;
        case 'clear':
          out.responseAction = 'clear';
          this.ws.modalStacks.set(userId, []);
          break;
        case 'errors': {
          out.responseAction = 'errors';
          const errors = isObj(ack.errors) ? (ack.errors as Record<string, string>) : {};
          out.errors = errors;
          const inputIds = new Set(view.blocks.filter((b) => b.type === 'input').map((b) => b.block_id));
          const bad = Object.keys(errors).filter((k) => !inputIds.has(k));
          if (Object.keys(errors).length === 0) out.responseError = 'response_action errors without any errors';
          else if (bad.length > 0) out.responseError = `errors keys must be block_ids of input blocks; not input blocks: ${bad.join(', ')}`;
          break;
        }
        case 'update':
          out.responseAction = 'update';
          replaceView(this.ws, view, checkViewInput(ack.view, 'modal'));
          break;
        case 'push':
          out.responseAction = 'push';
          if (stack.length >= MAX_MODAL_STACK) throw new SlackApiError('push_limit_reached');
          pushView(this.ws, userId, checkViewInput(ack.view, 'modal'), false);
          break;
        default:
          out.responseError = `unknown response_action '${String(action)}'`;
      }
    } catch (e) {
      if (!(e instanceof SlackApiError)) throw e;
      const messages = (e.extra.response_metadata as { messages?: string[] } | undefined)?.messages ?? [];
      out.responseError = [e.code, ...messages].join(' ');
    }
    out.stack = this.ws.modalStack(userId);
    return out;
  }

  /** The user closes a modal (Cancel / X). view_closed goes to the app only when the view has notify_on_close. */
  async closeView(p: { viewId: string; userId?: string; timeoutMs?: number }): Promise<EnvelopeResult> {
    const view = this.liveView(p.viewId);
    const userId = this.owner(view, p.userId);
    const u = this.user(userId);
    const stack = [...(this.ws.modalStacks.get(userId) ?? [])];
    const at = stack.indexOf(view.id);
    const clear = view.clear_on_close || at === 0;
    this.ws.modalStacks.set(userId, clear ? [] : stack.slice(0, at));
    if (!view.notify_on_close) return { envelopeId: '', ackPayload: undefined, ackMs: 0, acked: false };
    const payload: Json = {
      type: 'view_closed',
      team: this.team(),
      user: this.userPart(u, 'full'),
      api_app_id: this.ws.appId,
      token: VERIFICATION_TOKEN,
      view: structuredClone(view),
      is_cleared: view.clear_on_close && stack.length > 1,
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    return this.hub.send('interactive', payload, {
      acceptsResponsePayload: false,
      label: `view_closed:${view.callback_id || view.id}`,
      ...(p.timeoutMs !== undefined ? { timeoutMs: p.timeoutMs } : {}),
    });
  }

  // ---------------------------------------------------------------------------------------------- events

  /** The Events API wrapper (as in fixtures/slack/socket-mode/envelope.events_api.*.json). */
  eventPayload(event: Json, eventId?: string): Json {
    const full: Json = { ...event };
    if (full.type === 'app_home_opened' && typeof full.user === 'string') {
      full.channel ??= this.ws.imWith(full.user).id;
      full.tab ??= 'home';
      const homeId = this.ws.homeViews.get(full.user);
      const home = homeId === undefined ? undefined : this.ws.views.get(homeId);
      if (home && full.view === undefined) full.view = structuredClone(home);
    }
    full.event_ts ??= this.ws.ids.actionTs();
    const channel = typeof full.channel === 'string' ? full.channel : isObj(full.channel) ? String(full.channel.id) : 'none';
    return {
      token: VERIFICATION_TOKEN,
      team_id: this.ws.teamId,
      api_app_id: this.ws.appId,
      event: full,
      type: 'event_callback',
      event_id: eventId ?? this.ws.ids.eventId(),
      event_time: this.ws.nowSeconds(),
      authorizations: [{ enterprise_id: null, team_id: this.ws.teamId, user_id: this.ws.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
      event_context: `4-${String(full.type)}-${this.ws.teamId}-${channel}`,
    };
  }

  sendEvent(
    event: Json & { type: string },
    options: { retryAttempt?: number; retryReason?: string; eventId?: string; timeoutMs?: number } = {},
  ): Promise<EnvelopeResult> {
    const payload = this.eventPayload(event, options.eventId);
    return this.hub.send('events_api', payload, {
      acceptsResponsePayload: false,
      label: event.type,
      ...(options.retryAttempt !== undefined ? { retryAttempt: options.retryAttempt } : {}),
      ...(options.retryReason !== undefined ? { retryReason: options.retryReason } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
  }

  /** A person posts in a channel: the message is stored and a `message` event (plus `app_mention`) is sent. */
  async postAsUser(p: { userId: string; channelId: string; text: string; threadTs?: string }): Promise<{ ts: string; results: EnvelopeResult[] }> {
    const u = this.user(p.userId);
    const c = this.conversation(p.channelId);
    const blocks = [{ type: 'rich_text', block_id: this.ws.ids.shortId(), elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: p.text }] }] }];
    const m: SlackMessage = { ts: this.ws.ids.ts(), channel: c.id, user: u.id, text: p.text, blocks, clientMsgId: this.ws.ids.uuid() };
    if (p.threadTs !== undefined) {
      m.threadTs = p.threadTs;
      const parent = c.messages.find((x) => x.ts === p.threadTs);
      if (parent) parent.replyCount = (parent.replyCount ?? 0) + 1;
    }
    c.messages.push(m);
    const event: Json & { type: string } = {
      client_msg_id: m.clientMsgId,
      type: 'message',
      text: p.text,
      user: u.id,
      ts: m.ts,
      team: this.ws.teamId,
      blocks: structuredClone(blocks),
      channel: c.id,
      event_ts: m.ts,
      channel_type: c.isIm ? 'im' : c.isPrivate ? 'group' : 'channel',
    };
    if (p.threadTs !== undefined) event.thread_ts = p.threadTs;
    const results = [await this.sendEvent(event)];
    if (p.text.includes(`<@${this.ws.botUserId}>`)) {
      const { channel_type: _ignored, ...mention } = event;
      results.push(await this.sendEvent({ ...mention, type: 'app_mention' }));
    }
    return { ts: m.ts, results };
  }
}
