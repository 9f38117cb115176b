import { z } from 'zod';

/**
 * The tenant's incident vocabulary. Everything a company would change lives here, never in code:
 * priorities, impacts, categories, environments, platforms, roles, Jira ids and alert routing.
 */

const nonEmpty = z.string().trim().min(1);
const slackChannelRef = z
  .string()
  .regex(/^(#[a-z0-9_-]{1,80}|[CG][A-Z0-9]{2,})$/, 'must be a channel id (C…/G…) or a #channel-name');

export const prioritySchema = z.object({
  value: z.number().int().min(1).max(5),
  name: nonEmpty.max(10),
  emoji: nonEmpty,
  description: nonEmpty.max(150),
  /** P1–P3 get a Slack channel; P4–P5 live in Jira and get DM + alert posts. */
  responseType: z.enum(['critical', 'normal']),
  needsPostmortem: z.boolean(),
  jiraPriorityId: nonEmpty,
  updateCadenceMinutes: z.number().int().positive(),
});

export const impactLevelSchema = z.object({
  value: nonEmpty.max(20),
  name: nonEmpty.max(40),
  /** Priority this level implies; null means "no impact". */
  priority: z.number().int().min(1).max(5).nullable(),
  description: z.string().max(150).default(''),
});

export const impactTypeSchema = z.object({
  value: z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, 'must be a lowercase slug'),
  name: nonEmpty.max(40),
  emoji: nonEmpty,
  help: z.string().max(150).default(''),
  /** Which conditional fields the declare form shows when this impact is set. */
  reveals: z.enum(['customer', 'seller']).optional(),
  /** The level name of this type is the Jira "business impact" value. */
  isBusinessImpact: z.boolean().default(false),
  levels: z.array(impactLevelSchema).min(2).max(10),
});

export const categorySchema = z.object({
  value: z.string().regex(/^[a-z0-9][a-z0-9-]{0,60}$/, 'must be a lowercase slug'),
  name: nonEmpty.max(75),
  private: z.boolean().default(false),
});

export const categoryGroupSchema = z.object({
  name: nonEmpty.max(75),
  categories: z.array(categorySchema).min(1).max(100),
});

export const environmentSchema = z.object({
  value: z.string().regex(/^[A-Z][A-Z0-9_]{0,15}$/, 'must be an upper-case code like PRD'),
  name: nonEmpty.max(40),
  default: z.boolean().default(false),
});

export const platformSchema = z.object({
  value: nonEmpty.max(40),
  name: nonEmpty.max(40),
  default: z.boolean().default(false),
});

export const featureTeamSchema = z.object({
  name: nonEmpty.max(75),
  jiraProjectKey: z.string().regex(/^[A-Z][A-Z0-9_]{1,9}$/, 'must be a Jira project key'),
});

export const roleTypeSchema = z.object({
  value: z.string().regex(/^[a-z][a-z0-9_]{0,30}$/),
  name: nonEmpty.max(40),
  emoji: nonEmpty,
  required: z.boolean(),
  summary: nonEmpty.max(300),
});

const customFieldId = z.string().regex(/^customfield_\d+$/, 'must look like customfield_12345');

export const jiraSettingsSchema = z.object({
  projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{1,9}$/),
  issueType: nonEmpty,
  /** Reporter used when the declarer has no Jira account. Omit to let Jira use the API user. */
  defaultReporterAccountId: z.string().min(1).optional(),
  /** Label prefix that marks a ticket as belonging to an incident; also the natural key for idempotent creation. */
  incidentLabelPrefix: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  fields: z.object({
    priority: customFieldId.optional(),
    environments: customFieldId.optional(),
    platform: customFieldId.optional(),
    businessImpact: customFieldId.optional(),
    category: customFieldId.optional(),
    zendeskTicketId: customFieldId.optional(),
    zohoDeskTicketId: customFieldId.optional(),
    sellerContractId: customFieldId.optional(),
    suggestedTeam: customFieldId.optional(),
  }),
  /**
   * Jira statuses per incident status. `closed` is where a ticket goes when it closes: P1/P2 (need a post-mortem)
   * only at CLOSED, P3–P5 at MITIGATED or CLOSED; POST_MORTEM never closes it.
   */
  statuses: z
    .object({
      toJira: z.object({ OPEN: nonEmpty, INVESTIGATING: nonEmpty, MITIGATING: nonEmpty, MITIGATED: nonEmpty, POST_MORTEM: nonEmpty }),
      closed: nonEmpty,
      /** Jira status name (compared case-insensitively) -> incident status, for webhooks. */
      fromJira: z.record(nonEmpty, z.enum(['OPEN', 'INVESTIGATING', 'MITIGATING', 'MITIGATED', 'POST_MORTEM', 'CLOSED'])),
    })
    .default({
      toJira: { OPEN: 'Incoming', INVESTIGATING: 'Pending resolution', MITIGATING: 'in progress', MITIGATED: 'Reporter validation', POST_MORTEM: 'Reporter validation' },
      closed: 'Closed',
      fromJira: { Incoming: 'OPEN', 'Pending resolution': 'INVESTIGATING', 'in progress': 'MITIGATING', 'Reporter validation': 'MITIGATED', Closed: 'CLOSED' },
    }),
  /** Where the post-mortem of a P1/P2 is created when it reaches MITIGATED. */
  postmortem: z.object({ projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{1,9}$/), issueType: nonEmpty }).default({ projectKey: 'INCIDENT', issueType: 'Post-mortem' }),
  /** Labels added when the seller flags are set. */
  keyAccountLabel: z.string().regex(/^\S+$/).default('keyAccount'),
  goldenListLabel: z.string().regex(/^\S+$/).default('goldenList'),
  /** How long a Jira webhook delivery is kept once applied or ignored (its id is what makes a redelivery a no-op). */
  deliveryRetentionDays: z.number().int().min(1).max(365).default(30),
});

