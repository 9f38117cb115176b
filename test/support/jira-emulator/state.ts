// The emulator's data: projects, issue types, users, priorities, resolutions, link types, issues, issue links.
// Pure bookkeeping and look-ups; the rules for changing issues live in issues.ts.

import type {
  AddProjectInput,
  AddUserInput,
  AttachmentRecord,
  ChangelogItem,
  CommentRecord,
  HistoryRecord,
  JiraIssue,
  JiraUser,
  RemoteLinkRecord,
} from './types.js';
import { cloneJson, jiraTime } from './util.js';
import { Workflow, defaultWorkflow } from './workflow.js';

export const DEFAULT_ISSUE_TYPES = [
  'Incident',
  'Bug',
  'Task',
  'Post-mortem',
  'Service Request',
  'Documentation/Process Request',
  'Feature Request',
];

export interface ProjectRecord {
  id: string;
  key: string;
  name: string;
  projectTypeKey: string;
  issueTypeIds: string[];
  nextNumber: number;
}

export interface IssueTypeRecord {
  id: string;
  name: string;
}

export interface PriorityRecord {
  id: string;
  name: string;
  description: string;
  statusColor: string;
}

export interface ResolutionRecord {
  id: string;
  name: string;
  description: string;
}

export interface LinkTypeRecord {
  id: string;
  name: string;
  inward: string;
  outward: string;
}

export interface IssueLinkRecord {
  id: string;
  typeId: string;
  /** The issue sent as `inwardIssue` (shows the type's *outward* description, e.g. "blocks"). */
  inwardIssueId: string;
  /** The issue sent as `outwardIssue` (shows the type's *inward* description, e.g. "is blocked by"). */
  outwardIssueId: string;
}

export interface IssueRecord {
  id: string;
  key: string;
  projectId: string;
  issueTypeId: string;
  fields: Record<string, unknown>;
  status: string;
  priorityId?: string;
  resolutionId?: string;
  resolutionDate?: number;
  assignee?: string;
  reporter?: string;
  creator: string;
  watchers: string[];
  remoteLinks: RemoteLinkRecord[];
  attachments: AttachmentRecord[];
  comments: CommentRecord[];
  labels: string[];
  properties: Record<string, unknown>;
  histories: HistoryRecord[];
  created: number;
  updated: number;
  statusCategoryChanged: number;
}

/** Something that changed through the REST API or a simulated user; turned into webhook deliveries. */
export type StateEvent =
  | { kind: 'issue_created'; issue: IssueRecord; actor: string; history: HistoryRecord }
  | {
      kind: 'issue_updated';
      issue: IssueRecord;
      actor: string;
      eventType: 'issue_updated' | 'issue_generic' | 'issue_assigned';
      history: HistoryRecord;
    }
  | { kind: 'comment_created'; issue: IssueRecord; actor: string; comment: CommentRecord }
  | { kind: 'issue_deleted'; issue: IssueRecord; actor: string };

export class EmulatorState {
  readonly projects: ProjectRecord[] = [];
  readonly issueTypes: IssueTypeRecord[] = [];
  readonly users: JiraUser[] = [];
  readonly priorities: PriorityRecord[] = [];
  readonly resolutions: ResolutionRecord[] = [];
  readonly linkTypes: LinkTypeRecord[] = [];
  readonly customFieldNames = new Map<string, string>();
  readonly issues: IssueRecord[] = [];
  readonly issueLinks: IssueLinkRecord[] = [];
  workflow: Workflow = new Workflow(defaultWorkflow());
  readonly now: () => number;

  private counters = { project: 10000, issueType: 10001, issue: 10000, user: 1, comment: 10000, attachment: 10000, remoteLink: 10000, history: 10000, issueLink: 10000 };
  private listeners: ((event: StateEvent) => void)[] = [];

