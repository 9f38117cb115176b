import winston from 'winston';

export type Logger = winston.Logger;

/**
 * One JSON line per event. Known secrets are masked in every field, and so is anything that looks like a Slack token,
 * so a token pasted into an error message by a library still does not reach the log.
 */
export function createLogger(options: { level: string; secrets: string[]; silent?: boolean; stream?: NodeJS.WritableStream }): Logger {
  const secrets = options.secrets.filter((s) => s.length >= 6);
  const mask = winston.format((info) => redact(info, secrets) as winston.Logform.TransformableInfo);
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console({ stderrLevels: ['error', 'warn'] });
  return winston.createLogger({
    level: options.level,
    silent: options.silent ?? false,
    format: winston.format.combine(winston.format.errors({ stack: true }), mask(), winston.format.timestamp(), winston.format.json()),
    transports: [transport],
  });
}

const TOKEN_PATTERN = /\bx(?:ox[abprs]|app)-[A-Za-z0-9-]+/g;

export function redactText(text: string, secrets: string[]): string {
  let out = text.replace(TOKEN_PATTERN, '[redacted]');
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out;
}

function redact(value: unknown, secrets: string[], depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets, depth + 1));
  if (value instanceof Error) {
    const e = value as Error & { code?: unknown };
    return { name: e.name, message: redactText(e.message, secrets), code: e.code, stack: e.stack && redactText(e.stack, secrets) };
  }
  // The top level is winston's own info object (with symbol keys): change it in place. Below, copy, never touch the caller's objects.
  const source = value as Record<string | symbol, unknown>;
  const target: Record<string | symbol, unknown> = depth === 0 ? source : {};
  for (const key of Reflect.ownKeys(source)) {
    const lower = typeof key === 'string' ? key.toLowerCase() : '';
    target[key] = SECRET_KEYS.has(lower) ? '[redacted]' : redact(source[key], secrets, depth + 1);
  }
  return target;
}

const SECRET_KEYS = new Set(['authorization', 'x-hub-signature', 'token', 'apitoken', 'password', 'secret']);
