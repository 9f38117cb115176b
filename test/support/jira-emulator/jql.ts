// A small JQL subset: clauses joined by AND, an optional ORDER BY.
//   project = KEY | project in (A, B)
//   key = X-1 | issuekey = X-1 | key in
//   labels = "x" | labels in ("x", "y")
//   status = "in progress" | status in (…)
//   issue.property[propKey].path.to.value = "value"
//   ORDER BY created|updated|key [ASC|DESC], …
// Anything else answers 400 "Error in the JQL Query: …", like Jira does for queries it cannot parse.

import type { EmulatorState, IssueRecord } from './state.js';
import { isRecord } from './util.js';

export class JqlError extends Error {}

type Token = { kind: 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'comma'; text: string; pos: number };

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const ch = jql.charAt(i);
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let text = '';
      while (j < jql.length && jql.charAt(j) !== ch) {
        if (jql.charAt(j) === '\\' && j + 1 < jql.length) j++;
        text += jql.charAt(j);
        j++;
      }
      if (j >= jql.length) throw new JqlError(`Error in the JQL Query: The quoted string '${text}' has not been completed. (line 1, character ${i + 1})`);
      tokens.push({ kind: 'string', text, pos: i });
      i = j + 1;
      continue;
    }
    if (ch === '(') {
      tokens.push({ kind: 'lparen', text: ch, pos: i++ });
      continue;
    }
    if (ch === ')') {
      tokens.push({ kind: 'rparen', text: ch, pos: i++ });
      continue;
    }
    if (ch === ',') {
      tokens.push({ kind: 'comma', text: ch, pos: i++ });
      continue;
    }
    const op = /^(!=|>=|<=|!~|=|~|>|<)/.exec(jql.slice(i));
    if (op?.[1]) {
      tokens.push({ kind: 'op', text: op[1], pos: i });
      i += op[1].length;
      continue;
    }
    const word = /^[A-Za-z0-9_.\-[\]:/@]+/.exec(jql.slice(i));
    if (!word) throw new JqlError(`Error in the JQL Query: The character '${ch}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}' instead. (line 1, character ${i + 1})`);
    tokens.push({ kind: 'word', text: word[0], pos: i });
    i += word[0].length;
  }
  return tokens;
}

export type ClauseField = 'project' | 'key' | 'labels' | 'status' | 'property';

export interface Clause {
  field: ClauseField;
  values: string[];
  propertyKey?: string;
  propertyPath?: string[];
}

export interface OrderBy {
  field: 'created' | 'updated' | 'key';
  direction: 'ASC' | 'DESC';
}

export interface JqlQuery {
  clauses: Clause[];
  orderBy: OrderBy[];
}

const UNSUPPORTED = (what: string, pos: number): JqlError =>
  new JqlError(`Error in the JQL Query: ${what} (line 1, character ${pos + 1}). The Jira emulator supports: project, key/issuekey, labels, status, issue.property[key].path with = or in, joined by AND, and ORDER BY created|updated|key.`);

export function parseJql(jql: string): JqlQuery {
  const tokens = tokenize(jql);
  const clauses: Clause[] = [];
  const orderBy: OrderBy[] = [];
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const next = (): Token => {
    const t = tokens[i++];
    if (!t) throw new JqlError(`Error in the JQL Query: Expecting either a value, list or function but got end of query. (line 1, character ${jql.length + 1})`);
    return t;
  };
  const isWord = (t: Token | undefined, w: string): boolean => t?.kind === 'word' && t.text.toLowerCase() === w;

  while (i < tokens.length && !isWord(peek(), 'order')) {
    if (clauses.length > 0) {
      const t = next();
      if (!isWord(t, 'and')) {
        if (isWord(t, 'or')) throw UNSUPPORTED("'OR' is not supported", t.pos);
        throw new JqlError(`Error in the JQL Query: Expecting either 'OR' or 'AND' but got '${t.text}'. (line 1, character ${t.pos + 1})`);
      }
    }
    const fieldTok = next();
    if (fieldTok.kind !== 'word') throw UNSUPPORTED(`Expecting a field name but got '${fieldTok.text}'`, fieldTok.pos);
    if (['not', '('].includes(fieldTok.text.toLowerCase())) throw UNSUPPORTED(`'${fieldTok.text}' is not supported`, fieldTok.pos);
    const clause = parseField(fieldTok);
    const opTok = next();
    let values: string[];
    if (opTok.kind === 'op' && opTok.text === '=') {
      const v = next();
      if (v.kind !== 'word' && v.kind !== 'string') throw new JqlError(`Error in the JQL Query: Expecting either a value, list or function but got '${v.text}'. (line 1, character ${v.pos + 1})`);
      if (v.kind === 'word' && /^(empty|null)$/i.test(v.text)) throw UNSUPPORTED('EMPTY / NULL is not supported', v.pos);
      values = [v.text];
    } else if (isWord(opTok, 'in')) {
      const open = next();
      if (open.kind !== 'lparen') throw new JqlError(`Error in the JQL Query: Expecting '(' but got '${open.text}'. (line 1, character ${open.pos + 1})`);
      values = [];
      for (;;) {
        const v = next();
        if (v.kind !== 'word' && v.kind !== 'string') throw new JqlError(`Error in the JQL Query: Expecting a value but got '${v.text}'. (line 1, character ${v.pos + 1})`);
        values.push(v.text);
        const sep = next();
        if (sep.kind === 'rparen') break;
        if (sep.kind !== 'comma') throw new JqlError(`Error in the JQL Query: Expecting ',' or ')' but got '${sep.text}'. (line 1, character ${sep.pos + 1})`);
      }
    } else if (opTok.kind === 'op' || isWord(opTok, 'not') || isWord(opTok, 'is') || isWord(opTok, 'was') || isWord(opTok, 'changed')) {
      throw UNSUPPORTED(`operator '${opTok.text}' is not supported`, opTok.pos);
    } else {
      throw new JqlError(`Error in the JQL Query: Expecting operator but got '${opTok.text}'. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. (line 1, character ${opTok.pos + 1})`);
    }
    clauses.push({ ...clause, values });
  }

  if (i < tokens.length) {
    next(); // ORDER
    const by = next();
    if (!isWord(by, 'by')) throw new JqlError(`Error in the JQL Query: Expecting 'BY' but got '${by.text}'. (line 1, character ${by.pos + 1})`);
    for (;;) {
      const f = next();
      const name = f.text.toLowerCase();
      if (name !== 'created' && name !== 'updated' && name !== 'key' && name !== 'issuekey') throw UNSUPPORTED(`ORDER BY '${f.text}' is not supported`, f.pos);
      let direction: 'ASC' | 'DESC' = 'ASC';
      const d = peek();
      if (isWord(d, 'asc') || isWord(d, 'desc')) {
        direction = next().text.toUpperCase() as 'ASC' | 'DESC';
      }
      orderBy.push({ field: name === 'issuekey' ? 'key' : name, direction });
      const sep = peek();
      if (!sep) break;
      if (sep.kind !== 'comma') throw new JqlError(`Error in the JQL Query: Expecting ',' but got '${sep.text}'. (line 1, character ${sep.pos + 1})`);
      next();
    }
  }
  return { clauses, orderBy };
}