  constructor(now: () => number) {
    this.now = now;
    for (const [id, name, color] of [
      ['1', 'Highest', '#d04437'],
      ['2', 'High', '#f15c75'],
      ['3', 'Medium', '#f79232'],
      ['4', 'Low', '#707070'],
      ['5', 'Lowest', '#999999'],
    ] as const) {
      this.priorities.push({ id, name, description: `${name} priority`, statusColor: color });
    }
    for (const [id, name] of [
      ['10000', 'Done'],
      ['10001', "Won't Do"],
      ['10002', 'Duplicate'],
      ['10003', 'Cannot Reproduce'],
      ['1', 'Fixed'],
    ] as const) {
      this.resolutions.push({ id, name, description: `${name}.` });
    }
    for (const [id, name, inward, outward] of [
      ['10000', 'Blocks', 'is blocked by', 'blocks'],
      ['10001', 'Cloners', 'is cloned by', 'clones'],
      ['10002', 'Duplicate', 'is duplicated by', 'duplicates'],
      ['10003', 'Relates', 'relates to', 'relates to'],
    ] as const) {
      this.linkTypes.push({ id, name, inward, outward });
    }
  }

  // ---------------------------------------------------------------- events
  onEvent(listener: (event: StateEvent) => void): void {
    this.listeners.push(listener);
  }

