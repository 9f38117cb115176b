/**
 * In-process, stateful Slack emulator for end-to-end tests of the real Bolt app in Socket Mode.
 *
 *   const emu = await startSlackEmulator();
 *   const app = new App({ token: emu.botToken, appToken: emu.appToken, socketMode: true,
 *                         clientOptions: { slackApiUrl: emu.apiUrl } });
 *   await app.start();                       // auth.test, apps.connections.open, hello
 *   await emu.sendSlashCommand({ command: '/incident', userId: alice.id });
 *
 * Web API on `http://127.0.0.1:<port>/api/`, Socket Mode on `ws://127.0.0.1:<port>/link/`, `response_url`s on
 * `/response/…`. See platform-facts §1 (protocol) and §3 (limits) for what is emulated and why.
 */
import { Interactions, type BlockActionParams } from './interactions.js';
import { EmulatorServer } from './http-server.js';
import { ModalForm, type FormHost } from './modal-form.js';
import { RateLimiter } from './rate-limits.js';
import { SocketHub } from './socket.js';
import { Workspace } from './state.js';
import type {
  CallRecord,
  EnvelopeRecord,
  EnvelopeResult,
  Fault,
  Json,
  SlackChannel,
  SlackEmulatorOptions,
  SlackMessage,
  SlackUser,
  View,
  ViewStateValues,
  ViewSubmissionResult,
} from './types.js';

export type * from './types.js';
export type { BlockActionParams } from './interactions.js';
export { ModalForm, type FillValue } from './modal-form.js';
export { validateMessageBlocks, validateView, formatIssues, type LimitIssue } from './block-kit-limits.js';

export interface SlackEmulator {
  /** `http://127.0.0.1:<port>/api/` — pass as `clientOptions.slackApiUrl`. */
  apiUrl: string;
  /** Accepted by every Web API method except apps.connections.open. */
  botToken: string;
  /** Accepted by apps.connections.open only (Authorization header). */
  appToken: string;
  teamId: string;
  botUserId: string;
  botId: string;
  appId: string;
  /** id of `#general`, which every added (non-bot) user joins. */
  generalChannelId: string;

  stop(): Promise<void>;
  /** Resolves when a socket client has received `hello` (at once if one already has). */
  waitForConnection(timeoutMs?: number): Promise<void>;
  /** Resolves on the next `hello` (use after disconnectAll to wait for the reconnect). */
  nextConnection(timeoutMs?: number): Promise<void>;
  connectionCount(): number;
  /** Sends `{type:'disconnect', reason}` on every socket (default reason `refresh_requested`). */
  disconnectAll(reason?: string): void;
  /** Drops every socket without a close handshake. */
  terminateConnections(): void;
  /** While true, drops every socket and refuses new ones at the WebSocket upgrade (503). */
  refuseConnections(refuse: boolean): void;

  // --- workspace state
  addUser(u: { name: string; email?: string; isAdmin?: boolean; isBot?: boolean; realName?: string }): SlackUser;
  user(idOrName: string): SlackUser | undefined;
  addChannel(c: { name: string; isPrivate?: boolean; members?: string[] }): SlackChannel;
  channels(): SlackChannel[];
  channelByName(name: string): SlackChannel | undefined;
  channel(id: string): SlackChannel | undefined;
  /**
   * Messages of a channel, or for a user id the bot's DM with that user, oldest first. Slack's system messages
   * (`channel_join`, `channel_topic`…) are left out unless `includeSystem`.
   */
  messages(channelOrUserId: string, options?: { includeSystem?: boolean }): SlackMessage[];
  ephemerals(userId: string): SlackMessage[];
  homeView(userId: string): View | undefined;
  /** Modal stack of a user (root first), or of everyone. */
  openViews(userId?: string): View[];
  view(viewId: string): View | undefined;

  // --- calls and envelopes
  /** Every Web API call (and `response_url` post), decoded. */
  calls(method?: string): CallRecord[];
  resetCalls(): void;
  /** Resolves when at least `count` calls of `method` are recorded (counting since the last resetCalls). */
  waitForCalls(method: string, count?: number, timeoutMs?: number): Promise<CallRecord[]>;
  /** Polls `check` until it returns a truthy value. */
  waitUntil<T>(check: () => T | undefined | null | false, timeoutMs?: number, what?: string): Promise<T>;
  /** Every envelope sent, with its ack status (timeouts and late acks of fire-and-forget events show here). */
  envelopes(): EnvelopeRecord[];

