import { z } from 'zod';
import { PayloadError } from '../../errors.js';
import type { Settings } from '../../settings/schema.js';
import { emailDomain } from '../alerts/email-domain.js';
import { attachmentUrlsSchema } from './fetch-attachments.js';

/** FireFighter's `issue_type` values: the API's vocabulary, mapped to Jira issue types by the settings. */
export const REQUEST_ISSUE_TYPES = ['Incident', 'Service Request', 'Documentation/Process Request', 'Feature Request'] as const;
export type RequestIssueType = (typeof REQUEST_ISSUE_TYPES)[number];

/** A ticket request as accepted: FireFighter's body, checked and normalised. */
export interface LandbotTicketRequest {
  summary: string;
  description: string;
  sellerContractId: string | null;
  zohoDeskTicketId: string | null;
  zendeskTicketId: string | null;
  /** FireFighter's platform code, e.g. `FR` (the settings' platform value without `platform-`). */
  platform: string;
  reporterEmail: string;
  incidentCategory: string | null;
  suggestedTeam: string | null;
  labels: string[];
  environments: string[];
  /** The project the request names, if any. */
  projectKey: string | null;
  /** 1–5, or null when the request gives none. */
  priority: number | null;
  businessImpact: string | null;
  attachmentUrls: string[];
  issueType: RequestIssueType;
}

/** One refused field, in FireFighter's error shape (drf-standardized-errors): `attr` names the field. */
export interface FieldError {
  code: string;
  detail: string;
  attr: string | null;
}

export type ParsedTicketRequest = { ok: true; request: LandbotTicketRequest } | { ok: false; errors: FieldError[] };

/** A JSON null, a missing key and "" all mean "not given" for FireFighter's optional text fields. */
const optionalText = (max: number) =>
  z
    .union([z.string(), z.number().transform(String)])
    .nullish()
    .transform((v) => (v === undefined || v === null || v.trim() === '' ? null : v.trim()))
    .pipe(z.string().max(max, `at most ${max} characters`).nullable());

/**
 * Landbot substitutes its variables as text, so numbers may come as strings ("2"); P1–P5 are accepted too.
 * Empty means "not given": the settings' default priority applies.
 */
const priorityField = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v, ctx) => {
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return null;
    const text = String(v).trim().replace(/^P/i, '');
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1 || n > 5) {
      ctx.addIssue({ code: 'custom', message: 'must be a priority from 1 to 5' });
      return z.NEVER;
    }
    return n;
  });

const schemas = new WeakMap<Settings, ReturnType<typeof buildSchema>>();

/** The schema of a request under these settings (platforms, environments, business impacts and projects come from them). */
export function ticketRequestSchema(settings: Settings) {
  let schema = schemas.get(settings);
  if (!schema) {
    schema = buildSchema(settings);
    schemas.set(settings, schema);
  }
  return schema;
}

function buildSchema(settings: Settings) {
  const platforms = settings.platforms.map((p) => p.value.replace(/^platform-/, ''));
  const environments = [...settings.environments.map((e) => e.value), ...settings.landbot.extraEnvironments];
  const businessImpacts = settings.impactTypes
    .filter((t) => t.isBusinessImpact)
    .flatMap((t) => t.levels.filter((l) => l.priority !== null).map((l) => l.name));
  const projects = new Set([settings.jira.projectKey, ...(settings.landbot.projectKey ? [settings.landbot.projectKey] : []), ...settings.featureTeams.map((t) => t.jiraProjectKey)]);

  return z
    .object({
      summary: z.string({ error: 'must be a string' }).trim().min(1, 'must not be blank').max(128, 'at most 128 characters'),
      description: z.string({ error: 'must be a string' }).trim().min(1, 'must not be blank').max(30_000, 'at most 30000 characters'),
      seller_contract_id: optionalText(128),
      zoho: optionalText(256),
      zendesk: optionalText(256),
      platform: z.enum(platforms, { error: `must be one of ${platforms.join(', ')}` }),
      reporter_email: z
        .string({ error: 'is required' })
        .trim()
        .max(254, 'at most 254 characters')
        .refine((email) => isWellFormedEmail(email), 'is not a well-formed email address'),
      incident_category: optionalText(128),
      suggested_team_routing: optionalText(10),
      labels: z
        .array(
          z
            .string({ error: 'each label must be a string' })
            .min(1, 'a label must not be empty')
            .max(128, 'a label has at most 128 characters')
            .refine((l) => !/\s/.test(l), 'a label cannot contain spaces'),
          { error: 'must be a list of labels' },
        )
        .nullish()
        .transform((v) => v ?? []),
      environments: z
        .array(z.union([z.enum(environments, { error: `each environment must be one of ${environments.join(', ')}` }), z.literal(''), z.null()]), {
          error: 'must be a list of environments',
        })
        .nullish()
        .transform((v) => {
          const given = (v ?? []).filter((e): e is string => typeof e === 'string' && e !== '');
          // As FireFighter: none given is recorded as "-" when that value is allowed.
          return given.length > 0 ? [...new Set(given)] : environments.includes('-') ? ['-'] : [];
        }),
      project: optionalText(128).refine((p) => p === null || projects.has(p), `must be one of the projects of the settings: ${[...projects].join(', ')}`),
      priority: priorityField,
      business_impact: z
        .string({ error: `must be one of ${businessImpacts.join(', ')}` })
        .nullish()
        // Landbot sends "" for an unset variable, and FireFighter skipped "N/A".
        .transform((v) => (v === undefined || v === null || v.trim() === '' || v.trim() === 'N/A' ? null : v.trim()))
        .refine((v) => v === null || businessImpacts.includes(v), `must be one of ${businessImpacts.join(', ')}`),
      attachments: attachmentUrlsSchema,
      issue_type: z
        .union([z.enum(REQUEST_ISSUE_TYPES, { error: `must be one of ${REQUEST_ISSUE_TYPES.join(', ')}` }), z.literal(''), z.null()])
        .optional()
        .transform((v): RequestIssueType => (v ? v : 'Incident')),
    })
    .transform(
      (b): LandbotTicketRequest => ({
        summary: b.summary,
        description: b.description,
        sellerContractId: b.seller_contract_id,
        zohoDeskTicketId: b.zoho,
        zendeskTicketId: b.zendesk,
        platform: b.platform,
        reporterEmail: b.reporter_email,
        incidentCategory: b.incident_category,
        suggestedTeam: b.suggested_team_routing,
        labels: b.labels,
        environments: b.environments,
        projectKey: b.project,
        priority: b.priority,
        businessImpact: b.business_impact,
        attachmentUrls: b.attachments,
        issueType: b.issue_type,
      }),
    );
}

/** Parses a request body; every refused field is listed with its name, as FireFighter lists them. */
export function parseTicketRequest(settings: Settings, body: unknown): ParsedTicketRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: [{ code: 'parse_error', detail: 'the body must be a JSON object', attr: null }] };
  }
  const parsed = ticketRequestSchema(settings).safeParse(body);
  if (parsed.success) return { ok: true, request: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => ({
      code: issue.code === 'invalid_type' && issue.input === undefined ? 'required' : 'invalid',
      detail: issue.code === 'invalid_type' && issue.input === undefined ? 'This field is required.' : issue.message,
      attr: issue.path.length > 0 ? issue.path.map(String).join('.') : null,
    })),
  };
}

function isWellFormedEmail(email: string): boolean {
  try {
    emailDomain(email, 'reporter_email');
    return true;
  } catch (error) {
    if (error instanceof PayloadError) return false;
    throw error;
  }
}
