// JSON representations, shaped like Jira Cloud's REST answers (v3 = ADF rich text, v2 = wiki strings).
// Webhook bodies reuse the v2 representation, as Jira Cloud does.

import { isAdfDoc, richTextForV2, richTextForV3 } from './adf.js';
import type { EmulatorState, IssueLinkRecord, IssueRecord, PriorityRecord, ProjectRecord, ResolutionRecord } from './state.js';
import type { AttachmentRecord, CommentRecord, JiraUser, RemoteLinkRecord, WorkflowTransition } from './types.js';
import { jiraTime } from './util.js';
import { STATUS_CATEGORIES } from './workflow.js';

export type ApiVersion = 2 | 3;

export interface RenderCtx {
  /** Emulator base URL, e.g. http://127.0.0.1:PORT */
  base: string;
  version: ApiVersion;
  /** accountId of the caller (for isWatching). */
  viewer: string;
}

export function apiRoot(ctx: RenderCtx): string {
  return `${ctx.base}/rest/api/${ctx.version}`;
}

function avatarUrls(base: string, kind: 'user' | 'project', id: string): Record<string, string> {
  const path = kind === 'user' ? `${base}/secure/useravatar?ownerId=${encodeURIComponent(id)}` : `${base}/secure/projectavatar?pid=${encodeURIComponent(id)}`;
  return { '48x48': `${path}&size=large`, '24x24': `${path}&size=small`, '16x16': `${path}&size=xsmall`, '32x32': `${path}&size=medium` };
}

// ------------------------------------------------------------------------------------------------ users
/** The `UserDetails` shape embedded in issues, comments, watchers, webhooks. */
export function renderUserDetails(user: JiraUser, ctx: RenderCtx): Record<string, unknown> {
  const out: Record<string, unknown> = { self: `${apiRoot(ctx)}/user?accountId=${encodeURIComponent(user.accountId)}`, accountId: user.accountId };
  if (user.emailVisible) out.emailAddress = user.email;
  out.avatarUrls = avatarUrls(ctx.base, 'user', user.accountId);
  out.displayName = user.displayName;
  out.active = user.active;
  out.timeZone = user.timeZone;
  out.accountType = user.accountType;
  return out;
}

export function renderUserRef(state: EmulatorState, accountId: string | undefined, ctx: RenderCtx): Record<string, unknown> | null {
  if (accountId === undefined) return null;
  const user = state.findUser(accountId);
  if (!user) return { accountId, active: false, displayName: 'Former user', accountType: 'unknown' };
  return renderUserDetails(user, ctx);
}

/** The `User` shape of /user, /user/search, /myself (Atlassian's examples still carry empty `key`/`name`). */
export function renderUser(user: JiraUser, ctx: RenderCtx, opts: { full?: boolean } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    self: `${apiRoot(ctx)}/user?accountId=${encodeURIComponent(user.accountId)}`,
    key: '',
    accountId: user.accountId,
    accountType: user.accountType,
    name: '',
  };
  if (user.emailVisible) out.emailAddress = user.email;
  out.avatarUrls = avatarUrls(ctx.base, 'user', user.accountId);
  out.displayName = user.displayName;
  out.active = user.active;
  out.timeZone = user.timeZone;
  out.locale = 'en_US';
  if (opts.full) {
    out.groups = { size: 1, items: [] };
    out.applicationRoles = { size: 1, items: [] };
    out.expand = 'groups,applicationRoles';
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ reference data
export function renderStatus(state: EmulatorState, statusName: string, ctx: RenderCtx): Record<string, unknown> {
  const status = state.workflow.findStatus(statusName) ?? { id: '0', name: statusName, category: 'indeterminate' as const };
  const category = STATUS_CATEGORIES[status.category];
  return {
    self: `${apiRoot(ctx)}/status/${status.id}`,
    description: '',
    iconUrl: `${ctx.base}/images/icons/statuses/generic.png`,
    name: status.name,
    id: status.id,
    statusCategory: {
      self: `${apiRoot(ctx)}/statuscategory/${category.id}`,
      id: category.id,
      key: category.key,
      colorName: category.colorName,
      name: category.name,
    },
  };
}

export function renderPriority(p: PriorityRecord, ctx: RenderCtx, opts: { full?: boolean } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    self: `${apiRoot(ctx)}/priority/${p.id}`,
    iconUrl: `${ctx.base}/images/icons/priorities/${p.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.svg`,
    name: p.name,
    id: p.id,
  };
  if (opts.full) {
    out.description = p.description;
    out.statusColor = p.statusColor;
    out.isDefault = p.id === '3';
  }
  return out;
}

