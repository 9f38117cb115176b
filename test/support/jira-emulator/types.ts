// Public types of the Jira Cloud emulator (state records, seeding inputs, faults, webhooks).

export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

export interface JiraUser {
  accountId: string;
  email: string;
  displayName: string;
  accountType: 'atlassian' | 'app';
  /** false = the profile hides the email: REST answers carry no `emailAddress`, exact-email search still matches. */
  emailVisible: boolean;
  active: boolean;
  timeZone: string;
}

export interface AddUserInput {
  accountId?: string;
  email: string;
  displayName: string;
  accountType?: 'atlassian' | 'app';
  emailVisible?: boolean;
  active?: boolean;
  timeZone?: string;
}

export interface AddProjectInput {
  key: string;
  name?: string;
  /** Project id; default 10000, 10001, … in creation order. */
  id?: string;
  /** Issue type names (or `{id, name}` to pin an id). Default: FireFighter's set (Incident, Bug, Task, …). */
  issueTypes?: (string | { id: string; name: string })[];
  projectTypeKey?: string;
}

export interface WorkflowStatus {
  id: string;
  name: string;
  category: StatusCategoryKey;
}

export interface WorkflowTransition {
  id: string;
  name: string;
  /** Status names this transition starts from; [] = global ("any status"). */
  from: string[];
  /** Target status name. */
  to: string;
}

export interface WorkflowDefinition {
  statuses: WorkflowStatus[];
  /** Status name given to new issues. */
  initial: string;
  transitions: WorkflowTransition[];
}

export interface ChangelogItem {
  field: string;
  fieldtype: 'jira' | 'custom';
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
  tmpFromAccountId?: string | null;
  tmpToAccountId?: string | null;
}

export interface HistoryRecord {
  id: string;
  author: string;
  created: string;
  items: ChangelogItem[];
}

export interface RemoteLinkRecord {
  id: number;
  globalId?: string;
  application?: unknown;
  relationship?: string;
  object: { url: string; title: string } & Record<string, unknown>;
}

export interface AttachmentRecord {
  id: string;
  filename: string;
  size: number;
  mimeType: string;
  author: string;
  created: string;
  content: Buffer;
}

export interface CommentRecord {
  id: string;
  /** As sent: ADF document (v3) or wiki string (v2). */
  body: unknown;
  author: string;
  created: string;
  updated: string;
  visibility?: unknown;
}

export interface IssueLinkView {
  id: string;
  /** Link type name, e.g. "Relates". */
  type: string;
  /** Key of the issue sent as `inwardIssue`. */
  inward: string;
  /** Key of the issue sent as `outwardIssue`. */
  outward: string;
}

/** Snapshot of an issue as the emulator holds it (returned by `emulator.issue(key)`). */
export interface JiraIssue {
  id: string;
  key: string;
  projectKey: string;
  issueType: string;
  issueTypeId: string;
  /** Fields as created / edited by clients (raw request values, incl. customfield_*). */
  fields: Record<string, unknown>;
  /** Status name. */
  status: string;
  priorityId?: string;
  resolution?: string;
  assignee?: string;
  reporter?: string;
  creator: string;
  watchers: string[];
  remoteLinks: RemoteLinkRecord[];
  attachments: AttachmentRecord[];
  comments: CommentRecord[];
  labels: string[];
  properties: Record<string, unknown>;
  issueLinks: IssueLinkView[];
  histories: HistoryRecord[];
  created: string;
  updated: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON; raw text when not JSON; for multipart a summary `{ parts: [{name, filename, contentType, size}] }`. */
  body: unknown;
  headers: Record<string, string>;
  /** Status answered; 0 when the connection was dropped without an answer. */
  status: number;
  at: number;
}

export interface FaultMatch {
  method?: string;
  /** A string matches the request path exactly (query ignored); a RegExp is tested against the path. */
  path: string | RegExp;
}

export interface FaultSpec {
  /** HTTP status to answer; 0 = destroy the socket without answering. */
  status: number;
  /** Sent as `Retry-After` (429 defaults to 1 when omitted). */
  retryAfterSeconds?: number;
  delayMs?: number;
  /** Body to send instead of the default Jira-like error body. */
  body?: unknown;
  /** Process the request normally (state changes, webhooks), then destroy the socket without answering. */
  applyThenDrop?: boolean;
}

export interface WebhookConfig {
  url: string;
  secret: string;
  /** Event names to deliver (`jira:issue_created`, `jira:issue_updated`, `jira:issue_deleted`, `comment_created`). Default: all. */
  events?: string[];
  /** Extra attempts after a failed delivery (connection error, 408, 429, 5xx). Default 0. */
  retries?: number;
  retryDelayMs?: number;
}

export interface WebhookDelivery {
  event: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  /** Receiver's answer status; undefined when the connection failed. */
  status?: number;
  error?: string;
  /** 0 for the first attempt, n for the n-th retry. */
  attempt: number;
  identifier: string;
}

export interface UserChange {
  /** Target status name; applied through an available transition, like a person clicking it. */
  status?: string;
  priorityId?: string;
  summary?: string;
  description?: string;
  assignee?: string | null;
  fields?: Record<string, unknown>;
}
