import type { DeclareStep } from '../../src/models/incident.js';
import type { StepScheduler } from '../../src/services/incidents/declare-pipeline.js';
import type { JiraAccount, JiraAttachmentFile, JiraGateway, JiraIssueRef } from '../../src/services/jira/jira-gateway.js';
import type { SlackGateway, SlackMessage } from '../../src/services/slack/slack-gateway.js';
import type { HomeView, ModalView } from '@slack/types';
import { createLogger } from '../../src/logger.js';

/** Fakes for unit tests of services: in-memory, recording what was asked. End-to-end tests use the emulators. */
export class FakeScheduler implements StepScheduler {
  readonly scheduled: Array<{ incidentId: string; step: DeclareStep }> = [];
  async schedule(incidentId: string, step: DeclareStep): Promise<void> {
    this.scheduled.push({ incidentId, step });
  }
  steps(): DeclareStep[] {
    return this.scheduled.map((s) => s.step);
  }
}

export class FakeSlack implements SlackGateway {
  channels: Array<{ id: string; name: string; creator: string; topic: string; members: string[]; bookmarks: string[]; pins: string[] }> = [];
  posts: Array<{ channel: string; ts: string; message: SlackMessage }> = [];
  private seq = 0;
  async createChannel(name: string) {
    if (this.channels.some((c) => c.name === name)) return 'name_taken' as const;
    const channel = { id: `C${++this.seq}`, name, creator: 'UBOT', topic: '', members: ['UBOT'], bookmarks: [], pins: [] };
    this.channels.push(channel);
    return { id: channel.id, name };
  }
  async findChannelByName(name: string) {
    const c = this.channels.find((x) => x.name === name);
    return c ? { id: c.id, name: c.name, creator: c.creator } : null;
  }
  async resolveChannel(ref: string) {
    return ref.startsWith('#') ? (this.channels.find((c) => `#${c.name}` === ref)?.id ?? null) : ref;
  }
  async setTopic(channel: string, topic: string) {
    this.channel(channel).topic = topic;
  }
  async renameChannel(channel: string, name: string) {
    if (this.channels.some((c) => c.name === name && c.id !== channel)) return 'name_taken' as const;
    this.channel(channel).name = name;
    return { name };
  }
  archived: string[] = [];
  async archiveChannel(channel: string) {
    this.archived.push(channel);
  }
  ephemerals: Array<{ channel: string; user: string; message: SlackMessage }> = [];
  async postEphemeral(channel: string, user: string, message: SlackMessage) {
    this.ephemerals.push({ channel, user, message });
  }
  async invite(channel: string, users: string[]) {
    this.channel(channel).members.push(...users);
  }
  async postMessage(channel: string, message: SlackMessage) {
    const ts = `1700000000.${String(++this.seq).padStart(6, '0')}`;
    this.posts.push({ channel, ts, message });
    return { channel, ts };
  }
  async updateMessage(channel: string, ts: string, message: SlackMessage) {
    const post = this.posts.find((p) => p.channel === channel && p.ts === ts);
    if (post) post.message = message;
  }
  async findPostedMessage(channel: string, eventType: string, payload: Record<string, string>) {
    const matches = (p: (typeof this.posts)[number]) =>
      p.channel === channel && p.message.metadata?.event_type === eventType && Object.entries(payload).every(([k, v]) => String(p.message.metadata?.event_payload[k]) === v);
    return this.posts.find(matches)?.ts ?? null;
  }
  async pin(channel: string, ts: string) {
    this.channel(channel).pins.push(ts);
  }
  async addBookmark(channel: string, bookmark: { link: string }) {
    this.channel(channel).bookmarks.push(bookmark.link);
  }
  async hasBookmark(channel: string, link: string) {
    return this.channel(channel).bookmarks.includes(link);
  }
  async userProfile(userId: string) {
    return { id: userId, name: `User ${userId}`, email: `${userId.toLowerCase()}@example.com` };
  }
  async botUserId() {
    return 'UBOT';
  }
  /** Email -> Slack user id, for lookupUserByEmail. */
  emails = new Map<string, string>();
  async lookupUserByEmail(email: string) {
    return this.emails.get(email.toLowerCase()) ?? null;
  }
  channelUrl(channelId: string) {
    return `https://slack.example/archives/${channelId}`;
  }
  /** The Home view last published for each user. */
  homes = new Map<string, HomeView>();
  async publishHome(userId: string, view: HomeView) {
    this.homes.set(userId, view);
  }
  /** The last view each modal was replaced with. */
  views = new Map<string, ModalView>();
  async updateView(viewId: string, view: ModalView) {
    this.views.set(viewId, view);
  }
  /** Messages people posted, for fetchMessage. */
  userMessages: Array<{ channel: string; ts: string; text: string; author: string; threadTs?: string }> = [];
  permalinkFails = false;
  async permalink(channel: string, ts: string) {
    if (this.permalinkFails) throw new Error('permalink failed');
    return `https://slack.example/archives/${channel}/p${ts.replace('.', '')}`;
  }
  async fetchMessage(channel: string, ts: string) {
    const m = this.userMessages.find((x) => x.channel === channel && x.ts === ts);
    return m ? { ts: m.ts, text: m.text, author: m.author, threadTs: m.threadTs ?? null } : null;
  }
  responses: Array<{ responseUrl: string; message: SlackMessage }> = [];
  async respond(responseUrl: string, message: SlackMessage) {
    this.responses.push({ responseUrl, message });
  }
  private channel(id: string) {
    const c = this.channels.find((x) => x.id === id);
    if (!c) throw new Error(`no channel ${id}`);
    return c;
  }
}

