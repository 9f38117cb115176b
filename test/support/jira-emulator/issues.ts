// The rules for creating and changing issues, with Jira-like validation errors and changelog items.
// Every change made here is recorded as a history entry and emitted as a StateEvent (-> webhooks).

import { isAdfDoc, richTextToString } from './adf.js';
import type { ApiVersion } from './render.js';
import type { EmulatorState, IssueRecord, ProjectRecord } from './state.js';
import type { AttachmentRecord, ChangelogItem, CommentRecord, RemoteLinkRecord } from './types.js';
import { ISSUE_NOT_FOUND, JiraHttpError, errorBody, isRecord, jiraTime } from './util.js';

export interface OpContext {
  /** accountId making the change. */
  actor: string;
  version: ApiVersion;
}

const ADF_ERROR = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
const CANNOT_SET = (f: string): string => `Field '${f}' cannot be set. It is not on the appropriate screen, or unknown.`;

/** System fields the emulator does not model but accepts and stores as sent. */
const PASSTHROUGH_FIELDS = new Set(['components', 'fixVersions', 'versions', 'duedate', 'parent', 'security', 'timetracking']);
/** Fields settable on create / edit (besides customfield_* and the passthrough ones). */
const SETTABLE_FIELDS = new Set(['summary', 'description', 'environment', 'priority', 'labels', 'assignee', 'reporter']);

function validAdfNode(node: unknown, depth: number): boolean {
  if (!isRecord(node) || typeof node.type !== 'string' || depth > 50) return false;
  if (node.type === 'text' && (typeof node.text !== 'string' || node.text.length === 0)) return false;
  if (node.content !== undefined) {
    if (!Array.isArray(node.content)) return false;
    return node.content.every((child) => validAdfNode(child, depth + 1));
  }
  return true;
}

/** Jira v3 accepts only a well-formed ADF document for rich-text fields. */
export function isValidAdf(value: unknown): boolean {
  return isAdfDoc(value) && value.content.every((n) => validAdfNode(n, 1));
}

