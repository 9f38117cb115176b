import { readFileSync } from 'node:fs';
import { describeZodIssues } from '../validation.js';
import { ConfigError } from '../errors.js';
import { settingsSchema, type Settings } from './schema.js';

/** Reads and validates the settings file once; every problem is listed with its path. */
export function loadSettings(path: string): Settings {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`settings file ${path} cannot be read: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new ConfigError(`settings file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseSettings(json, path);
}

export function parseSettings(json: unknown, source = 'settings'): Settings {
  const parsed = settingsSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(`settings file ${source} is invalid:\n${describeZodIssues(parsed.error).join('\n')}`);
  }
  return parsed.data;
}