  /** A fresh trigger_id as if the user had just interacted (for calling views.open directly in tests). */
  issueTriggerId(userId: string): string;

  // --- faults
  failNext(method: string, fault: Fault, times?: number): void;

  // --- driving the app over the socket
  sendSlashCommand(p: { command: string; text?: string; userId: string; channelId?: string; timeoutMs?: number }): Promise<EnvelopeResult>;
  sendGlobalShortcut(p: { callbackId: string; userId: string; timeoutMs?: number }): Promise<EnvelopeResult>;
  sendMessageShortcut(p: { callbackId: string; userId: string; channelId: string; messageTs: string; timeoutMs?: number }): Promise<EnvelopeResult>;
  sendBlockAction(p: BlockActionParams): Promise<EnvelopeResult>;
  submitView(p: { viewId: string; userId?: string; values?: ViewStateValues; timeoutMs?: number; skipClientValidation?: boolean }): Promise<ViewSubmissionResult>;
  closeView(p: { viewId: string; userId?: string; timeoutMs?: number }): Promise<EnvelopeResult>;
  sendEvent(
    event: Record<string, unknown> & { type: string },
    options?: { retryAttempt?: number; retryReason?: string; eventId?: string; timeoutMs?: number },
  ): Promise<EnvelopeResult>;
  /** A person posts a message: stored, then `message` (and `app_mention` if the bot is mentioned) sent. */
  postAsUser(p: { userId: string; channelId: string; text: string; threadTs?: string }): Promise<{ ts: string; results: EnvelopeResult[] }>;
  form(viewId: string): ModalForm;
  /**
   * A text frame sent as is over the socket (malformed envelopes). With `envelopeId`, resolves with its ack or with
   * `acked: false` once `timeoutMs` (default the ack timeout) has passed; without, once the frame is written.
   */
  sendRawFrame(frame: string, options: { label: string; envelopeId?: string; timeoutMs?: number }): Promise<EnvelopeResult>;
  /** An Events API wrapper around `event`, as sendEvent would send it (to break on purpose). */
  eventPayload(event: Json): Json;
}

