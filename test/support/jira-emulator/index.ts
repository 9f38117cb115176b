// In-process, stateful Jira Cloud REST emulator for end-to-end tests driving the real jira.js over HTTP.
//
//   const jira = await startJiraEmulator();
//   new Version3Client({ host: jira.url, authentication: { basic: { email: jira.email, apiToken: jira.apiToken } } });
//
// Modules: server.ts (HTTP, faults, latency, request log), auth.ts, routes.ts (REST endpoints), issues.ts (rules,
// validation, changelog), state.ts (data), workflow.ts, jql.ts (search subset), render.ts (JSON shapes),
// webhooks.ts + webhook-payloads.ts (Jira -> app deliveries, X-Hub-Signature), multipart.ts, adf.ts.

import { textToAdf } from './adf.js';
import { IssueService } from './issues.js';
import { Router } from './routes.js';
import { EmulatorServer } from './server.js';
import { EmulatorState } from './state.js';
import type {
  AddProjectInput,
  AddUserInput,
  FaultMatch,
  FaultSpec,
  JiraIssue,
  JiraUser,
  RecordedRequest,
  UserChange,
  WebhookConfig,
  WebhookDelivery,
  WorkflowDefinition,
} from './types.js';
import { JiraHttpError } from './util.js';
import { webhooksFor } from './webhook-payloads.js';
import { WebhookDispatcher } from './webhooks.js';
import { Workflow } from './workflow.js';

export type * from './types.js';
export { signWebhookBody, ALL_WEBHOOK_EVENTS } from './webhooks.js';
export { defaultWorkflow } from './workflow.js';
export { jiraTime } from './util.js';
export { textToAdf, adfToWiki, isAdfDoc } from './adf.js';

export interface JiraEmulatorOptions {
  /** Port to listen on (127.0.0.1); default 0 = any free port. */
  port?: number;
  /** Basic-auth credentials accepted; they belong to the bot account. */
  email?: string;
  apiToken?: string;
  /** Delay before every answer. */
  latencyMs?: number;
  /** Clock for timestamps (issue dates, webhook `timestamp`). */
  now?: () => number;
  botAccountId?: string;
  botDisplayName?: string;
  /** 'removed' = legacy GET/POST /rest/api/3/search answer 410 as on Jira Cloud since CHANGE-2046. */
  legacySearch?: 'available' | 'removed';
}

export interface JiraEmulator {
  /** http://127.0.0.1:<port> — the jira.js `host`. */
  url: string;
  email: string;
  apiToken: string;
  /** accountId behind the accepted credentials (`GET /myself`, webhook `user` of REST-made changes). */
  botAccountId: string;
  stop(): Promise<void>;

  // --- state seeding
  addProject(p: AddProjectInput): void;
  addUser(u: AddUserInput): JiraUser;
  addPriority(p: { id: string; name: string }): void;
  setWorkflow(w: WorkflowDefinition): void;
  /** Display name used as changelog `field` for a custom field (and listed by GET /field). */
  addCustomField(f: { id: string; name: string }): void;
  addLinkType(t: { id?: string; name: string; inward: string; outward: string }): void;

  // --- state inspection
  issues(): JiraIssue[];
  issue(key: string): JiraIssue | undefined;
  users(): JiraUser[];
  requests(filter?: { method?: string; pathPrefix?: string }): RecordedRequest[];
  resetRequests(): void;

  // --- faults
  failNext(match: FaultMatch, fault: FaultSpec, times?: number): void;
  clearFaults(): void;
  setLatency(ms: number): void;

  // --- webhooks (Jira -> app)
  configureWebhook(w: WebhookConfig | undefined): void;
  deliveries(): WebhookDelivery[];
  /** Resolves when every queued webhook delivery (and its retries) is done. */
  waitForDeliveries(): Promise<void>;
  /** Sends delivery #index again with the same identifier and `X-Atlassian-Webhook-Retry`. */
  redeliver(index: number): Promise<WebhookDelivery>;
  updateIssueAsUser(key: string, accountId: string, change: UserChange): Promise<void>;
  addCommentAsUser(key: string, accountId: string, body: string): Promise<void>;
}