const hostName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?)$/, 'must be a host name like files.example.com');

/** Limits on the files an external ticket request asks us to download and attach. */
export const attachmentsSettingsSchema = z.object({
  /** URLs beyond this many are refused with a reason; 0 turns attachments off. */
  maxFiles: z.number().int().min(0).max(10).default(5),
  maxBytesPerFile: z
    .number()
    .int()
    .min(1)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /** One deadline per file for everything: name lookup, connection, redirects, headers and body. */
  timeoutMs: z.number().int().min(100).max(120_000).default(20_000),
  maxRedirects: z.number().int().min(0).max(10).default(3),
  /** Hosts that may be fetched over plain http; every other host needs https. */
  allowHttpHosts: z.array(hostName).default([]),
  /** Hosts the operator trusts to resolve to private, loopback or link-local addresses (an internal file store). */
  allowPrivateAddressHosts: z.array(hostName).default([]),
});

export const alertRouteSchema = z.object({
  priorities: z.array(z.number().int().min(1).max(5)).optional(),
  businessImpacts: z.array(nonEmpty).optional(),
  projectKeys: z.array(nonEmpty).optional(),
  channels: z.array(slackChannelRef).min(1),
});

/** The external ticket API (FireFighter's Landbot endpoint): what a request may say and how it becomes a Jira ticket. */
export const landbotSettingsSchema = z.object({
  /** Project of tickets whose request names none; omit to use `jira.projectKey`. */
  projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{1,9}$/).optional(),
  /** Jira issue type per kind of request (the request's `issue_type` is FireFighter's vocabulary). */
  issueTypes: z
    .object({ incident: nonEmpty, serviceRequest: nonEmpty, documentationRequest: nonEmpty, featureRequest: nonEmpty })
    .default({ incident: 'Incident', serviceRequest: 'Service Request', documentationRequest: 'Documentation/Process Request', featureRequest: 'Feature Request' }),
  /** Labels added to documentation/process and feature requests. */
  kindLabels: z
    .object({ documentationRequest: z.string().regex(/^\S+$/), featureRequest: z.string().regex(/^\S+$/) })
    .default({ documentationRequest: 'documentation-request', featureRequest: 'feature-request' }),
  /** Label prefix that marks a ticket as made from one request: the natural key that keeps a retry from making a second. */
  requestLabelPrefix: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).default('landbot-'),
  /** Priority (1–5) of a request that gives none. */
  defaultPriority: z.number().int().min(1).max(5).default(4),
  /** Environment codes a request may name (besides the settings' environments); FireFighter's list by default. */
  extraEnvironments: z.array(z.string().regex(/^[A-Z0-9_-]{1,16}$/)).default(['SUPPORT', '-']),
  /** Reporter email domains (subdomains removed, lower-case) of the company: other domains are "outside". */
  internalEmailDomains: z.array(z.string().regex(/^[a-z0-9.-]+$/)).default([]),
  /** Jira account used as reporter for an outside domain whose reporter has no Jira account. */
  reporterByEmailDomain: z.record(z.string().regex(/^[a-z0-9.-]+$/), z.string().min(1)).default({}),
  /** First line of the origin note at the end of each ticket's description, and an optional link to the bot. */
  originNote: nonEmpty.max(200).default('🤖 This ticket was created through the ticket bot.'),
  originUrl: z.url().optional(),
  /** Seller back-office link put in the description of seller tickets: `{sellerId}` is replaced. */
  sellerLinkTemplate: z.string().regex(/\{sellerId\}/, 'must contain {sellerId}').optional(),
  /** A request repeated with the same token and body within this window is the same request (one ticket). */
  duplicateWindowMinutes: z.number().int().min(1).max(24 * 60).default(10),
});