export async function startSlackEmulator(options: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
  const now = options.now ?? Date.now;
  const ws = new Workspace({
    teamId: options.teamId ?? 'T0EMULATOR',
    teamName: options.teamName ?? 'Emulated Workspace',
    teamDomain: options.teamDomain ?? 'emulated',
    now,
  });
  const botToken = `xoxb-${ws.ids.uuid().replace(/-/g, '').slice(0, 24)}`;
  const appToken = `xapp-1-${ws.appId}-${ws.ids.uuid().replace(/-/g, '').slice(0, 24)}`;
  const hub = new SocketHub({ appId: ws.appId, ids: ws.ids, ackTimeoutMs: options.ackTimeoutMs ?? 3000, now });
  const faults = new Map<string, Fault[]>();
  let callLog: CallRecord[] = [];
  const interactions = new Interactions(ws, hub, () => server.baseUrl);
  const server = new EmulatorServer({
    ws,
    hub,
    botToken,
    appToken,
    now,
    latencyMs: options.latencyMs ?? 0,
    triggerTtlMs: options.triggerTtlMs ?? 3000,
    limiter: options.enforceRateLimits ? new RateLimiter(now) : undefined,
    emitEvents: options.emitEvents ?? false,
    takeFault: (method) => faults.get(method)?.shift(),
    record: (call) => callLog.push(call),
    fireEvent: (event) => {
      interactions.sendEvent(event as Json & { type: string }).catch(() => undefined);
    },
  });
  const port = await server.listen(options.port ?? 0);

  const resolveUser = (idOrName: string): string => {
    const u = ws.users.get(idOrName) ?? ws.userByName(idOrName.replace(/^@/, ''));
    if (!u) throw new Error(`Slack emulator: no user '${idOrName}'`);
    return u.id;
  };
  const resolveChannel = (idOrName: string): string => {
    const c = ws.conversations.get(idOrName) ?? ws.channelByName(idOrName.replace(/^#/, ''));
    if (!c) throw new Error(`Slack emulator: no channel '${idOrName}'`);
    return c.id;
  };
  const formHost: FormHost = {
    view: (id) => ws.views.get(id),
    ownerOf: (id) => ws.viewOwner.get(id),
    resolveUser,
    resolveChannel,
    submitView: (p) => interactions.submitView(p),
    sendBlockAction: (p) => interactions.sendBlockAction(p),
  };

  const waitUntil = async <T>(check: () => T | undefined | null | false, timeoutMs = 3000, what = 'condition'): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`Slack emulator: timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  const emulator: SlackEmulator = {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    botToken,
    appToken,
    teamId: ws.teamId,
    botUserId: ws.botUserId,
    botId: ws.botId,
    appId: ws.appId,
    generalChannelId: ws.generalId,

    async stop() {
      await hub.close();
      await server.close();
    },
    waitForConnection: (timeoutMs) => hub.waitForConnection(timeoutMs),
    nextConnection: (timeoutMs) => hub.nextConnection(timeoutMs),
    connectionCount: () => hub.connectionCount(),
    disconnectAll: (reason) => hub.disconnectAll(reason),
    terminateConnections: () => hub.terminateAll(),
    refuseConnections: (refuse) => hub.refuseConnections(refuse),

    addUser: (u) => ws.addUser(u),
    user: (idOrName) => ws.users.get(idOrName) ?? ws.userByName(idOrName),
    addChannel: (c) => {
      for (const m of c.members ?? []) if (!ws.users.has(m)) throw new Error(`Slack emulator: addChannel: unknown member '${m}'`);
      if (ws.channelByName(c.name)) throw new Error(`Slack emulator: addChannel: name '${c.name}' is taken`);
      return ws.addChannel(c);
    },
    channels: () => ws.channels(),
    channelByName: (name) => ws.channelByName(name),
    channel: (id) => ws.conversations.get(id),
    messages(channelOrUserId, opts = {}) {
      const c = ws.users.has(channelOrUserId) ? ws.findIm(channelOrUserId) : ws.conversations.get(channelOrUserId);
      const all = c?.messages ?? [];
      return opts.includeSystem ? [...all] : all.filter((m) => m.subtype === undefined);
    },
    ephemerals: (userId) => ws.ephemeralMessages.filter((m) => m.ephemeralTo === userId),
    homeView(userId) {
      const id = ws.homeViews.get(userId);
      return id === undefined ? undefined : ws.views.get(id);
    },
    openViews(userId) {
      if (userId !== undefined) return ws.modalStack(userId);
      return [...ws.modalStacks.keys()].flatMap((u) => ws.modalStack(u));
    },
    view: (id) => ws.views.get(id),

    calls: (method) => (method === undefined ? [...callLog] : callLog.filter((c) => c.method === method)),
    resetCalls() {
      callLog = [];
    },
    waitForCalls(method, count = 1, timeoutMs = 3000) {
      return waitUntil(
        () => {
          const found = callLog.filter((c) => c.method === method);
          return found.length >= count ? found : undefined;
        },
        timeoutMs,
        `${count} ${method} call(s)`,
      );
    },
    waitUntil,
    envelopes: () => [...hub.envelopes],

    issueTriggerId(userId) {
      return ws.issueTrigger(resolveUser(userId));
    },
    failNext(method, fault, times = 1) {
      const queue = faults.get(method) ?? [];
      for (let i = 0; i < times; i += 1) queue.push({ ...fault });
      faults.set(method, queue);
    },

    sendSlashCommand: (p) => interactions.sendSlashCommand(p),
    sendGlobalShortcut: (p) => interactions.sendGlobalShortcut(p),
    sendMessageShortcut: (p) => interactions.sendMessageShortcut(p),
    sendBlockAction: (p) => interactions.sendBlockAction(p),
    submitView: (p) => interactions.submitView(p),
    closeView: (p) => interactions.closeView(p),
    sendEvent: (event, opts) => interactions.sendEvent(event, opts),
    postAsUser: (p) => interactions.postAsUser(p),
    sendRawFrame: (frame, options) => hub.sendRaw(frame, options),
    eventPayload: (event) => interactions.eventPayload(event),
    form: (viewId) => {
      if (!ws.views.has(viewId)) throw new Error(`Slack emulator: no view '${viewId}'`);
      return new ModalForm(formHost, viewId);
    },
  };
  return emulator;
}
