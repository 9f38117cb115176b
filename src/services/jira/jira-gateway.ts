import { Version3Client } from 'jira.js';
import NodeCache from 'node-cache';
import { ExternalCallError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { JiraIssueFields } from './prepare-jira-fields.js';

export interface JiraAccount {
  accountId: string;
  email: string | null;
  displayName: string;
  /** `atlassian` for people, `app` for bots and integrations. */
  accountType: string | null;
}

export interface JiraIssueRef {
  id: string;
  key: string;
}

/** Every call to Jira goes through here: one place for timeouts, error mapping and the account cache. */
export interface JiraGateway {
  browseUrl(key: string): string;
  createIssue(fields: JiraIssueFields): Promise<JiraIssueRef>;
  findIssueByLabel(label: string): Promise<JiraIssueRef | null>;
  addWatcher(issueKey: string, accountId: string): Promise<void>;
  upsertRemoteLink(issueKey: string, link: { globalId: string; url: string; title: string }): Promise<void>;
  findAccountIdByEmail(email: string): Promise<string | null>;
  /** A Jira account by id (email may be null: Jira hides it by the user's privacy settings); cached. Null when unknown. */
  findUserByAccountId(accountId: string): Promise<JiraAccount | null>;
  /** The account id the app acts as (GET /myself), cached: webhooks it caused are echoes. */
  myAccountId(): Promise<string>;
  /** The watchers of an issue; [] when the issue is gone. */
  listWatchers(issueKey: string): Promise<JiraAccount[]>;
  /** Sets fields on an existing issue (PUT /issue/{key}); only the fields given change. */
  editIssue(key: string, fields: Record<string, unknown>): Promise<void>;
  /** The transitions available from the issue's current status, with the status each one leads to. */
  getTransitions(key: string): Promise<JiraTransition[]>;
  transition(key: string, transitionId: string): Promise<void>;
  /** The name of the issue's current status. */
  getIssueStatus(key: string): Promise<string>;
  /** Assigns the issue to an account, or unassigns it with null. */
  assign(key: string, accountId: string | null): Promise<void>;
  linkIssues(link: { type: string; inwardKey: string; outwardKey: string }): Promise<void>;
  /** Uploads one file to the issue (multipart part `file`, as Jira wants it). */
  addAttachment(issueKey: string, file: JiraAttachmentFile): Promise<void>;
}

export interface JiraAttachmentFile {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

export interface JiraTransition {
  id: string;
  name: string;
  /** Name of the status it leads to. */
  to: string;
}

export function createJiraGateway(options: { url: string; email: string; apiToken: string; timeoutMs: number; logger: Logger }): JiraGateway {
  const client = new Version3Client({
    host: options.url,
    authentication: { basic: { email: options.email, apiToken: options.apiToken } },
    baseRequestConfig: { timeout: options.timeoutMs },
  });
  // Email -> account id is stable; a miss is cached shorter so a new account shows up soon.
  const accounts = new NodeCache({ stdTTL: 3600, checkperiod: 600, useClones: false });

  const call = async <T>(method: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw toJiraError(method, error);
    }
  };

  return {
    browseUrl: (key) => `${options.url}/browse/${encodeURIComponent(key)}`,

    createIssue: (fields) =>
      call('createIssue', async () => {
        const created = await client.issues.createIssue({ fields: fields as never });
        return { id: String(created.id), key: String(created.key) };
      }),

    findIssueByLabel: (label) =>
      call('searchForIssuesUsingJqlEnhancedSearch', async () => {
        const found = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
          jql: `labels = "${label.replace(/["\\]/g, '')}"`,
          fields: ['summary'],
          maxResults: 1,
        });
        const issue = found.issues?.[0];
        if (!issue?.id) return null;
        if (issue.key) return { id: String(issue.id), key: issue.key };
        // The enhanced search may answer with ids only; the issue itself knows its key.
        const full = await client.issues.getIssue({ issueIdOrKey: String(issue.id), fields: ['summary'] });
        return { id: String(full.id), key: String(full.key) };
      }),

    addWatcher: (issueKey, accountId) =>
      // Jira wants a bare JSON string. jira.js hands the id to axios, which sends a string that happens to parse as
      // JSON (an id like "5e0…2" is a number to JSON.parse) without quotes; quoting it ourselves is always right.
      call('addWatcher', () => client.issueWatchers.addWatcher({ issueIdOrKey: issueKey, accountId: JSON.stringify(accountId) })),

    upsertRemoteLink: (issueKey, link) =>
      call('createOrUpdateRemoteIssueLink', async () => {
        // Jira updates the link with the same globalId instead of adding one: retries stay idempotent.
        await client.issueRemoteLinks.createOrUpdateRemoteIssueLink({
          issueIdOrKey: issueKey,
          globalId: link.globalId,
          object: { url: link.url, title: link.title },
        });
      }),

    findAccountIdByEmail: async (email) => {
      const key = email.toLowerCase();
      const cached = accounts.get<string | null>(key);
      if (cached !== undefined) return cached;
      const users = await call('findUsers', () => client.userSearch.findUsers({ query: email, maxResults: 10 }));
      const exact = users.find((u) => u.emailAddress?.toLowerCase() === key && u.active !== false);
      const only = users.length === 1 && users[0]?.active !== false ? users[0] : undefined;
      const accountId = (exact ?? only)?.accountId ?? null;
      accounts.set(key, accountId, accountId ? 3600 : 300);
      return accountId;
    },

    findUserByAccountId: async (accountId) => {
      const key = `id:${accountId}`;
      const cached = accounts.get<JiraAccount | null>(key);
      if (cached !== undefined) return cached;
      let found: JiraAccount | null;
      try {
        const user = await client.users.getUser({ accountId });
        found = user.accountId ? toAccount(user) : null;
      } catch (error) {
        const status = (error as { response?: { status?: number } }).response?.status;
        if (status !== 404) throw toJiraError('getUser', error);
        found = null;
      }
      accounts.set(key, found, found ? 3600 : 300);
      return found;
    },

    myAccountId: async () => {
      const cached = accounts.get<string>('myself');
      if (cached) return cached;
      const me = await call('getCurrentUser', () => client.myself.getCurrentUser());
      const id = String(me.accountId ?? '');
      accounts.set('myself', id, 0);
      return id;
    },

    listWatchers: async (issueKey) => {
      try {
        const found = await client.issueWatchers.getIssueWatchers({ issueIdOrKey: issueKey });
        return (found.watchers ?? []).filter((w) => w.accountId).map(toAccount);
      } catch (error) {
        if ((error as { response?: { status?: number } }).response?.status === 404) return [];
        throw toJiraError('getIssueWatchers', error);
      }
    },

    editIssue: (key, fields) =>
      call('editIssue', async () => {
        // notifyUsers stays at Jira's default: watchers hear about incident changes as they would from a person.
        await client.issues.editIssue({ issueIdOrKey: key, fields: fields as never });
      }),

    getTransitions: (key) =>
      call('getTransitions', async () => {
        const found = await client.issues.getTransitions({ issueIdOrKey: key });
        return (found.transitions ?? [])
          .filter((t) => t.id && t.to?.name)
          .map((t) => ({ id: String(t.id), name: String(t.name ?? ''), to: String(t.to!.name) }));
      }),

    transition: (key, transitionId) =>
      call('doTransition', async () => {
        await client.issues.doTransition({ issueIdOrKey: key, transition: { id: transitionId } });
      }),

    getIssueStatus: (key) =>
      call('getIssue', async () => {
        const issue = await client.issues.getIssue({ issueIdOrKey: key, fields: ['status'] });
        const name = (issue.fields as { status?: { name?: string } } | undefined)?.status?.name;
        if (!name) throw new Error(`issue ${key} has no status`);
        return name;
      }),

    assign: (key, accountId) =>
      call('assignIssue', async () => {
        await client.issues.assignIssue({ issueIdOrKey: key, accountId });
      }),

    linkIssues: (link) =>
      call('linkIssues', async () => {
        await client.issueLinks.linkIssues({ type: { name: link.type }, inwardIssue: { key: link.inwardKey }, outwardIssue: { key: link.outwardKey } });
      }),

    addAttachment: (issueKey, file) =>
      call('addAttachment', async () => {
        await client.issueAttachments.addAttachment({
          issueIdOrKey: issueKey,
          attachment: { filename: file.fileName, file: file.bytes, mimeType: file.contentType },
        });
      }),
  };
}