function accountIdOf(ref: unknown): string | undefined {
  if (!isRecord(ref)) return undefined;
  if (typeof ref.id === 'string') return ref.id;
  if (typeof ref.accountId === 'string') return ref.accountId;
  return undefined;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function displayOfCustom(value: unknown): { id: string | null; text: string | null } {
  if (value === null || value === undefined) return { id: null, text: null };
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { id: null, text: String(value) };
  if (isAdfDoc(value)) return { id: null, text: richTextToString(value) };
  if (Array.isArray(value)) {
    const parts = value.map((v) => displayOfCustom(v));
    const ids = parts.map((p) => p.id).filter((id): id is string => id !== null);
    return { id: ids.length > 0 ? ids.join(',') : null, text: parts.map((p) => p.text ?? '').join(',') };
  }
  if (isRecord(value)) {
    const id = typeof value.id === 'string' || typeof value.id === 'number' ? String(value.id) : null;
    const text = value.value ?? value.name ?? value.displayName ?? value.key;
    return { id, text: text === undefined ? JSON.stringify(value) : String(text) };
  }
  return { id: null, text: String(value) };
}

export class IssueService {
  constructor(private readonly state: EmulatorState) {}

  // ---------------------------------------------------------------------------------------------- helpers
  requireIssue(idOrKey: string): IssueRecord {
    const issue = this.state.findIssue(idOrKey);
    if (!issue) throw JiraHttpError.notFound(ISSUE_NOT_FOUND);
    return issue;
  }

  private touch(issue: IssueRecord): number {
    const at = this.state.now();
    issue.updated = at;
    return at;
  }

  /** Current value of a field, for changelog diffs. */
  private read(issue: IssueRecord, fieldId: string): unknown {
    switch (fieldId) {
      case 'priority':
        return issue.priorityId;
      case 'assignee':
        return issue.assignee;
      case 'reporter':
        return issue.reporter;
      case 'labels':
        return [...issue.labels];
      default:
        return issue.fields[fieldId];
    }
  }

  private userItem(fieldId: 'assignee' | 'reporter', from: unknown, to: unknown): ChangelogItem {
    const name = (id: unknown): string | null => (typeof id === 'string' ? (this.state.findUser(id)?.displayName ?? id) : null);
    const idOrNull = (id: unknown): string | null => (typeof id === 'string' ? id : null);
    return {
      field: fieldId,
      fieldtype: 'jira',
      fieldId,
      from: idOrNull(from),
      fromString: name(from),
      to: idOrNull(to),
      toString: name(to),
      tmpFromAccountId: idOrNull(from),
      tmpToAccountId: idOrNull(to),
    };
  }

  /** Changelog item for a field change, shaped like Jira Cloud's webhook changelog items; undefined if unchanged. */
  changelogItem(fieldId: string, from: unknown, to: unknown): ChangelogItem | undefined {
    if (sameValue(from, to)) return undefined;
    switch (fieldId) {
      case 'summary':
      case 'description':
      case 'environment':
        return { field: fieldId, fieldtype: 'jira', fieldId, from: null, fromString: richTextToString(from), to: null, toString: richTextToString(to) };
      case 'priority': {
        const name = (id: unknown): string | null => (typeof id === 'string' ? (this.state.findPriority(id)?.name ?? id) : null);
        return { field: 'priority', fieldtype: 'jira', fieldId, from: (from as string | undefined) ?? null, fromString: name(from), to: (to as string | undefined) ?? null, toString: name(to) };
      }
      case 'assignee':
      case 'reporter':
        return this.userItem(fieldId, from, to);
      case 'labels': {
        const text = (v: unknown): string | null => (Array.isArray(v) && v.length > 0 ? v.join(' ') : null);
        return { field: 'labels', fieldtype: 'jira', fieldId, from: null, fromString: text(from), to: null, toString: text(to) };
      }
      default: {
        const a = displayOfCustom(from);
        const b = displayOfCustom(to);
        const custom = fieldId.startsWith('customfield_');
        return {
          field: custom ? this.state.customFieldName(fieldId) : fieldId,
          fieldtype: custom ? 'custom' : 'jira',
          fieldId,
          from: a.id,
          fromString: a.text,
          to: b.id,
          toString: b.text,
        };
      }
    }
  }

  /** Validates one field value; returns Jira's error text or undefined. */
  private checkField(fieldId: string, value: unknown, version: ApiVersion, allowed: Set<string>): string | undefined {
    if (fieldId.startsWith('customfield_') || PASSTHROUGH_FIELDS.has(fieldId)) return undefined;
    if (!allowed.has(fieldId)) return CANNOT_SET(fieldId);
    switch (fieldId) {
      case 'summary':
        if (typeof value !== 'string' || value.trim().length === 0) return 'You must specify a summary of the issue.';
        if (/[\r\n]/.test(value)) return 'The summary is invalid because it contains newline characters.';
        if (value.length > 255) return 'Summary must be less than 255 characters.';
        return undefined;
      case 'description':
      case 'environment':
        if (value === null) return undefined;
        if (version === 3) return isValidAdf(value) ? undefined : ADF_ERROR;
        return typeof value === 'string' ? undefined : 'Operation value must be a string';
      case 'priority': {
        if (value === null) return undefined;
        if (!isRecord(value) || (typeof value.id !== 'string' && typeof value.name !== 'string')) return 'Specify the Priority (id or name) in the string format';
        const key = typeof value.id === 'string' ? value.id : (value.name as string);
        return this.state.findPriority(key) ? undefined : `The priority selected is invalid.`;
      }
      case 'labels': {
        if (!Array.isArray(value)) return 'Field labels must be an array of strings';
        for (const label of value) {
          if (typeof label !== 'string' || label.length === 0) return 'Field labels must be an array of strings';
          if (/\s/.test(label)) return `The label '${label}' contains spaces which is invalid.`;
          if (label.length > 255) return `The label '${label}' exceeds the maximum length for a single label of 255 characters.`;
        }
        return undefined;
      }
      case 'assignee':
      case 'reporter': {
        if (value === null) return fieldId === 'reporter' ? 'Reporter is required.' : undefined;
        if (isRecord(value) && typeof value.name === 'string' && accountIdOf(value) === undefined) {
          return `'name' is not supported for ${fieldId} in Jira Cloud; use 'accountId' (GDPR strict mode).`;
        }
        const id = accountIdOf(value);
        if (id === undefined) return `Specify a valid value for ${fieldId}`;
        if (id === '-1' && fieldId === 'assignee') return undefined;
        const user = this.state.findUser(id);
        if (!user || !user.active) return fieldId === 'assignee' ? `User '${id}' cannot be assigned issues.` : 'The reporter specified is not a user.';
        return undefined;
      }
      case 'resolution': {
        if (value === null) return undefined;
        const key = isRecord(value) ? (typeof value.id === 'string' ? value.id : typeof value.name === 'string' ? value.name : undefined) : undefined;
        return key !== undefined && this.state.findResolution(key) ? undefined : 'Specify a valid resolution.';
      }
      default:
        return undefined;
    }
  }

  /** Stores a (validated) field value on the issue. */
  private write(issue: IssueRecord, fieldId: string, value: unknown): void {
    switch (fieldId) {
      case 'priority': {
        const p = isRecord(value) ? this.state.findPriority(typeof value.id === 'string' ? value.id : String(value.name)) : undefined;
        if (p) issue.priorityId = p.id;
        else delete issue.priorityId;
        break;
      }
      case 'assignee': {
        const id = accountIdOf(value);
        if (id === undefined || id === '-1') delete issue.assignee;
        else issue.assignee = id;
        break;
      }
      case 'reporter': {
        const id = accountIdOf(value);
        if (id !== undefined) issue.reporter = id;
        break;
      }
      case 'labels':
        issue.labels = Array.isArray(value) ? value.filter((l): l is string => typeof l === 'string') : [];
        break;
      case 'resolution': {
        const key = isRecord(value) ? (typeof value.id === 'string' ? value.id : String(value.name)) : undefined;
        const r = key !== undefined ? this.state.findResolution(key) : undefined;
        if (r) {
          issue.resolutionId = r.id;
          issue.resolutionDate = this.state.now();
        } else {
          delete issue.resolutionId;
          delete issue.resolutionDate;
        }
        return; // not kept in `fields`
      }
      default:
        break;
    }
    issue.fields[fieldId] = value;
  }

  /**
   * Merges `fields` with the `update` operations (set / add / remove / edit) into final field values.
   * Comments added through `update.comment` are returned apart.
   */
  private resolveUpdates(issue: IssueRecord | undefined, fields: Record<string, unknown>, update: unknown): { values: Record<string, unknown>; comments: unknown[]; errors: Record<string, string> } {
    const values: Record<string, unknown> = { ...fields };
    const comments: unknown[] = [];
    const errors: Record<string, string> = {};
    if (update === undefined || update === null) return { values, comments, errors };
    if (!isRecord(update)) throw JiraHttpError.badRequest(['Invalid request payload. Refer to the REST API documentation and try again.']);
    for (const [fieldId, ops] of Object.entries(update)) {
      if (!Array.isArray(ops)) {
        errors[fieldId] = `Field '${fieldId}': operations must be an array`;
        continue;
      }
      for (const op of ops) {
        if (!isRecord(op)) continue;
        if (fieldId === 'comment') {
          if (isRecord(op.add)) comments.push(op.add.body);
          continue;
        }
        const current = fieldId in values ? values[fieldId] : issue ? this.read(issue, fieldId) : undefined;
        if ('set' in op) values[fieldId] = op.set;
        else if ('edit' in op) values[fieldId] = op.edit;
        else if ('add' in op) values[fieldId] = [...(Array.isArray(current) ? current : []), op.add];
        else if ('remove' in op) {
          const removed = JSON.stringify(op.remove);
          values[fieldId] = (Array.isArray(current) ? current : []).filter((v) => JSON.stringify(v) !== removed);
        }
      }
    }
    // `components: [{set: ''}]` (Atlassian's example) means "clear".
    for (const f of ['components', 'fixVersions', 'versions']) if (values[f] === '') values[f] = [];
    return { values, comments, errors };
  }

  private validateValues(values: Record<string, unknown>, version: ApiVersion, allowed: Set<string>, errors: Record<string, string>): void {
    for (const [fieldId, value] of Object.entries(values)) {
      const error = this.checkField(fieldId, value, version, allowed);
      if (error !== undefined) errors[fieldId] = error;
    }
  }

  private checkCommentBody(body: unknown, version: ApiVersion): string | undefined {
    if (body === undefined || body === null || body === '') return 'Comment body can not be empty!';
    if (version === 3) return isValidAdf(body) ? undefined : ADF_ERROR;
    return typeof body === 'string' ? undefined : 'Operation value must be a string';
  }

  private applyProperties(issue: IssueRecord, properties: unknown): void {
    if (!Array.isArray(properties)) return;
    for (const p of properties) {
      if (isRecord(p) && typeof p.key === 'string') issue.properties[p.key] = p.value;
    }
  }

  // ---------------------------------------------------------------------------------------------- create
  create(body: unknown, op: OpContext): { issue: IssueRecord; transition?: { status: number; errorCollection: { errorMessages: string[]; errors: Record<string, string> } } } {
    if (!isRecord(body)) throw JiraHttpError.badRequest(['Invalid request payload. Refer to the REST API documentation and try again.']);
    const fields = isRecord(body.fields) ? body.fields : {};
    const project = this.resolveProject(fields.project);
    if (!project) throw JiraHttpError.fieldErrors({ project: 'valid project is required' });
    const issueTypeId = this.resolveIssueType(project, fields.issuetype);
    if (!issueTypeId.ok) throw JiraHttpError.fieldErrors({ issuetype: issueTypeId.error });

    const rest: Record<string, unknown> = { ...fields };
    delete rest.project;
    delete rest.issuetype;
    const { values, comments, errors } = this.resolveUpdates(undefined, rest, body.update);
    if (!('summary' in values)) errors.summary = 'You must specify a summary of the issue.';
    this.validateValues(values, op.version, SETTABLE_FIELDS, errors);
    for (const c of comments) {
      const e = this.checkCommentBody(c, op.version);
      if (e) errors.comment = e;
    }
    if (Object.keys(errors).length > 0) throw JiraHttpError.fieldErrors(errors);

    const at = this.state.now();
    const number = project.nextNumber;
    project.nextNumber += 1;
    const issue: IssueRecord = {
      id: String(this.state.nextId('issue')),
      key: `${project.key}-${number}`,
      projectId: project.id,
      issueTypeId: issueTypeId.id,
      fields: { project: fields.project, issuetype: fields.issuetype },
      status: this.state.workflow.initial.name,
      reporter: op.actor,
      creator: op.actor,
      // Jira Cloud's default: the creator watches the issues they create.
      watchers: [op.actor],
      remoteLinks: [],
      attachments: [],
      comments: [],
      labels: [],
      properties: {},
      histories: [],
      created: at,
      updated: at,
      statusCategoryChanged: at,
    };
    for (const [fieldId, value] of Object.entries(values)) this.write(issue, fieldId, value);
    this.applyProperties(issue, body.properties);
    this.state.issues.push(issue);

    // Changelog of a creation, in the order Jira Cloud sends it (see fixtures/jira/webhooks/jira_issue_created*.json).
    const items: ChangelogItem[] = [];
    const push = (item: ChangelogItem | undefined): void => {
      if (item) items.push(item);
    };
    if (issue.assignee) push(this.changelogItem('assignee', undefined, issue.assignee));
    for (const f of Object.keys(values).filter((k) => k.startsWith('customfield_')).sort()) push(this.changelogItem(f, undefined, values[f]));
    if (values.description !== undefined) push(this.changelogItem('description', undefined, values.description));
    for (const f of Object.keys(values).filter((k) => PASSTHROUGH_FIELDS.has(k)).sort()) push(this.changelogItem(f, undefined, values[f]));
    if (issue.labels.length > 0) push(this.changelogItem('labels', undefined, issue.labels));
    if (issue.priorityId) push(this.changelogItem('priority', undefined, issue.priorityId));
    push(this.changelogItem('reporter', undefined, issue.reporter));
    const initial = this.state.workflow.initial;
    items.push({ field: 'Status', fieldtype: 'jira', fieldId: 'status', from: null, fromString: null, to: initial.id, toString: initial.name });
    push(this.changelogItem('summary', undefined, issue.fields.summary));
    const history = this.state.addHistory(issue, op.actor, items, at);
    this.state.emit({ kind: 'issue_created', issue, actor: op.actor, history });

    for (const c of comments) this.addComment(issue, c, undefined, op);

    if (isRecord(body.transition)) {
      try {
        this.transition(issue, { transition: body.transition }, op);
        return { issue, transition: { status: 200, errorCollection: errorBody() } };
      } catch (e) {
        if (e instanceof JiraHttpError && isRecord(e.body)) {
          const eb = e.body as { errorMessages?: string[]; errors?: Record<string, string> };
          return { issue, transition: { status: e.status, errorCollection: errorBody(eb.errorMessages ?? [], eb.errors ?? {}) } };
        }
        throw e;
      }
    }
    return { issue };
  }

  private resolveProject(ref: unknown): ProjectRecord | undefined {
    if (typeof ref === 'string') return this.state.findProject(ref);
    if (!isRecord(ref)) return undefined;
    if (typeof ref.key === 'string') return this.state.findProject(ref.key);
    if (typeof ref.id === 'string' || typeof ref.id === 'number') return this.state.projects.find((p) => p.id === String(ref.id));
    return undefined;
  }

  private resolveIssueType(project: ProjectRecord, ref: unknown): { ok: true; id: string } | { ok: false; error: string } {
    if (!isRecord(ref) || (ref.id === undefined && ref.name === undefined)) return { ok: false, error: 'Specify an issue type' };
    const candidates = project.issueTypeIds.map((id) => this.state.findIssueType(id)).filter((t) => t !== undefined);
    const match =
      ref.id !== undefined
        ? candidates.find((t) => t.id === String(ref.id))
        : candidates.find((t) => typeof ref.name === 'string' && t.name.toLowerCase() === ref.name.toLowerCase());
    return match ? { ok: true, id: match.id } : { ok: false, error: 'Specify a valid issue type' };
  }

  // ---------------------------------------------------------------------------------------------- edit
  edit(issue: IssueRecord, body: unknown, op: OpContext): void {
    if (!isRecord(body)) throw JiraHttpError.badRequest(['Invalid request payload. Refer to the REST API documentation and try again.']);
    const fields = isRecord(body.fields) ? { ...body.fields } : {};
    let newTypeId: string | undefined;
    const errors: Record<string, string> = {};
    if ('issuetype' in fields) {
      const t = this.resolveIssueType(this.state.projectOf(issue), fields.issuetype);
      if (t.ok) newTypeId = t.id;
      else errors.issuetype = t.error;
      delete fields.issuetype;
    }
    const resolved = this.resolveUpdates(issue, fields, body.update);
    Object.assign(errors, resolved.errors);
    this.validateValues(resolved.values, op.version, SETTABLE_FIELDS, errors);
    for (const c of resolved.comments) {
      const e = this.checkCommentBody(c, op.version);
      if (e) errors.comment = e;
    }
    if (Object.keys(errors).length > 0) throw JiraHttpError.fieldErrors(errors);

    const items = this.applyValues(issue, resolved.values);
    if (newTypeId !== undefined && newTypeId !== issue.issueTypeId) {
      items.push({
        field: 'issuetype',
        fieldtype: 'jira',
        fieldId: 'issuetype',
        from: issue.issueTypeId,
        fromString: this.state.issueTypeOf(issue).name,
        to: newTypeId,
        toString: this.state.findIssueType(newTypeId)?.name ?? newTypeId,
      });
      issue.issueTypeId = newTypeId;
      issue.fields.issuetype = body.fields && isRecord(body.fields) ? body.fields.issuetype : { id: newTypeId };
    }
    this.applyProperties(issue, body.properties);
    if (items.length > 0) {
      const at = this.touch(issue);
      const history = this.state.addHistory(issue, op.actor, items, at);
      const onlyAssignee = items.every((i) => i.fieldId === 'assignee');
      this.state.emit({ kind: 'issue_updated', issue, actor: op.actor, eventType: onlyAssignee ? 'issue_assigned' : 'issue_updated', history });
    }
    for (const c of resolved.comments) this.addComment(issue, c, undefined, op);
    if (isRecord(body.transition)) this.transition(issue, { transition: body.transition }, op);
  }

  /** Writes validated values and returns the changelog items of what really changed. */
  private applyValues(issue: IssueRecord, values: Record<string, unknown>): ChangelogItem[] {
    const items: ChangelogItem[] = [];
    for (const [fieldId, value] of Object.entries(values)) {
      const before = this.read(issue, fieldId);
      this.write(issue, fieldId, value);
      const after = this.read(issue, fieldId);
      const item = this.changelogItem(fieldId, before, after);
      if (item) items.push(item);
    }
    return items;
  }

  // ---------------------------------------------------------------------------------------------- transitions
  transition(issue: IssueRecord, body: unknown, op: OpContext): void {
    if (!isRecord(body) || !isRecord(body.transition) || (typeof body.transition.id !== 'string' && typeof body.transition.id !== 'number')) {
      throw JiraHttpError.badRequest(["Missing 'transition' identifier"]);
    }
    const id = String(body.transition.id);
    const transition = this.state.workflow.available(issue.status).find((t) => t.id === id);
    if (!transition) throw JiraHttpError.badRequest([`Transition id '${id}' is not valid for this issue.`]);

    const fields = isRecord(body.fields) ? body.fields : {};
    const resolved = this.resolveUpdates(issue, fields, body.update);
    const errors = { ...resolved.errors };
    this.validateValues(resolved.values, op.version, new Set([...SETTABLE_FIELDS, 'resolution']), errors);
    for (const c of resolved.comments) {
      const e = this.checkCommentBody(c, op.version);
      if (e) errors.comment = e;
    }
    if (Object.keys(errors).length > 0) throw JiraHttpError.fieldErrors(errors);

    const fromStatus = this.state.workflow.findStatus(issue.status);
    const toStatus = this.state.workflow.requireStatus(transition.to);
    const resolutionBefore = issue.resolutionId;
    const { resolution, ...otherValues } = resolved.values;
    const items = this.applyValues(issue, otherValues);

    // Resolution: as set on the transition, else "Done" when entering a done status, cleared when leaving it.
    if (resolution !== undefined) this.write(issue, 'resolution', resolution);
    else if (toStatus.category === 'done' && !issue.resolutionId) this.write(issue, 'resolution', { id: '10000' });
    else if (toStatus.category !== 'done' && issue.resolutionId) this.write(issue, 'resolution', null);
    if (issue.resolutionId !== resolutionBefore) {
      const name = (rid: string | undefined): string | null => (rid ? (this.state.findResolution(rid)?.name ?? rid) : null);
      items.push({ field: 'resolution', fieldtype: 'jira', fieldId: 'resolution', from: resolutionBefore ?? null, fromString: name(resolutionBefore), to: issue.resolutionId ?? null, toString: name(issue.resolutionId) });
    }
    const at = this.touch(issue);
    items.push({ field: 'status', fieldtype: 'jira', fieldId: 'status', from: fromStatus?.id ?? null, fromString: issue.status, to: toStatus.id, toString: toStatus.name });
    if (fromStatus?.category !== toStatus.category) issue.statusCategoryChanged = at;
    issue.status = toStatus.name;
    const history = this.state.addHistory(issue, op.actor, items, at);
    this.state.emit({ kind: 'issue_updated', issue, actor: op.actor, eventType: 'issue_generic', history });
    for (const c of resolved.comments) this.addComment(issue, c, undefined, op);
  }

  // ---------------------------------------------------------------------------------------------- assignee
  assign(issue: IssueRecord, body: unknown, op: OpContext): void {
    if (!isRecord(body) || !('accountId' in body)) throw JiraHttpError.badRequest(['accountId must be provided (null to unassign).']);
    const accountId = body.accountId;
    if (accountId !== null && typeof accountId !== 'string') throw JiraHttpError.badRequest(['accountId must be a string or null.']);
    if (typeof accountId === 'string' && accountId !== '-1') {
      const user = this.state.findUser(accountId);
      if (!user || !user.active) throw JiraHttpError.fieldErrors({ assignee: `User '${accountId}' cannot be assigned issues.` });
    }
    const before = issue.assignee;
    this.write(issue, 'assignee', typeof accountId === 'string' ? { accountId } : null);
    const item = this.changelogItem('assignee', before, issue.assignee);
    const at = this.touch(issue);
    // Re-assigning the same person still fires issue_assigned, with an empty changelog (fixture
    // jira_issue_updated.assigned_empty_changelog.json).
    const history = this.state.addHistory(issue, op.actor, item ? [item] : [], at);
    this.state.emit({ kind: 'issue_updated', issue, actor: op.actor, eventType: 'issue_assigned', history });
  }

  // ---------------------------------------------------------------------------------------------- comments
  addComment(issue: IssueRecord, body: unknown, visibility: unknown, op: OpContext): CommentRecord {
    const error = this.checkCommentBody(body, op.version);
    if (error) throw JiraHttpError.fieldErrors({ comment: error });
    const at = this.touch(issue);
    const comment: CommentRecord = { id: String(this.state.nextId('comment')), body, author: op.actor, created: jiraTime(at), updated: jiraTime(at) };
    if (visibility !== undefined && visibility !== null) comment.visibility = visibility;
    issue.comments.push(comment);
    this.state.emit({ kind: 'comment_created', issue, actor: op.actor, comment });
    return comment;
  }

  // ---------------------------------------------------------------------------------------------- attachments
  addAttachments(issue: IssueRecord, files: { filename: string; mimeType: string; content: Buffer }[], op: OpContext): AttachmentRecord[] {
    const at = this.touch(issue);
    const added = files.map((f) => {
      const a: AttachmentRecord = { id: String(this.state.nextId('attachment')), filename: f.filename, size: f.content.length, mimeType: f.mimeType, author: op.actor, created: jiraTime(at), content: f.content };
      issue.attachments.push(a);
      return a;
    });
    const items: ChangelogItem[] = added.map((a) => ({ field: 'Attachment', fieldtype: 'jira', fieldId: 'attachment', from: null, fromString: null, to: a.id, toString: a.filename }));
    const history = this.state.addHistory(issue, op.actor, items, at);
    this.state.emit({ kind: 'issue_updated', issue, actor: op.actor, eventType: 'issue_updated', history });
    return added;
  }

  // ---------------------------------------------------------------------------------------------- watchers
  addWatcher(issue: IssueRecord, body: unknown, op: OpContext): void {
    let accountId: string;
    if (body === undefined || body === '') accountId = op.actor;
    else if (typeof body === 'string') accountId = body;
    else throw JiraHttpError.badRequest(['Cannot deserialize value of type `java.lang.String` from Object value (token `JsonToken.START_OBJECT`)']);
    const user = this.state.findUser(accountId);
    if (!user) throw JiraHttpError.notFound(`The user with account ID '${accountId}' does not exist.`);
    if (!issue.watchers.includes(accountId)) issue.watchers.push(accountId);
  }

  removeWatcher(issue: IssueRecord, accountId: string | undefined): void {
    if (!accountId) throw JiraHttpError.badRequest(['accountId must be provided.']);
    if (!this.state.findUser(accountId)) throw JiraHttpError.notFound(`The user with account ID '${accountId}' does not exist.`);
    issue.watchers = issue.watchers.filter((w) => w !== accountId);
  }

  // ---------------------------------------------------------------------------------------------- remote links
  /** Jira's upsert: a link with the same globalId is updated (200), otherwise a new one is created (201). */
  upsertRemoteLink(issue: IssueRecord, body: unknown): { link: RemoteLinkRecord; created: boolean } {
    if (!isRecord(body)) throw JiraHttpError.badRequest(['Invalid request payload. Refer to the REST API documentation and try again.']);
    const object = isRecord(body.object) ? body.object : undefined;
    const errors: Record<string, string> = {};
    if (!object || typeof object.title !== 'string' || object.title.length === 0) errors.title = "'title' is required.";
    if (!object || typeof object.url !== 'string' || object.url.length === 0) errors.url = "'url' is required.";
    if (Object.keys(errors).length > 0 || !object) throw JiraHttpError.fieldErrors(errors);
    const globalId = typeof body.globalId === 'string' && body.globalId.length > 0 ? body.globalId : undefined;
    const existing = globalId !== undefined ? issue.remoteLinks.find((l) => l.globalId === globalId) : undefined;
    const link: RemoteLinkRecord = existing ?? { id: this.state.nextId('remoteLink'), object: { url: '', title: '' } };
    link.object = { ...(object as { url: string; title: string }) };
    if (globalId !== undefined) link.globalId = globalId;
    if (body.application !== undefined) link.application = body.application;
    else delete link.application;
    if (typeof body.relationship === 'string') link.relationship = body.relationship;
    else delete link.relationship;
    if (!existing) issue.remoteLinks.push(link);
    return { link, created: !existing };
  }

  // ---------------------------------------------------------------------------------------------- issue links
  linkIssues(body: unknown, op: OpContext): void {
    if (!isRecord(body) || !isRecord(body.type) || !isRecord(body.inwardIssue) || !isRecord(body.outwardIssue)) {
      throw JiraHttpError.badRequest(['Invalid request payload. Refer to the REST API documentation and try again.']);
    }
    const typeRef = typeof body.type.id === 'string' ? body.type.id : typeof body.type.name === 'string' ? body.type.name : '';
    const type = this.state.findLinkType(typeRef);
    if (!type) throw JiraHttpError.notFound(`No issue link type with name '${typeRef}' found.`);
    const find = (ref: Record<string, unknown>): IssueRecord => {
      const k = typeof ref.key === 'string' ? ref.key : typeof ref.id === 'string' ? ref.id : '';
      const issue = this.state.findIssue(k);
      if (!issue) throw JiraHttpError.notFound('Issue Does Not Exist');
      return issue;
    };
    const inward = find(body.inwardIssue);
    const outward = find(body.outwardIssue);
    const duplicate = this.state.issueLinks.some((l) => l.typeId === type.id && l.inwardIssueId === inward.id && l.outwardIssueId === outward.id);
    if (duplicate) return;
    this.state.issueLinks.push({ id: String(this.state.nextId('issueLink')), typeId: type.id, inwardIssueId: inward.id, outwardIssueId: outward.id });
    for (const [issue, other, phrase] of [
      [inward, outward, type.outward],
      [outward, inward, type.inward],
    ] as const) {
      const at = this.touch(issue);
      const item: ChangelogItem = { field: 'Link', fieldtype: 'jira', fieldId: 'issuelinks', from: null, fromString: null, to: other.key, toString: `This issue ${phrase} ${other.key}` };
      const history = this.state.addHistory(issue, op.actor, [item], at);
      this.state.emit({ kind: 'issue_updated', issue, actor: op.actor, eventType: 'issue_updated', history });
    }
  }

  // ---------------------------------------------------------------------------------------------- delete
  deleteIssue(issue: IssueRecord, op: OpContext): void {
    const index = this.state.issues.indexOf(issue);
    if (index >= 0) this.state.issues.splice(index, 1);
    for (let i = this.state.issueLinks.length - 1; i >= 0; i--) {
      const l = this.state.issueLinks[i];
      if (l && (l.inwardIssueId === issue.id || l.outwardIssueId === issue.id)) this.state.issueLinks.splice(i, 1);
    }
    this.state.emit({ kind: 'issue_deleted', issue, actor: op.actor });
  }
}
