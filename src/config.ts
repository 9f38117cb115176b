import { z } from 'zod';
import { ConfigError } from './errors.js';
import { describeZodIssues } from './validation.js';

/** The only reader of process.env. Parsed once at start; every problem is listed. */
const envSchema = z.object({
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, 'must be a bot token (xoxb-…)'),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'must be an app-level token (xapp-…)'),
  SLACK_API_URL: z.url().default('https://slack.com/api/'),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI').optional(),
  FERRETDB_DATA_DIR: z.string().min(1).default('./data'),
  /** Where declarations accepted while the database is away wait for it; one folder per instance, on a lasting disk. */
  SUBMISSION_SPOOL_DIR: z.string().min(1).default('./data/spool'),
  JIRA_URL: z.url(),
  JIRA_EMAIL: z.email(),
  JIRA_API_TOKEN: z.string().min(1),
  JIRA_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  INCIDENT_SETTINGS: z.string().min(1).default('config/settings.json'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
  /** Tuning knobs for the durable side-effect steps; the defaults suit production. */
  STEP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  STEP_BACKOFF_MS: z.coerce.number().int().min(10).default(2000),
  JOB_POLL_MS: z.coerce.number().int().min(20).default(1000),
  /** How long a job run may go silent before another worker (or a restart) takes it over. */
  JOB_LOCK_MS: z.coerce.number().int().min(500).default(60000),
  /** How often open incidents are scanned for due update reminders. */
  REMINDER_SCAN_MS: z.coerce.number().int().min(100).default(60000),
  JIRA_TIMEOUT_MS: z.coerce.number().int().min(100).default(10000),
  /** After a call that got no answer, wait at least this long before retrying, so the retry can find what it did. */
  STEP_UNCERTAIN_RETRY_MS: z.coerce.number().int().min(0).default(30000),
});

export type AppConfig = {
  slack: { botToken: string; appToken: string; apiUrl: string };
  mongodbUri: string | undefined;
  ferretDbDataDir: string;
  spoolDir: string;
  jira: { url: string; email: string; apiToken: string; webhookSecret: string | undefined; timeoutMs: number };
  httpPort: number;
  settingsPath: string;
  logLevel: string;
  steps: { maxAttempts: number; backoffMs: number; pollMs: number; lockMs: number; uncertainRetryMs: number };
  reminderScanMs: number;
};

export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  // Empty strings in .env mean "not set".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(`environment is invalid:\n${describeZodIssues(parsed.error).join('\n')}`);
  }
  const e = parsed.data;
  return {
    slack: { botToken: e.SLACK_BOT_TOKEN, appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/` },
    mongodbUri: e.MONGODB_URI,
    ferretDbDataDir: e.FERRETDB_DATA_DIR,
    spoolDir: e.SUBMISSION_SPOOL_DIR,
    jira: { url: e.JIRA_URL.replace(/\/+$/, ''), email: e.JIRA_EMAIL, apiToken: e.JIRA_API_TOKEN, webhookSecret: e.JIRA_WEBHOOK_SECRET, timeoutMs: e.JIRA_TIMEOUT_MS },
    httpPort: e.HTTP_PORT,
    settingsPath: e.INCIDENT_SETTINGS,
    logLevel: e.LOG_LEVEL,
    steps: { maxAttempts: e.STEP_MAX_ATTEMPTS, backoffMs: e.STEP_BACKOFF_MS, pollMs: e.JOB_POLL_MS, lockMs: e.JOB_LOCK_MS, uncertainRetryMs: e.STEP_UNCERTAIN_RETRY_MS },
    reminderScanMs: e.REMINDER_SCAN_MS,
  };
}

/** What the token CLI needs: only the database (it runs beside the app, without Slack or Jira credentials). */
export function parseDatabaseConfig(env: Record<string, string | undefined>): Pick<AppConfig, 'mongodbUri' | 'ferretDbDataDir'> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.pick({ MONGODB_URI: true, FERRETDB_DATA_DIR: true }).safeParse(cleaned);
  if (!parsed.success) throw new ConfigError(`environment is invalid:\n${describeZodIssues(parsed.error).join('\n')}`);
  return { mongodbUri: parsed.data.MONGODB_URI, ferretDbDataDir: parsed.data.FERRETDB_DATA_DIR };
}

/** Values that must never reach a log line. */
export function secretsOf(config: AppConfig): string[] {
  return [config.slack.botToken, config.slack.appToken, config.jira.apiToken, config.jira.webhookSecret].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
}
