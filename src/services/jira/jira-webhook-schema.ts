import { z } from 'zod';
import { formatPath } from '../../validation.js';

/**
 * The parts of a Jira webhook body the app reads (platform-facts §4.1). Everything else is allowed and ignored, so
 * a new Jira field never breaks the receiver.
 */
const nullableText = z.string().nullable().optional();

export const changelogItemSchema = z.looseObject({
  field: z.string(),
  fieldId: z.string().optional(),
  fieldtype: z.string().optional(),
  from: nullableText,
  to: nullableText,
  fromString: nullableText,
  toString: nullableText,
  tmpFromAccountId: nullableText,
  tmpToAccountId: nullableText,
});
export type ChangelogItem = z.infer<typeof changelogItemSchema>;

const userRefSchema = z.looseObject({ accountId: z.string().optional(), displayName: z.string().optional(), accountType: z.string().optional() });

const issueSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String).optional(),
  key: z.string().regex(/^[A-Z][A-Z0-9_]+-\d+$/, 'must be an issue key like INC-12'),
  fields: z.looseObject({ summary: z.string().optional() }).optional(),
});

const commentSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String).optional(),
  body: z.string(),
  author: userRefSchema.optional(),
  updateAuthor: userRefSchema.optional(),
});

export const jiraWebhookSchema = z.looseObject({
  webhookEvent: z.string().min(1),
  timestamp: z.number().optional(),
  issue_event_type_name: z.string().optional(),
  user: userRefSchema.optional(),
  issue: issueSchema,
  changelog: z.looseObject({ id: z.union([z.string(), z.number()]).optional(), items: z.array(changelogItemSchema) }).optional(),
  comment: commentSchema.optional(),
});
export type JiraWebhookBody = z.infer<typeof jiraWebhookSchema>;

/** FireFighter's `raid/jira_update` wanted `issue`, `changelog` and `user` and only `jira:issue_updated`. */
const issueUpdateRouteSchema = jiraWebhookSchema.extend({
  webhookEvent: z.literal('jira:issue_updated'),
  user: userRefSchema,
  changelog: z.looseObject({ id: z.union([z.string(), z.number()]).optional(), items: z.array(changelogItemSchema) }),
});

/** FireFighter's `raid/jira_comment` wanted `issue.key`, `comment.author.displayName` and `comment.body`. */
const commentRouteSchema = jiraWebhookSchema.extend({
  webhookEvent: z.enum(['comment_created', 'comment_updated', 'comment_deleted']),
  comment: commentSchema.extend({ author: userRefSchema.extend({ displayName: z.string() }) }),
});

export type WebhookRoute = 'jira' | 'ff_update' | 'ff_comment';

export type ParsedWebhook = { ok: true; body: JiraWebhookBody } | { ok: false; fields: string[] };

/** Validates a parsed body for the route it came on; a failure names every bad field (`issue.key`, …). */
export function parseJiraWebhook(route: WebhookRoute, value: unknown): ParsedWebhook {
  const schema = route === 'ff_update' ? issueUpdateRouteSchema : route === 'ff_comment' ? commentRouteSchema : jiraWebhookSchema;
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, body: parsed.data as JiraWebhookBody };
  const fields = [...new Set(parsed.error.issues.map((issue) => (issue.path.length ? formatPath(issue.path) : '(root)')))];
  return { ok: false, fields };
}