function toAccount(user: { accountId?: string; emailAddress?: string; displayName?: string; accountType?: string }): JiraAccount {
  return { accountId: String(user.accountId), email: user.emailAddress ?? null, displayName: user.displayName ?? String(user.accountId), accountType: user.accountType ?? null };
}

function toJiraError(method: string, error: unknown): ExternalCallError {
  const e = error as { response?: { status?: number; headers?: Record<string, string>; data?: unknown }; code?: string; message?: string };
  const status = e.response?.status;
  const retryAfter = Number(e.response?.headers?.['retry-after']);
  const retryable = status === undefined || status >= 500 || status === 429 || status === 408;
  const detail = describeJiraBody(e.response?.data);
  return new ExternalCallError(
    'jira_call_failed',
    `Jira ${method} failed${status ? ` with HTTP ${status}` : `: ${e.code ?? e.message ?? 'network error'}`}${detail ? ` (${detail})` : ''}`,
    { method, status, retryable, outcomeUnknown: status === undefined, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) },
    { cause: error },
  );
}

function describeJiraBody(data: unknown): string {
  if (!data || typeof data !== 'object') return '';
  const body = data as { errorMessages?: unknown; errors?: unknown };
  const parts: string[] = [];
  if (Array.isArray(body.errorMessages)) parts.push(...body.errorMessages.map(String));
  if (body.errors && typeof body.errors === 'object') {
    parts.push(...Object.entries(body.errors as Record<string, unknown>).map(([k, v]) => `${k}: ${String(v)}`));
  }
  return parts.join('; ').slice(0, 300);
}