export async function startJiraEmulator(options: JiraEmulatorOptions = {}): Promise<JiraEmulator> {
  const now = options.now ?? Date.now;
  const email = options.email ?? 'bot@example.com';
  const apiToken = options.apiToken ?? 'jira-emulator-token';
  const state = new EmulatorState(now);
  const bot = state.addUser({
    accountId: options.botAccountId ?? '712020:0e3c6a51-b070-4c1e-9a7e-0000000e0001',
    email,
    displayName: options.botDisplayName ?? 'Incident Bot',
    accountType: 'app',
  });
  const router = new Router(state, { legacySearch: options.legacySearch ?? 'available' });
  const server = new EmulatorServer({ router, credentials: { email, apiToken }, actor: bot.accountId, now, latencyMs: options.latencyMs ?? 0 });
  const dispatcher = new WebhookDispatcher();
  const url = await server.listen(options.port ?? 0);
  state.onEvent((event) => {
    for (const w of webhooksFor(state, event, url)) dispatcher.enqueue(w.event, w.payload);
  });
  const service = new IssueService(state);

  const requireUser = (accountId: string): JiraUser => {
    const user = state.findUser(accountId);
    if (!user) throw new Error(`unknown accountId '${accountId}'`);
    return user;
  };
  const asError = (e: unknown): Error => (e instanceof JiraHttpError ? new Error(`Jira emulator rejected the change: ${e.message}`) : (e as Error));

  return {
    url,
    email,
    apiToken,
    botAccountId: bot.accountId,

    async stop() {
      await server.close();
      await dispatcher.idle();
    },

    addProject(p) {
      state.addProject(p);
    },
    addUser(u) {
      return state.addUser(u);
    },
    addPriority(p) {
      state.addPriority(p);
    },
    setWorkflow(w) {
      state.workflow = new Workflow(w);
    },
    addCustomField(f) {
      state.customFieldNames.set(f.id, f.name);
    },
    addLinkType(t) {
      state.addLinkType(t);
    },

    issues() {
      return state.issues.map((i) => state.snapshot(i));
    },
    issue(key) {
      const found = state.findIssue(key);
      return found ? state.snapshot(found) : undefined;
    },
    users() {
      return state.users.map((u) => ({ ...u }));
    },
    requests(filter = {}) {
      return server.log
        .filter((r) => (!filter.method || r.method === filter.method.toUpperCase()) && (!filter.pathPrefix || r.path.startsWith(filter.pathPrefix)))
        .map((r) => ({ ...r, query: { ...r.query }, headers: { ...r.headers } }));
    },
    resetRequests() {
      server.log.length = 0;
    },

    failNext(match, fault, times = 1) {
      server.faults.add(match, fault, times);
    },
    clearFaults() {
      server.faults.clear();
    },
    setLatency(ms) {
      server.latencyMs = ms;
    },

    configureWebhook(w) {
      dispatcher.configure(w);
    },
    deliveries() {
      return dispatcher.deliveries();
    },
    waitForDeliveries() {
      return dispatcher.idle();
    },
    redeliver(index) {
      return dispatcher.redeliver(index);
    },

    async updateIssueAsUser(key, accountId, change) {
      requireUser(accountId);
      const issue = state.findIssue(key);
      if (!issue) throw new Error(`updateIssueAsUser: no issue '${key}'`);
      // A person in Jira's UI: v3 semantics (the UI stores rich text as ADF).
      const op = { actor: accountId, version: 3 as const };
      const fields: Record<string, unknown> = { ...(change.fields ?? {}) };
      if (change.summary !== undefined) fields.summary = change.summary;
      if (change.description !== undefined) fields.description = textToAdf(change.description);
      if (change.priorityId !== undefined) fields.priority = { id: change.priorityId };
      if (change.assignee !== undefined) fields.assignee = change.assignee === null ? null : { accountId: change.assignee };
      try {
        if (Object.keys(fields).length > 0) service.edit(issue, { fields }, op);
        if (change.status !== undefined && change.status !== issue.status) {
          const target = state.workflow.findStatus(change.status);
          if (!target) throw new Error(`updateIssueAsUser: unknown status '${change.status}'`);
          const transition = state.workflow.available(issue.status).find((t) => t.to === target.name);
          if (!transition) {
            const offered = state.workflow.available(issue.status).map((t) => `${t.name} -> ${t.to}`);
            throw new Error(`updateIssueAsUser: no transition from '${issue.status}' to '${target.name}' (available: ${offered.join(', ') || 'none'})`);
          }
          service.transition(issue, { transition: { id: transition.id } }, op);
        }
      } catch (e) {
        throw asError(e);
      }
      await dispatcher.idle();
    },

    async addCommentAsUser(key, accountId, body) {
      requireUser(accountId);
      const issue = state.findIssue(key);
      if (!issue) throw new Error(`addCommentAsUser: no issue '${key}'`);
      try {
        service.addComment(issue, textToAdf(body), undefined, { actor: accountId, version: 3 });
      } catch (e) {
        throw asError(e);
      }
      await dispatcher.idle();
    },
  };
}

