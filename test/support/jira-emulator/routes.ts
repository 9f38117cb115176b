// REST routes: /rest/api/3/… (ADF) and the same under /rest/api/2/… (wiki strings).

import type { IncomingHttpHeaders } from 'node:http';
import { IssueService, type OpContext } from './issues.js';
import { JqlError, parseJql, runJql } from './jql.js';
import { boundaryOf, mimeTypeFor, parseMultipart } from './multipart.js';
import {
  type ApiVersion,
  type RenderCtx,
  apiRoot,
  fieldDisplayName,
  renderComment,
  renderIssue,
  renderIssueType,
  renderPriority,
  renderProject,
  renderRemoteLink,
  renderTransition,
  renderUser,
  renderUserDetails,
  renderAttachment,
} from './render.js';
import type { EmulatorState, IssueRecord } from './state.js';
import { JiraHttpError, errorBody, isRecord, jiraTime } from './util.js';

export interface RequestContext {
  method: string;
  /** Path below /rest/api/{version}, e.g. /issue/INC-1 */
  subPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  version: ApiVersion;
  params: string[];
  /** accountId of the authenticated caller. */
  actor: string;
  base: string;
}

export interface HandlerResult {
  status: number;
  /** JSON-serialised unless Buffer (sent as is) or string with a text content type in `headers`. */
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (ctx: RequestContext) => HandlerResult;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

export interface RouterOptions {
  /** 'removed' makes the legacy /search answer 410 like Jira Cloud after CHANGE-2046. Default 'available'. */
  legacySearch: 'available' | 'removed';
}

const INVALID_PAYLOAD = 'Invalid request payload. Refer to the REST API documentation and try again.';

function jsonBody(ctx: RequestContext): unknown {
  if (ctx.rawBody.length === 0) return undefined;
  try {
    return JSON.parse(ctx.rawBody.toString('utf8'));
  } catch {
    throw JiraHttpError.badRequest([INVALID_PAYLOAD]);
  }
}

function intParam(value: string | null | undefined | unknown, fallback: number, name: string): number {
  if (value === null || value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw JiraHttpError.badRequest([`The '${name}' parameter must be a non-negative integer.`]);
  return n;
}

function listParam(query: URLSearchParams, name: string): string[] | undefined {
  const values = query.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0);
  return values.length > 0 ? values : undefined;
}

function listFromBody(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(',').map((v) => v.trim()).filter((v) => v.length > 0);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return undefined;
}

export class Router {
  private readonly routes: Route[] = [];
  private readonly issues: IssueService;

  constructor(
    private readonly state: EmulatorState,
    private readonly options: RouterOptions,
  ) {
    this.issues = new IssueService(state);
    this.register();
  }