  emit(event: StateEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  // ---------------------------------------------------------------- ids
  nextId(kind: keyof EmulatorState['counters']): number {
    const value = this.counters[kind];
    this.counters[kind] = value + 1;
    return value;
  }

  // ---------------------------------------------------------------- seeding
  addProject(input: AddProjectInput): ProjectRecord {
    const key = input.key.toUpperCase();
    if (!/^[A-Z][A-Z0-9_]{0,9}$/.test(key)) throw new Error(`addProject: invalid project key '${input.key}'`);
    if (this.findProject(key)) throw new Error(`addProject: project '${key}' already exists`);
    const id = input.id ?? String(this.nextId('project'));
    if (this.projects.some((p) => p.id === id)) throw new Error(`addProject: project id '${id}' already used`);
    const types = input.issueTypes ?? DEFAULT_ISSUE_TYPES;
    const issueTypeIds = types.map((t) => this.ensureIssueType(t).id);
    const project: ProjectRecord = {
      id,
      key,
      name: input.name ?? key,
      projectTypeKey: input.projectTypeKey ?? 'software',
      issueTypeIds,
      nextNumber: 1,
    };
    this.projects.push(project);
    return project;
  }

  private ensureIssueType(t: string | { id: string; name: string }): IssueTypeRecord {
    if (typeof t === 'string') {
      const existing = this.issueTypes.find((it) => it.name.toLowerCase() === t.toLowerCase());
      if (existing) return existing;
      let id = String(this.nextId('issueType'));
      while (this.issueTypes.some((it) => it.id === id)) id = String(this.nextId('issueType'));
      const created = { id, name: t };
      this.issueTypes.push(created);
      return created;
    }
    const byId = this.issueTypes.find((it) => it.id === t.id);
    if (byId) {
      if (byId.name !== t.name) throw new Error(`issue type id '${t.id}' is already '${byId.name}'`);
      return byId;
    }
    const created = { id: t.id, name: t.name };
    this.issueTypes.push(created);
    return created;
  }

  addUser(input: AddUserInput): JiraUser {
    const accountId = input.accountId ?? this.generateAccountId();
    if (this.findUser(accountId)) throw new Error(`addUser: accountId '${accountId}' already exists`);
    const user: JiraUser = {
      accountId,
      email: input.email,
      displayName: input.displayName,
      accountType: input.accountType ?? 'atlassian',
      emailVisible: input.emailVisible ?? true,
      active: input.active ?? true,
      timeZone: input.timeZone ?? 'Europe/Paris',
    };
    this.users.push(user);
    return { ...user };
  }

  private generateAccountId(): string {
    // Shaped like Jira Cloud account ids (24 hex chars), unique within the emulator.
    const n = this.nextId('user');
    return `5e${n.toString(16).padStart(22, '0')}`;
  }

  addPriority(p: { id: string; name: string; description?: string; statusColor?: string }): void {
    if (this.findPriority(p.id)) throw new Error(`addPriority: priority id '${p.id}' already exists`);
    this.priorities.push({ id: p.id, name: p.name, description: p.description ?? `${p.name} priority`, statusColor: p.statusColor ?? '#cfcfcf' });
  }

  addLinkType(t: { id?: string; name: string; inward: string; outward: string }): void {
    const id = t.id ?? String(10000 + this.linkTypes.length);
    this.linkTypes.push({ id, name: t.name, inward: t.inward, outward: t.outward });
  }

  // ---------------------------------------------------------------- look-ups
  findProject(keyOrId: string): ProjectRecord | undefined {
    const upper = keyOrId.toUpperCase();
    return this.projects.find((p) => p.key === upper || p.id === keyOrId);
  }

  projectOf(issue: IssueRecord): ProjectRecord {
    const project = this.projects.find((p) => p.id === issue.projectId);
    if (!project) throw new Error(`issue ${issue.key} has no project`);
    return project;
  }

  findIssueType(id: string): IssueTypeRecord | undefined {
    return this.issueTypes.find((t) => t.id === id);
  }

  issueTypeOf(issue: IssueRecord): IssueTypeRecord {
    return this.findIssueType(issue.issueTypeId) ?? { id: issue.issueTypeId, name: 'Unknown' };
  }

  findUser(accountId: string): JiraUser | undefined {
    return this.users.find((u) => u.accountId === accountId);
  }

  findPriority(idOrName: string): PriorityRecord | undefined {
    return this.priorities.find((p) => p.id === idOrName) ?? this.priorities.find((p) => p.name.toLowerCase() === idOrName.toLowerCase());
  }

  findResolution(idOrName: string): ResolutionRecord | undefined {
    return this.resolutions.find((r) => r.id === idOrName) ?? this.resolutions.find((r) => r.name.toLowerCase() === idOrName.toLowerCase());
  }

  findLinkType(idOrName: string): LinkTypeRecord | undefined {
    return this.linkTypes.find((t) => t.id === idOrName) ?? this.linkTypes.find((t) => t.name.toLowerCase() === idOrName.toLowerCase());
  }

  /** By id, or by key case-insensitively (as Jira does). */
  findIssue(idOrKey: string): IssueRecord | undefined {
    const upper = idOrKey.toUpperCase();
    return this.issues.find((i) => i.id === idOrKey || i.key === upper);
  }

  linksOf(issue: IssueRecord): IssueLinkRecord[] {
    return this.issueLinks.filter((l) => l.inwardIssueId === issue.id || l.outwardIssueId === issue.id);
  }

  customFieldName(fieldId: string): string {
    return this.customFieldNames.get(fieldId) ?? fieldId;
  }

  // ---------------------------------------------------------------- snapshots for tests
  snapshot(issue: IssueRecord): JiraIssue {
    const project = this.projectOf(issue);
    const issueType = this.issueTypeOf(issue);
    const keyOf = (id: string): string => this.issues.find((i) => i.id === id)?.key ?? id;
    const snap: JiraIssue = {
      id: issue.id,
      key: issue.key,
      projectKey: project.key,
      issueType: issueType.name,
      issueTypeId: issueType.id,
      fields: cloneJson(issue.fields),
      status: issue.status,
      creator: issue.creator,
      watchers: [...issue.watchers],
      remoteLinks: cloneJson(issue.remoteLinks),
      attachments: issue.attachments.map((a) => ({ ...a, content: Buffer.from(a.content) })),
      comments: cloneJson(issue.comments),
      labels: [...issue.labels],
      properties: cloneJson(issue.properties),
      issueLinks: this.linksOf(issue).map((l) => ({
        id: l.id,
        type: this.findLinkType(l.typeId)?.name ?? l.typeId,
        inward: keyOf(l.inwardIssueId),
        outward: keyOf(l.outwardIssueId),
      })),
      histories: cloneJson(issue.histories),
      created: jiraTime(issue.created),
      updated: jiraTime(issue.updated),
    };
    if (issue.priorityId !== undefined) snap.priorityId = issue.priorityId;
    if (issue.resolutionId !== undefined) snap.resolution = this.findResolution(issue.resolutionId)?.name ?? issue.resolutionId;
    if (issue.assignee !== undefined) snap.assignee = issue.assignee;
    if (issue.reporter !== undefined) snap.reporter = issue.reporter;
    return snap;
  }

  /** Records a history entry on the issue (also what `expand=changelog` returns). */
  addHistory(issue: IssueRecord, actor: string, items: ChangelogItem[], at: number): HistoryRecord {
    const history: HistoryRecord = {
      id: String(this.nextId('history')),
      author: actor,
      created: jiraTime(at),
      items,
    };
    if (items.length > 0) issue.histories.push(history);
    return history;
  }
}