export function renderResolution(r: ResolutionRecord, ctx: RenderCtx): Record<string, unknown> {
  return { self: `${apiRoot(ctx)}/resolution/${r.id}`, id: r.id, description: r.description, name: r.name };
}

export function renderIssueType(state: EmulatorState, typeId: string, ctx: RenderCtx): Record<string, unknown> {
  const t = state.findIssueType(typeId) ?? { id: typeId, name: 'Unknown' };
  return {
    self: `${apiRoot(ctx)}/issuetype/${t.id}`,
    id: t.id,
    description: '',
    iconUrl: `${ctx.base}/secure/viewavatar?size=medium&avatarId=10300&avatarType=issuetype`,
    name: t.name,
    subtask: false,
    avatarId: 10300,
    hierarchyLevel: 0,
  };
}

export function renderProjectRef(p: ProjectRecord, ctx: RenderCtx): Record<string, unknown> {
  return {
    self: `${apiRoot(ctx)}/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    projectTypeKey: p.projectTypeKey,
    simplified: false,
    avatarUrls: avatarUrls(ctx.base, 'project', p.id),
  };
}

export function renderProject(state: EmulatorState, p: ProjectRecord, ctx: RenderCtx): Record<string, unknown> {
  return {
    expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
    self: `${apiRoot(ctx)}/project/${p.id}`,
    id: p.id,
    key: p.key,
    description: '',
    issueTypes: p.issueTypeIds.map((id) => renderIssueType(state, id, ctx)),
    name: p.name,
    avatarUrls: avatarUrls(ctx.base, 'project', p.id),
    projectKeys: [p.key],
    projectTypeKey: p.projectTypeKey,
    simplified: false,
    style: 'classic',
    isPrivate: false,
    properties: {},
    components: [],
    versions: [],
    assigneeType: 'UNASSIGNED',
    roles: {},
  };
}

// ------------------------------------------------------------------------------------------------ issue parts
export function renderAttachment(state: EmulatorState, a: AttachmentRecord, ctx: RenderCtx): Record<string, unknown> {
  const out: Record<string, unknown> = {
    self: `${apiRoot(ctx)}/attachment/${a.id}`,
    id: a.id,
    filename: a.filename,
    author: renderUserRef(state, a.author, ctx),
    created: a.created,
    size: a.size,
    mimeType: a.mimeType,
    content: `${apiRoot(ctx)}/attachment/content/${a.id}`,
  };
  if (a.mimeType.startsWith('image/')) out.thumbnail = `${apiRoot(ctx)}/attachment/thumbnail/${a.id}`;
  return out;
}

export function renderComment(state: EmulatorState, issue: IssueRecord, c: CommentRecord, ctx: RenderCtx): Record<string, unknown> {
  const out: Record<string, unknown> = {
    self: `${apiRoot(ctx)}/issue/${issue.id}/comment/${c.id}`,
    id: c.id,
    author: renderUserRef(state, c.author, ctx),
    body: ctx.version === 3 ? richTextForV3(c.body) : richTextForV2(c.body),
    updateAuthor: renderUserRef(state, c.author, ctx),
    created: c.created,
    updated: c.updated,
    jsdPublic: true,
  };
  if (c.visibility !== undefined) out.visibility = c.visibility;
  return out;
}

export function renderRemoteLink(issue: IssueRecord, l: RemoteLinkRecord, ctx: RenderCtx): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: l.id,
    // Jira answers this unversioned URL (see Atlassian's example in fixtures/jira/rest/create-remote-link.json).
    self: `${ctx.base}/rest/api/issue/${issue.key}/remotelink/${l.id}`,
  };
  if (l.globalId !== undefined) out.globalId = l.globalId;
  out.application = l.application ?? {};
  if (l.relationship !== undefined) out.relationship = l.relationship;
  out.object = l.object;
  return out;
}

function linkedIssueRef(state: EmulatorState, issue: IssueRecord, ctx: RenderCtx): Record<string, unknown> {
  return {
    id: issue.id,
    key: issue.key,
    self: `${apiRoot(ctx)}/issue/${issue.id}`,
    fields: {
      summary: issue.fields.summary ?? '',
      status: renderStatus(state, issue.status, ctx),
      priority: issue.priorityId ? renderPriorityRef(state, issue.priorityId, ctx) : null,
      issuetype: renderIssueType(state, issue.issueTypeId, ctx),
    },
  };
}

function renderPriorityRef(state: EmulatorState, id: string, ctx: RenderCtx): Record<string, unknown> | null {
  const p = state.findPriority(id);
  return p ? renderPriority(p, ctx) : null;
}

/** A link seen from `issue`: the *other* issue, under `outwardIssue` when `issue` was sent as `inwardIssue`. */
export function renderIssueLink(state: EmulatorState, issue: IssueRecord, link: IssueLinkRecord, ctx: RenderCtx): Record<string, unknown> {
  const type = state.findLinkType(link.typeId);
  const out: Record<string, unknown> = {
    id: link.id,
    self: `${apiRoot(ctx)}/issueLink/${link.id}`,
    type: type
      ? { id: type.id, name: type.name, inward: type.inward, outward: type.outward, self: `${apiRoot(ctx)}/issueLinkType/${type.id}` }
      : { id: link.typeId },
  };
  const isInwardSide = link.inwardIssueId === issue.id;
  const otherId = isInwardSide ? link.outwardIssueId : link.inwardIssueId;
  const other = state.issues.find((i) => i.id === otherId);
  if (other) out[isInwardSide ? 'outwardIssue' : 'inwardIssue'] = linkedIssueRef(state, other, ctx);
  return out;
}

export function renderWatches(issue: IssueRecord, ctx: RenderCtx): Record<string, unknown> {
  return {
    self: `${apiRoot(ctx)}/issue/${issue.key}/watchers`,
    watchCount: issue.watchers.length,
    isWatching: issue.watchers.includes(ctx.viewer),
  };
}

export function renderTransition(state: EmulatorState, t: WorkflowTransition, ctx: RenderCtx, opts: { available: boolean; withFields: boolean }): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: t.id,
    name: t.name,
    to: renderStatus(state, t.to, ctx),
    hasScreen: false,
    isGlobal: t.from.length === 0,
    isInitial: false,
    isAvailable: opts.available,
    isConditional: false,
    isLooped: false,
  };
  if (opts.withFields) out.fields = {};
  return out;
}

// ------------------------------------------------------------------------------------------------ issue
const SYSTEM_FIELD_NAMES: Record<string, string> = {
  statuscategorychangedate: 'Status Category Changed',
  issuetype: 'Issue Type',
  timespent: 'Time Spent',
  project: 'Project',
  fixVersions: 'Fix versions',
  aggregatetimespent: 'Σ Time Spent',
  resolution: 'Resolution',
  resolutiondate: 'Resolved',
  workratio: 'Work Ratio',
  watches: 'Watchers',
  lastViewed: 'Last Viewed',
  issuerestriction: 'Restrict to',
  created: 'Created',
  priority: 'Priority',
  labels: 'Labels',
  aggregatetimeoriginalestimate: 'Σ Original Estimate',
  timeestimate: 'Remaining Estimate',
  versions: 'Affects versions',
  issuelinks: 'Linked Issues',
  assignee: 'Assignee',
  updated: 'Updated',
  status: 'Status',
  components: 'Components',
  timeoriginalestimate: 'Original estimate',
  description: 'Description',
  timetracking: 'Time tracking',
  security: 'Security Level',
  aggregatetimeestimate: 'Σ Remaining Estimate',
  attachment: 'Attachment',
  summary: 'Summary',
  creator: 'Creator',
  subtasks: 'Sub-tasks',
  reporter: 'Reporter',
  aggregateprogress: 'Σ Progress',
  environment: 'Environment',
  duedate: 'Due date',
  progress: 'Progress',
  votes: 'Votes',
  comment: 'Comment',
  worklog: 'Log Work',
  parent: 'Parent',
};

export function fieldDisplayName(state: EmulatorState, fieldId: string): string {
  return SYSTEM_FIELD_NAMES[fieldId] ?? state.customFieldName(fieldId);
}

/** System fields the emulator does not model but stores as sent and echoes back. */
const PASSTHROUGH_FIELDS = ['components', 'fixVersions', 'versions', 'duedate', 'parent', 'security', 'timetracking'];

export function allIssueFields(state: EmulatorState, issue: IssueRecord, ctx: RenderCtx, opts: { forWebhook?: boolean } = {}): Record<string, unknown> {
  const project = state.projectOf(issue);
  const richText = (v: unknown): unknown => (ctx.version === 3 ? richTextForV3(v) : richTextForV2(v));
  const resolution = issue.resolutionId ? state.findResolution(issue.resolutionId) : undefined;
  const priority = issue.priorityId ? state.findPriority(issue.priorityId) : undefined;
  const fields: Record<string, unknown> = {
    statuscategorychangedate: jiraTime(issue.statusCategoryChanged),
    issuetype: renderIssueType(state, issue.issueTypeId, ctx),
    timespent: null,
    project: renderProjectRef(project, ctx),
    fixVersions: [],
    aggregatetimespent: null,
    resolution: resolution ? renderResolution(resolution, ctx) : null,
    resolutiondate: issue.resolutionDate !== undefined ? jiraTime(issue.resolutionDate) : null,
    workratio: -1,
    watches: renderWatches(issue, ctx),
    lastViewed: null,
    issuerestriction: { issuerestrictions: {}, shouldDisplay: false },
    created: jiraTime(issue.created),
    priority: priority ? renderPriority(priority, ctx) : null,
    labels: [...issue.labels],
    aggregatetimeoriginalestimate: null,
    timeestimate: null,
    versions: [],
    issuelinks: state.linksOf(issue).map((l) => renderIssueLink(state, issue, l, ctx)),
    assignee: renderUserRef(state, issue.assignee, ctx),
    updated: jiraTime(issue.updated),
    status: renderStatus(state, issue.status, ctx),
    components: [],
    timeoriginalestimate: null,
    description: richText(issue.fields.description),
    timetracking: {},
    security: null,
    aggregatetimeestimate: null,
    attachment: issue.attachments.map((a) => renderAttachment(state, a, ctx)),
    summary: issue.fields.summary ?? '',
    creator: renderUserRef(state, issue.creator, ctx),
    subtasks: [],
    reporter: renderUserRef(state, issue.reporter, ctx),
    aggregateprogress: { progress: 0, total: 0 },
    environment: richText(issue.fields.environment),
    duedate: null,
    progress: { progress: 0, total: 0 },
    votes: { self: `${apiRoot(ctx)}/issue/${issue.key}/votes`, votes: 0, hasVoted: false },
  };
  if (opts.forWebhook) {
    delete fields.issuerestriction;
  } else {
    fields.comment = {
      comments: issue.comments.map((c) => renderComment(state, issue, c, ctx)),
      self: `${apiRoot(ctx)}/issue/${issue.id}/comment`,
      maxResults: issue.comments.length,
      total: issue.comments.length,
      startAt: 0,
    };
    fields.worklog = { startAt: 0, maxResults: 20, total: 0, worklogs: [] };
  }
  for (const name of PASSTHROUGH_FIELDS) {
    if (issue.fields[name] !== undefined) fields[name] = issue.fields[name];
  }
  for (const fieldId of state.customFieldNames.keys()) fields[fieldId] = null;
  for (const [fieldId, value] of Object.entries(issue.fields)) {
    if (!fieldId.startsWith('customfield_')) continue;
    fields[fieldId] = ctx.version === 2 && isAdfDoc(value) ? richTextForV2(value) : value;
  }
  return fields;
}

/**
 * Applies Jira's `fields` parameter: comma-separated ids, `*all`, `*navigable`, `-field` exclusions, `id` (no fields).
 * Returns undefined when no field at all should be returned.
 */
export function selectFields(all: Record<string, unknown>, spec: string[] | undefined, defaultSpec: '*all' | 'id'): Record<string, unknown> | undefined {
  const items = (spec && spec.length > 0 ? spec : [defaultSpec]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
  const includes = items.filter((s) => !s.startsWith('-'));
  const excludes = new Set(items.filter((s) => s.startsWith('-')).map((s) => s.slice(1)));
  let keys: string[];
  if (includes.includes('*all') || includes.includes('*navigable') || (includes.length === 0 && excludes.size > 0)) {
    keys = Object.keys(all);
  } else {
    keys = includes.filter((k) => k !== 'id' && k !== 'key' && k in all);
    if (keys.length === 0 && includes.every((k) => k === 'id' || k === 'key')) return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) if (!excludes.has(k)) out[k] = all[k];
  return out;
}

export interface RenderIssueOptions {
  fields?: string[];
  defaultFields?: '*all' | 'id';
  expand?: string[];
  properties?: string[];
}

export function renderIssue(state: EmulatorState, issue: IssueRecord, ctx: RenderCtx, opts: RenderIssueOptions = {}): Record<string, unknown> {
  const expand = new Set((opts.expand ?? []).flatMap((e) => e.split(',')).map((e) => e.trim()));
  const out: Record<string, unknown> = {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: `${apiRoot(ctx)}/issue/${issue.id}`,
    key: issue.key,
  };
  const all = allIssueFields(state, issue, ctx);
  const fields = selectFields(all, opts.fields, opts.defaultFields ?? '*all');
  if (fields !== undefined) out.fields = fields;
  const propKeys = (opts.properties ?? []).flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p.length > 0);
  if (propKeys.length > 0) {
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(issue.properties)) {
      if (propKeys.includes('*all') || propKeys.includes(k)) props[k] = v;
    }
    out.properties = props;
  }
  if (expand.has('names') && fields) {
    const names: Record<string, string> = {};
    for (const k of Object.keys(fields)) names[k] = fieldDisplayName(state, k);
    out.names = names;
  }
  if (expand.has('transitions')) {
    out.transitions = state.workflow.available(issue.status).map((t) => renderTransition(state, t, ctx, { available: true, withFields: false }));
  }
  if (expand.has('changelog')) {
    out.changelog = {
      startAt: 0,
      maxResults: issue.histories.length,
      total: issue.histories.length,
      histories: issue.histories.map((h) => ({
        id: h.id,
        author: renderUserRef(state, h.author, ctx),
        created: h.created,
        items: h.items,
      })),
    };
  }
  return out;
}

/** The slimmed issue that comment webhooks carry. */
export function renderIssueForCommentWebhook(state: EmulatorState, issue: IssueRecord, ctx: RenderCtx): Record<string, unknown> {
  const all = allIssueFields(state, issue, ctx, { forWebhook: true });
  return {
    id: issue.id,
    self: `${apiRoot(ctx)}/issue/${issue.id}`,
    key: issue.key,
    fields: {
      summary: all.summary,
      issuetype: all.issuetype,
      project: all.project,
      assignee: all.assignee,
      priority: all.priority,
      status: all.status,
    },
  };
}

export function renderIssueForWebhook(state: EmulatorState, issue: IssueRecord, ctx: RenderCtx): Record<string, unknown> {
  return {
    id: issue.id,
    self: `${apiRoot(ctx)}/issue/${issue.id}`,
    key: issue.key,
    fields: allIssueFields(state, issue, ctx, { forWebhook: true }),
  };
}