export const settingsSchema = z
  .object({
    appName: nonEmpty.max(35),
    priorities: z.array(prioritySchema).min(1).max(5),
    impactTypes: z.array(impactTypeSchema).min(1).max(8),
    categoryGroups: z.array(categoryGroupSchema).min(1).max(100),
    environments: z.array(environmentSchema).min(1).max(20),
    platforms: z.array(platformSchema).min(1).max(50),
    featureTeams: z.array(featureTeamSchema).max(100),
    roleTypes: z.array(roleTypeSchema).min(1).max(10),
    channels: z.object({
      namePrefix: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,14}$/, 'lowercase letters, digits, - and _, at most 15'),
      /** Where P1–P3 production incidents are announced (declared, mitigated, escalated); omit to announce nowhere. */
      incidents: slackChannelRef.optional(),
      /** Posted in the incident channel of a P1 in this environment. */
      commsProcess: z.object({
        environments: z.array(nonEmpty),
        priorities: z.array(z.number().int().min(1).max(5)),
        text: nonEmpty.max(2500),
      }),
    }),
    jira: jiraSettingsSchema,
    alerts: z.object({
      routes: z.array(alertRouteSchema),
      /** Reporter email domain (subdomains removed, lower-case) -> channels. */
      byEmailDomain: z.record(z.string().regex(/^[a-z0-9.-]+$/), z.array(slackChannelRef)),
    }),
    admins: z.array(z.string().regex(/^[UW][A-Z0-9]{2,}$/)).default([]),
    declare: z.object({
      titleMin: z.number().int().min(1).default(10),
      titleMax: z.number().int().max(150).default(128),
      descriptionMin: z.number().int().min(1).default(10),
      descriptionMax: z.number().int().max(3000).default(1200),
    }),
    /** Optional, so settings files written before reminders existed still load. */
    reminders: z
      .object({
        /** Days after MITIGATED when an incident that needs a post-mortem gets its reminder in the channel. */
        postmortemAfterDays: z.number().int().min(1).max(90).default(5),
        /** The snooze buttons of an update reminder, in minutes. */
        snoozeMinutes: z
          .array(z.number().int().min(1).max(1440))
          .min(1)
          .max(4)
          .refine((m) => new Set(m).size === m.length, 'snooze lengths must differ (each is a button)')
          .default([15, 60]),
      })
      .default({ postmortemAfterDays: 5, snoozeMinutes: [15, 60] }),
    /** Optional, so settings files written before the external ticket API still load. */
    attachments: attachmentsSettingsSchema.prefault({}),
    /** Optional, so settings files written before the ticket API existed still load. */
    landbot: landbotSettingsSchema.default(() => landbotSettingsSchema.parse({})),
  })
  .superRefine((s, ctx) => {
    const values = s.priorities.map((p) => p.value);
    if (new Set(values).size !== values.length) {
      ctx.addIssue({ code: 'custom', path: ['priorities'], message: 'priority values must be unique' });
    }
    const referenced = s.impactTypes.flatMap((t) => t.levels.map((l) => l.priority)).filter((p) => p !== null);
    referenced.forEach((p) => {
      if (!values.includes(p)) ctx.addIssue({ code: 'custom', path: ['impactTypes'], message: `a level points at priority ${p}, which is not defined` });
    });
    s.impactTypes.forEach((t, i) => {
      if (!t.levels.some((l) => l.priority === null)) {
        ctx.addIssue({ code: 'custom', path: ['impactTypes', i, 'levels'], message: 'needs one level with priority null (no impact)' });
      }
    });
    if (s.impactTypes.filter((t) => t.isBusinessImpact).length > 1) {
      ctx.addIssue({ code: 'custom', path: ['impactTypes'], message: 'at most one impact type can be the business impact' });
    }
    const cats = s.categoryGroups.flatMap((g) => g.categories.map((c) => c.value));
    if (new Set(cats).size !== cats.length) {
      ctx.addIssue({ code: 'custom', path: ['categoryGroups'], message: 'category values must be unique' });
    }
    // One select holds them all: beyond 100 choices it is unusable, and the form would outgrow Slack's view size.
    if (cats.length > 100) ctx.addIssue({ code: 'custom', path: ['categoryGroups'], message: `at most 100 categories in all (there are ${cats.length})` });
    if (!s.roleTypes.some((r) => r.value === 'commander')) {
      ctx.addIssue({ code: 'custom', path: ['roleTypes'], message: 'a "commander" role type is required' });
    }
    if (s.declare.titleMin > s.declare.titleMax) {
      ctx.addIssue({ code: 'custom', path: ['declare', 'titleMin'], message: 'must not exceed titleMax' });
    }
  });

export type Settings = z.infer<typeof settingsSchema>;
export type PrioritySetting = z.infer<typeof prioritySchema>;
export type ImpactType = z.infer<typeof impactTypeSchema>;
export type ImpactLevel = z.infer<typeof impactLevelSchema>;
export type Category = z.infer<typeof categorySchema>;
export type AlertRoute = z.infer<typeof alertRouteSchema>;
export type AttachmentPolicy = z.infer<typeof attachmentsSettingsSchema>;
export type LandbotSettings = z.infer<typeof landbotSettingsSchema>;