function parseField(t: Token): Omit<Clause, 'values'> {
  const lower = t.text.toLowerCase();
  if (lower === 'project') return { field: 'project' };
  if (lower === 'key' || lower === 'issuekey' || lower === 'id') return { field: 'key' };
  if (lower === 'labels' || lower === 'label') return { field: 'labels' };
  if (lower === 'status') return { field: 'status' };
  const prop = /^issue\.property\[([^\]]+)\]((?:\.[A-Za-z0-9_-]+)*)$/i.exec(t.text);
  if (prop?.[1] !== undefined) {
    const path = (prop[2] ?? '').split('.').filter((p) => p.length > 0);
    return { field: 'property', propertyKey: prop[1], propertyPath: path };
  }
  throw UNSUPPORTED(`Field '${t.text}' is not supported`, t.pos);
}

/** JQL accepts a project's key, id or name. */
function projectFor(state: EmulatorState, value: string): ReturnType<EmulatorState['findProject']> {
  return state.findProject(value) ?? state.projects.find((p) => p.name.toLowerCase() === value.toLowerCase());
}

function propertyValue(issue: IssueRecord, key: string, path: string[]): unknown {
  let value: unknown = issue.properties[key];
  for (const segment of path) {
    if (!isRecord(value)) return undefined;
    value = value[segment];
  }
  return value;
}

function matchesValue(actual: unknown, expected: string): boolean {
  if (actual === undefined || actual === null) return false;
  if (Array.isArray(actual)) return actual.some((a) => matchesValue(a, expected));
  if (typeof actual === 'object') return false;
  return String(actual).toLowerCase() === expected.toLowerCase();
}

/** Validates the query against the state (unknown projects, issue keys, statuses -> 400 like Jira) and runs it. */
export function runJql(state: EmulatorState, query: JqlQuery): IssueRecord[] {
  for (const clause of query.clauses) {
    for (const v of clause.values) {
      if (clause.field === 'project' && !projectFor(state, v)) throw new JqlError(`The value '${v}' does not exist for the field 'project'.`);
      if (clause.field === 'key' && !state.findIssue(v)) throw new JqlError(`An issue with key '${v}' does not exist for field 'key'.`);
      if (clause.field === 'status' && !state.workflow.findStatus(v)) throw new JqlError(`The value '${v}' does not exist for the field 'status'.`);
    }
  }
  const matches = state.issues.filter((issue) =>
    query.clauses.every((clause) => {
      switch (clause.field) {
        case 'project': {
          const project = state.projectOf(issue);
          return clause.values.some((v) => projectFor(state, v)?.id === project.id);
        }
        case 'key':
          return clause.values.some((v) => state.findIssue(v)?.id === issue.id);
        case 'labels':
          return clause.values.some((v) => issue.labels.some((l) => l.toLowerCase() === v.toLowerCase()));
        case 'status':
          return clause.values.some((v) => state.workflow.findStatus(v)?.name === issue.status);
        case 'property':
          return clause.values.some((v) => matchesValue(propertyValue(issue, clause.propertyKey ?? '', clause.propertyPath ?? []), v));
        default:
          return false;
      }
    }),
  );
  const numberOf = (i: IssueRecord): number => Number(i.key.slice(i.key.lastIndexOf('-') + 1));
  const orderBy = query.orderBy.length > 0 ? query.orderBy : [];
  return matches.slice().sort((a, b) => {
    for (const o of orderBy) {
      let cmp = 0;
      if (o.field === 'created') cmp = a.created - b.created || Number(a.id) - Number(b.id);
      else if (o.field === 'updated') cmp = a.updated - b.updated;
      else cmp = a.key.slice(0, a.key.lastIndexOf('-')).localeCompare(b.key.slice(0, b.key.lastIndexOf('-'))) || numberOf(a) - numberOf(b);
      if (cmp !== 0) return o.direction === 'ASC' ? cmp : -cmp;
    }
    return Number(a.id) - Number(b.id);
  });
}