  private add(method: string, path: string, handler: Handler): void {
    const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, '([^/]+)')}/?$`);
    this.routes.push({ method, pattern, handler });
  }

  /** Finds and runs the handler. Throws JiraHttpError for Jira-shaped failures. */
  dispatch(ctx: Omit<RequestContext, 'params'>): HandlerResult {
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(ctx.subPath);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== ctx.method) continue;
      const params = match.slice(1).map((p) => decodeURIComponent(p));
      return route.handler({ ...ctx, params });
    }
    if (pathMatched) throw new JiraHttpError(405, errorBody([`Method ${ctx.method} is not allowed on ${ctx.subPath}.`]));
    throw JiraHttpError.notFound(`The Jira emulator has no route for ${ctx.method} /rest/api/${ctx.version}${ctx.subPath}.`);
  }

  private render(ctx: RequestContext): RenderCtx {
    return { base: ctx.base, version: ctx.version, viewer: ctx.actor };
  }

  private op(ctx: RequestContext): OpContext {
    return { actor: ctx.actor, version: ctx.version };
  }

  private issueParam(ctx: RequestContext): IssueRecord {
    return this.issues.requireIssue(ctx.params[0] ?? '');
  }

  private register(): void {
    // ------------------------------------------------------------------------------------------ server / users
    this.add('GET', '/serverInfo', (ctx) => ({
      status: 200,
      body: {
        baseUrl: ctx.base,
        displayUrl: ctx.base,
        version: '1001.0.0-SNAPSHOT',
        versionNumbers: [1001, 0, 0],
        deploymentType: 'Cloud',
        buildNumber: 100000,
        buildDate: jiraTime(Date.UTC(2025, 8, 1)),
        serverTime: jiraTime(this.state.now()),
        scmInfo: 'jira-emulator',
        serverTitle: 'Jira',
        defaultLocale: { locale: 'en_US' },
      },
    }));

    this.add('GET', '/myself', (ctx) => {
      const me = this.state.findUser(ctx.actor);
      if (!me) throw new JiraHttpError(401, errorBody(['You are not authenticated. Authentication required to perform this operation.']));
      return { status: 200, body: renderUser(me, this.render(ctx), { full: true }) };
    });

    this.add('GET', '/user', (ctx) => {
      const accountId = ctx.query.get('accountId');
      if (!accountId) throw JiraHttpError.badRequest(["The 'accountId' query parameter needs to be provided."]);
      const user = this.state.findUser(accountId);
      if (!user) throw JiraHttpError.notFound('Specified user does not exist or you do not have required permissions');
      return { status: 200, body: renderUser(user, this.render(ctx), { full: true }) };
    });

    this.add('GET', '/user/search', (ctx) => {
      const query = ctx.query.get('query');
      const accountId = ctx.query.get('accountId');
      if (!query && !accountId && !ctx.query.get('property')) {
        throw JiraHttpError.badRequest(["One of 'query', 'accountId' or 'property' query parameters must be provided."]);
      }
      const startAt = intParam(ctx.query.get('startAt'), 0, 'startAt');
      const maxResults = Math.min(intParam(ctx.query.get('maxResults'), 50, 'maxResults'), 1000);
      const q = (query ?? '').trim().toLowerCase();
      const matches = this.state.users.filter((u) => {
        if (accountId && u.accountId !== accountId) return false;
        if (!q) return true;
        const email = u.email.toLowerCase();
        // Hidden emails match only exactly; visible ones by prefix. Display names by prefix of the name or of any word.
        if (email === q) return true;
        if (u.emailVisible && email.startsWith(q)) return true;
        const name = u.displayName.toLowerCase();
        return name.startsWith(q) || name.split(/\s+/).some((w) => w.startsWith(q));
      });
      return { status: 200, body: matches.slice(startAt, startAt + maxResults).map((u) => renderUser(u, this.render(ctx))) };
    });

    // ------------------------------------------------------------------------------------------ reference data
    this.add('GET', '/priority', (ctx) => ({ status: 200, body: this.state.priorities.map((p) => renderPriority(p, this.render(ctx), { full: true })) }));

    this.add('GET', '/priority/{id}', (ctx) => {
      const p = this.state.priorities.find((x) => x.id === ctx.params[0]);
      if (!p) throw JiraHttpError.notFound(`The priority with ID '${ctx.params[0] ?? ''}' does not exist.`);
      return { status: 200, body: renderPriority(p, this.render(ctx), { full: true }) };
    });

    this.add('GET', '/project/{projectIdOrKey}', (ctx) => {
      const project = this.state.findProject(ctx.params[0] ?? '');
      if (!project) throw JiraHttpError.notFound(`No project could be found with key '${ctx.params[0] ?? ''}'.`);
      return { status: 200, body: renderProject(this.state, project, this.render(ctx)) };
    });

    this.add('GET', '/issue/createmeta/{projectIdOrKey}/issuetypes', (ctx) => {
      const project = this.state.findProject(ctx.params[0] ?? '');
      if (!project) throw JiraHttpError.notFound(`No project could be found with key '${ctx.params[0] ?? ''}'.`);
      const startAt = intParam(ctx.query.get('startAt'), 0, 'startAt');
      const maxResults = intParam(ctx.query.get('maxResults'), 50, 'maxResults');
      const types = project.issueTypeIds.map((id) => {
        const t = renderIssueType(this.state, id, this.render(ctx));
        delete t.avatarId;
        delete t.hierarchyLevel;
        return t;
      });
      return { status: 200, body: { maxResults, startAt, total: types.length, issueTypes: types.slice(startAt, startAt + maxResults) } };
    });

    this.add('GET', '/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}', (ctx) => {
      const project = this.state.findProject(ctx.params[0] ?? '');
      if (!project || !project.issueTypeIds.includes(ctx.params[1] ?? '')) throw JiraHttpError.notFound('Issue type not found for this project.');
      const rc = this.render(ctx);
      const field = (fieldId: string, required: boolean, schema: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
        required,
        schema,
        name: fieldDisplayName(this.state, fieldId),
        key: fieldId,
        fieldId,
        hasDefaultValue: false,
        operations: ['set'],
        ...extra,
      });
      const fields = [
        field('summary', true, { type: 'string', system: 'summary' }),
        field('issuetype', true, { type: 'issuetype', system: 'issuetype' }),
        field('project', true, { type: 'project', system: 'project' }),
        field('description', false, { type: 'string', system: 'description' }),
        field('priority', false, { type: 'priority', system: 'priority' }, { allowedValues: this.state.priorities.map((p) => renderPriority(p, rc)) }),
        field('labels', false, { type: 'array', items: 'string', system: 'labels' }),
        field('assignee', false, { type: 'user', system: 'assignee' }),
        field('reporter', true, { type: 'user', system: 'reporter' }),
        ...[...this.state.customFieldNames.keys()].map((id) => field(id, false, { type: 'any', custom: 'emulator', customId: Number(id.replace('customfield_', '')) })),
      ];
      return { status: 200, body: { maxResults: fields.length, startAt: 0, total: fields.length, fields } };
    });

    this.add('GET', '/field', () => {
      const system = ['summary', 'description', 'status', 'priority', 'labels', 'assignee', 'reporter', 'issuetype', 'project', 'created', 'updated', 'resolution'];
      const body = [
        ...system.map((id) => ({ id, key: id, name: fieldDisplayName(this.state, id), custom: false, orderable: true, navigable: true, searchable: true, clauseNames: [id] })),
        ...[...this.state.customFieldNames.entries()].map(([id, name]) => ({
          id,
          key: id,
          name,
          custom: true,
          orderable: true,
          navigable: true,
          searchable: true,
          clauseNames: [`cf[${id.replace('customfield_', '')}]`, name],
          schema: { type: 'any', custom: 'emulator', customId: Number(id.replace('customfield_', '')) },
        })),
      ];
      return { status: 200, body };
    });

    this.add('GET', '/issueLinkType', (ctx) => ({
      status: 200,
      body: { issueLinkTypes: this.state.linkTypes.map((t) => ({ id: t.id, name: t.name, inward: t.inward, outward: t.outward, self: `${apiRoot(this.render(ctx))}/issueLinkType/${t.id}` })) },
    }));

    // ------------------------------------------------------------------------------------------ issues
    this.add('POST', '/issue', (ctx) => {
      const result = this.issues.create(jsonBody(ctx), this.op(ctx));
      const body: Record<string, unknown> = { id: result.issue.id, key: result.issue.key, self: `${apiRoot(this.render(ctx))}/issue/${result.issue.id}` };
      if (result.transition) body.transition = result.transition;
      return { status: 201, body };
    });

    this.add('GET', '/issue/{issueIdOrKey}', (ctx) => {
      const issue = this.issueParam(ctx);
      const opts: Parameters<typeof renderIssue>[3] = { defaultFields: '*all' };
      const fields = listParam(ctx.query, 'fields');
      const expand = listParam(ctx.query, 'expand');
      const properties = listParam(ctx.query, 'properties');
      if (fields) opts.fields = fields;
      if (expand) opts.expand = expand;
      if (properties) opts.properties = properties;
      return { status: 200, body: renderIssue(this.state, issue, this.render(ctx), opts) };
    });

    this.add('PUT', '/issue/{issueIdOrKey}', (ctx) => {
      const issue = this.issueParam(ctx);
      this.issues.edit(issue, jsonBody(ctx), this.op(ctx));
      if (ctx.query.get('returnIssue') === 'true') return { status: 200, body: renderIssue(this.state, issue, this.render(ctx)) };
      return { status: 204 };
    });

    this.add('DELETE', '/issue/{issueIdOrKey}', (ctx) => {
      this.issues.deleteIssue(this.issueParam(ctx), this.op(ctx));
      return { status: 204 };
    });

    this.add('PUT', '/issue/{issueIdOrKey}/assignee', (ctx) => {
      this.issues.assign(this.issueParam(ctx), jsonBody(ctx), this.op(ctx));
      return { status: 204 };
    });

    this.add('GET', '/issue/{issueIdOrKey}/transitions', (ctx) => {
      const issue = this.issueParam(ctx);
      const rc = this.render(ctx);
      const withFields = (ctx.query.get('expand') ?? '').split(',').includes('transitions.fields');
      const includeUnavailable = ctx.query.get('includeUnavailableTransitions') === 'true';
      const available = this.state.workflow.available(issue.status);
      const candidates = includeUnavailable ? this.state.workflow.all() : available;
      const transitionId = ctx.query.get('transitionId');
      const transitions = candidates
        .filter((t) => !transitionId || t.id === transitionId)
        .map((t) => renderTransition(this.state, t, rc, { available: available.includes(t), withFields }));
      return { status: 200, body: { expand: 'transitions', transitions } };
    });

    this.add('POST', '/issue/{issueIdOrKey}/transitions', (ctx) => {
      this.issues.transition(this.issueParam(ctx), jsonBody(ctx), this.op(ctx));
      return { status: 204 };
    });

    // ------------------------------------------------------------------------------------------ watchers
    this.add('GET', '/issue/{issueIdOrKey}/watchers', (ctx) => {
      const issue = this.issueParam(ctx);
      const rc = this.render(ctx);
      const watchers = issue.watchers.map((id) => this.state.findUser(id)).filter((u) => u !== undefined);
      return {
        status: 200,
        body: {
          self: `${apiRoot(rc)}/issue/${issue.key}/watchers`,
          isWatching: issue.watchers.includes(ctx.actor),
          watchCount: issue.watchers.length,
          watchers: watchers.map((u) => renderUserDetails(u, rc)),
        },
      };
    });

    this.add('POST', '/issue/{issueIdOrKey}/watchers', (ctx) => {
      this.issues.addWatcher(this.issueParam(ctx), jsonBody(ctx), this.op(ctx));
      return { status: 204 };
    });

    this.add('DELETE', '/issue/{issueIdOrKey}/watchers', (ctx) => {
      this.issues.removeWatcher(this.issueParam(ctx), ctx.query.get('accountId') ?? undefined);
      return { status: 204 };
    });

    // ------------------------------------------------------------------------------------------ remote links
    this.add('GET', '/issue/{issueIdOrKey}/remotelink', (ctx) => {
      const issue = this.issueParam(ctx);
      const rc = this.render(ctx);
      const globalId = ctx.query.get('globalId');
      if (globalId !== null) {
        const link = issue.remoteLinks.find((l) => l.globalId === globalId);
        if (!link) throw JiraHttpError.notFound(`No remote link with globalId '${globalId}' found on issue ${issue.key}.`);
        return { status: 200, body: renderRemoteLink(issue, link, rc) };
      }
      return { status: 200, body: issue.remoteLinks.map((l) => renderRemoteLink(issue, l, rc)) };
    });

    this.add('POST', '/issue/{issueIdOrKey}/remotelink', (ctx) => {
      const issue = this.issueParam(ctx);
      const { link, created } = this.issues.upsertRemoteLink(issue, jsonBody(ctx));
      const rendered = renderRemoteLink(issue, link, this.render(ctx));
      return { status: created ? 201 : 200, body: { id: rendered.id, self: rendered.self } };
    });

    this.add('DELETE', '/issue/{issueIdOrKey}/remotelink', (ctx) => {
      const issue = this.issueParam(ctx);
      const globalId = ctx.query.get('globalId');
      if (!globalId) throw JiraHttpError.badRequest(['The globalId query parameter must be provided.']);
      const before = issue.remoteLinks.length;
      issue.remoteLinks = issue.remoteLinks.filter((l) => l.globalId !== globalId);
      if (issue.remoteLinks.length === before) throw JiraHttpError.notFound(`No remote link with globalId '${globalId}' found on issue ${issue.key}.`);
      return { status: 204 };
    });

    this.add('GET', '/issue/{issueIdOrKey}/remotelink/{linkId}', (ctx) => {
      const issue = this.issueParam(ctx);
      const link = issue.remoteLinks.find((l) => String(l.id) === ctx.params[1]);
      if (!link) throw JiraHttpError.notFound('The remote link does not exist.');
      return { status: 200, body: renderRemoteLink(issue, link, this.render(ctx)) };
    });

    this.add('DELETE', '/issue/{issueIdOrKey}/remotelink/{linkId}', (ctx) => {
      const issue = this.issueParam(ctx);
      const before = issue.remoteLinks.length;
      issue.remoteLinks = issue.remoteLinks.filter((l) => String(l.id) !== ctx.params[1]);
      if (issue.remoteLinks.length === before) throw JiraHttpError.notFound('The remote link does not exist.');
      return { status: 204 };
    });

    // ------------------------------------------------------------------------------------------ attachments
    this.add('POST', '/issue/{issueIdOrKey}/attachments', (ctx) => {
      const token = ctx.headers['x-atlassian-token'];
      if (typeof token !== 'string' || token.toLowerCase() !== 'no-check') {
        return { status: 403, body: 'XSRF check failed', headers: { 'content-type': 'text/plain;charset=UTF-8' } };
      }
      const issue = this.issueParam(ctx);
      const boundary = boundaryOf(ctx.headers['content-type']);
      if (!boundary) throw new JiraHttpError(415, errorBody(['Attachments must be sent as multipart/form-data.']));
      let parts;
      try {
        parts = parseMultipart(ctx.rawBody, boundary);
      } catch (e) {
        throw JiraHttpError.badRequest([`Malformed multipart body: ${e instanceof Error ? e.message : String(e)}`]);
      }
      const files = parts.filter((p) => p.name === 'file' && p.filename !== undefined);
      if (files.length === 0) throw JiraHttpError.badRequest(["No attachment found: the multipart part must be named 'file' and carry a filename."]);
      const added = this.issues.addAttachments(issue, files.map((f) => ({ filename: f.filename ?? 'file', mimeType: mimeTypeFor(f), content: f.data })), this.op(ctx));
      return { status: 200, body: added.map((a) => renderAttachment(this.state, a, this.render(ctx))) };
    });

    this.add('GET', '/attachment/{id}', (ctx) => {
      for (const issue of this.state.issues) {
        const a = issue.attachments.find((x) => x.id === ctx.params[0]);
        if (a) return { status: 200, body: renderAttachment(this.state, a, this.render(ctx)) };
      }
      throw JiraHttpError.notFound('The attachment does not exist.');
    });

    this.add('GET', '/attachment/content/{id}', (ctx) => {
      for (const issue of this.state.issues) {
        const a = issue.attachments.find((x) => x.id === ctx.params[0]);
        if (a) return { status: 200, body: a.content, headers: { 'content-type': a.mimeType } };
      }
      throw JiraHttpError.notFound('The attachment does not exist.');
    });

    // ------------------------------------------------------------------------------------------ comments
    this.add('GET', '/issue/{issueIdOrKey}/comment', (ctx) => {
      const issue = this.issueParam(ctx);
      const startAt = intParam(ctx.query.get('startAt'), 0, 'startAt');
      const maxResults = intParam(ctx.query.get('maxResults'), 5000, 'maxResults');
      const comments = issue.comments.slice(startAt, startAt + maxResults).map((c) => renderComment(this.state, issue, c, this.render(ctx)));
      return { status: 200, body: { startAt, maxResults, total: issue.comments.length, comments } };
    });

    this.add('POST', '/issue/{issueIdOrKey}/comment', (ctx) => {
      const issue = this.issueParam(ctx);
      const body = jsonBody(ctx);
      if (!isRecord(body)) throw JiraHttpError.badRequest([INVALID_PAYLOAD]);
      const comment = this.issues.addComment(issue, body.body, body.visibility, this.op(ctx));
      return { status: 201, body: renderComment(this.state, issue, comment, this.render(ctx)) };
    });

    // ------------------------------------------------------------------------------------------ properties
    this.add('GET', '/issue/{issueIdOrKey}/properties', (ctx) => {
      const issue = this.issueParam(ctx);
      const root = apiRoot(this.render(ctx));
      return { status: 200, body: { keys: Object.keys(issue.properties).map((key) => ({ self: `${root}/issue/${issue.id}/properties/${encodeURIComponent(key)}`, key })) } };
    });

    this.add('GET', '/issue/{issueIdOrKey}/properties/{propertyKey}', (ctx) => {
      const issue = this.issueParam(ctx);
      const key = ctx.params[1] ?? '';
      if (!(key in issue.properties)) throw JiraHttpError.notFound(`The property with key '${key}' does not exist.`);
      return { status: 200, body: { key, value: issue.properties[key] } };
    });

    this.add('PUT', '/issue/{issueIdOrKey}/properties/{propertyKey}', (ctx) => {
      const issue = this.issueParam(ctx);
      const key = ctx.params[1] ?? '';
      if (key.length === 0 || key.length > 255) throw JiraHttpError.badRequest(['The property key must be between 1 and 255 characters.']);
      const value = jsonBody(ctx);
      if (value === undefined) throw JiraHttpError.badRequest(['The property value must be valid, non-empty JSON.']);
      if (ctx.rawBody.length > 32768) throw JiraHttpError.badRequest(['The property value exceeds 32768 bytes.']);
      const created = !(key in issue.properties);
      issue.properties[key] = value;
      return { status: created ? 201 : 200 };
    });

    this.add('DELETE', '/issue/{issueIdOrKey}/properties/{propertyKey}', (ctx) => {
      const issue = this.issueParam(ctx);
      const key = ctx.params[1] ?? '';
      if (!(key in issue.properties)) throw JiraHttpError.notFound(`The property with key '${key}' does not exist.`);
      delete issue.properties[key];
      return { status: 204 };
    });

    // ------------------------------------------------------------------------------------------ issue links
    this.add('POST', '/issueLink', (ctx) => {
      this.issues.linkIssues(jsonBody(ctx), this.op(ctx));
      return { status: 201 };
    });

    // ------------------------------------------------------------------------------------------ search
    this.add('GET', '/search/jql', (ctx) =>
      this.enhancedSearch(ctx, {
        jql: ctx.query.get('jql') ?? '',
        fields: listParam(ctx.query, 'fields'),
        properties: listParam(ctx.query, 'properties'),
        expand: listParam(ctx.query, 'expand'),
        maxResults: ctx.query.get('maxResults'),
        nextPageToken: ctx.query.get('nextPageToken'),
      }),
    );

    this.add('POST', '/search/jql', (ctx) => {
      const body = jsonBody(ctx);
      if (!isRecord(body)) throw JiraHttpError.badRequest([INVALID_PAYLOAD]);
      return this.enhancedSearch(ctx, {
        jql: typeof body.jql === 'string' ? body.jql : '',
        fields: listFromBody(body.fields),
        properties: listFromBody(body.properties),
        expand: listFromBody(body.expand),
        maxResults: body.maxResults,
        nextPageToken: body.nextPageToken,
      });
    });

    this.add('GET', '/search', (ctx) =>
      this.legacySearch(ctx, {
        jql: ctx.query.get('jql') ?? '',
        fields: listParam(ctx.query, 'fields'),
        properties: listParam(ctx.query, 'properties'),
        expand: listParam(ctx.query, 'expand'),
        maxResults: ctx.query.get('maxResults'),
        startAt: ctx.query.get('startAt'),
      }),
    );

    this.add('POST', '/search', (ctx) => {
      const body = jsonBody(ctx);
      if (!isRecord(body)) throw JiraHttpError.badRequest([INVALID_PAYLOAD]);
      return this.legacySearch(ctx, {
        jql: typeof body.jql === 'string' ? body.jql : '',
        fields: listFromBody(body.fields),
        properties: listFromBody(body.properties),
        expand: listFromBody(body.expand),
        maxResults: body.maxResults,
        startAt: body.startAt,
      });
    });
  }

  private runQuery(jql: string): IssueRecord[] {
    try {
      return runJql(this.state, parseJql(jql));
    } catch (e) {
      if (e instanceof JqlError) throw JiraHttpError.badRequest([e.message]);
      throw e;
    }
  }

  private enhancedSearch(ctx: RequestContext, p: { jql: string; fields?: string[] | undefined; properties?: string[] | undefined; expand?: string[] | undefined; maxResults: unknown; nextPageToken: unknown }): HandlerResult {
    if (p.jql.trim().length === 0 || /^\s*order\s+by/i.test(p.jql)) {
      throw JiraHttpError.badRequest(['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.']);
    }
    const maxResults = Math.min(Math.max(intParam(p.maxResults, 50, 'maxResults'), 1), 5000);
    let offset = 0;
    if (typeof p.nextPageToken === 'string' && p.nextPageToken.length > 0) {
      const decoded = /^offset:(\d+)$/.exec(Buffer.from(p.nextPageToken, 'base64url').toString('utf8'));
      if (!decoded?.[1]) throw JiraHttpError.badRequest(['The provided next page token is invalid or expired.']);
      offset = Number(decoded[1]);
    }
    const all = this.runQuery(p.jql);
    const page = all.slice(offset, offset + maxResults);
    const rc = this.render(ctx);
    const issues = page.map((issue) => {
      const rendered = renderIssue(this.state, issue, rc, { fields: p.fields, defaultFields: 'id', expand: p.expand, properties: p.properties });
      // Jira's enhanced search returns only ids unless fields are asked for.
      if (rendered.fields === undefined && rendered.properties === undefined) return { id: issue.id };
      rendered.expand = '';
      return rendered;
    });
    const isLast = offset + maxResults >= all.length;
    const body: Record<string, unknown> = { issues, isLast };
    if (!isLast) body.nextPageToken = Buffer.from(`offset:${offset + maxResults}`).toString('base64url');
    return { status: 200, body };
  }

  private legacySearch(ctx: RequestContext, p: { jql: string; fields?: string[] | undefined; properties?: string[] | undefined; expand?: string[] | undefined; maxResults: unknown; startAt: unknown }): HandlerResult {
    if (this.options.legacySearch === 'removed') {
      throw new JiraHttpError(
        410,
        errorBody(['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046']),
      );
    }
    const startAt = intParam(p.startAt, 0, 'startAt');
    const maxResults = Math.min(intParam(p.maxResults, 50, 'maxResults'), 100);
    const all = p.jql.trim().length === 0 ? this.state.issues.slice() : this.runQuery(p.jql);
    const rc = this.render(ctx);
    const issues = all.slice(startAt, startAt + maxResults).map((issue) => {
      const rendered = renderIssue(this.state, issue, rc, { fields: p.fields, defaultFields: '*all', expand: p.expand, properties: p.properties });
      rendered.expand = '';
      return rendered;
    });
    return { status: 200, body: { expand: 'names,schema', startAt, maxResults, total: all.length, issues } };
  }
}