export class FakeJira implements JiraGateway {
  issues: Array<{ id: string; key: string; fields: Record<string, unknown>; watchers: string[]; links: string[] }> = [];
  accounts = new Map<string, string>();
  browseUrl(key: string) {
    return `https://jira.example/browse/${key}`;
  }
  async createIssue(fields: Parameters<JiraGateway['createIssue']>[0]): Promise<JiraIssueRef> {
    const n = this.issues.length + 1;
    const issue = { id: String(10000 + n), key: `${fields.project.key}-${n}`, fields: fields as unknown as Record<string, unknown>, watchers: [], links: [] };
    this.issues.push(issue);
    return { id: issue.id, key: issue.key };
  }
  async findIssueByLabel(label: string) {
    const found = this.issues.find((i) => (i.fields.labels as string[]).includes(label));
    return found ? { id: found.id, key: found.key } : null;
  }
  async addWatcher(key: string, accountId: string) {
    this.issues.find((i) => i.key === key)?.watchers.push(accountId);
  }
  async upsertRemoteLink(key: string, link: { globalId: string }) {
    const issue = this.issues.find((i) => i.key === key);
    if (issue && !issue.links.includes(link.globalId)) issue.links.push(link.globalId);
  }
  async findAccountIdByEmail(email: string) {
    return this.accounts.get(email) ?? null;
  }
  // Workflow side (sync to Jira): transitions as the emulator's default workflow; `from: []` is a global transition.
  workflow: Array<{ id: string; name: string; from: string[]; to: string }> = [
    { id: '21', name: 'Pending resolution', from: ['Incoming'], to: 'Pending resolution' },
    { id: '31', name: 'In progress', from: ['Pending resolution'], to: 'in progress' },
    { id: '41', name: 'Reporter validation', from: ['in progress'], to: 'Reporter validation' },
    { id: '51', name: 'Close', from: [], to: 'Closed' },
    { id: '61', name: 'Reopen', from: ['Closed'], to: 'Incoming' },
  ];
  statuses = new Map<string, string>();
  assignees = new Map<string, string | null>();
  issueLinks: Array<{ type: string; inwardKey: string; outwardKey: string }> = [];
  calls: string[] = [];
  /** Throws this error from the next call of that method (e.g. 'transition'). */
  failures: Array<{ method: string; error: Error }> = [];
  private fail(method: string) {
    this.calls.push(method);
    const i = this.failures.findIndex((f) => f.method === method);
    if (i >= 0) throw this.failures.splice(i, 1)[0]!.error;
  }
  async editIssue(key: string, fields: Record<string, unknown>) {
    this.fail('editIssue');
    const issue = this.issues.find((i) => i.key === key);
    if (issue) Object.assign(issue.fields, fields);
  }
  async getTransitions(key: string) {
    this.fail('getTransitions');
    const status = this.statuses.get(key) ?? 'Incoming';
    return this.workflow.filter((t) => (t.from.length ? t.from.includes(status) : t.to !== status)).map(({ id, name, to }) => ({ id, name, to }));
  }
  async transition(key: string, id: string) {
    this.fail('transition');
    const status = this.statuses.get(key) ?? 'Incoming';
    const t = this.workflow.find((x) => x.id === id && (x.from.length ? x.from.includes(status) : x.to !== status));
    if (!t) throw new Error(`transition ${id} is not available from ${status}`);
    this.statuses.set(key, t.to);
  }
  async getIssueStatus(key: string) {
    this.fail('getIssueStatus');
    return this.statuses.get(key) ?? 'Incoming';
  }
  async assign(key: string, accountId: string | null) {
    this.fail('assign');
    this.assignees.set(key, accountId);
  }
  async linkIssues(link: { type: string; inwardKey: string; outwardKey: string }) {
    this.fail('linkIssues');
    this.issueLinks.push(link);
  }
  attachments: Array<{ issueKey: string } & JiraAttachmentFile> = [];
  async addAttachment(issueKey: string, file: JiraAttachmentFile) {
    this.fail('addAttachment');
    this.attachments.push({ issueKey, ...file });
  }
  /** Jira accounts by id, watchers by issue key, and the app's own account, for the webhook receiver. */
  people = new Map<string, JiraAccount>();
  watchersOf = new Map<string, string[]>();
  myself = 'app-account';
  async findUserByAccountId(accountId: string) {
    return this.people.get(accountId) ?? null;
  }
  async myAccountId() {
    return this.myself;
  }
  async listWatchers(issueKey: string) {
    return (this.watchersOf.get(issueKey) ?? []).map((id) => this.people.get(id)).filter((p): p is JiraAccount => p !== undefined);
  }
}

export const silentLogger = () => createLogger({ level: 'error', secrets: [], silent: true });
