/**
 * Every log line the app writes during the test run (in-process harnesses and spawned app processes), and every
 * secret the tests configured or sent. After the last test, `auditCollectedLogs` fails the run if a secret appears
 * in a line, or if a logger line is not one JSON object. Tests that create secrets (tokens, signatures) add them
 * with `registerSecret`.
 */

export interface LogSource {
  /** Who wrote it: `harness:<label>` or `process:<pid>`. */
  name: string;
  /** Raw output, as written; lines are cut at audit time (a process's chunks do not follow line ends). */
  chunks: string[];
  /** Lines that are not the logger's, which the JSON check leaves alone (see `spawnApp`: `Cannot start:` before a logger exists). */
  plainLinePrefixes?: string[];
}

export interface Leak {
  secretName: string;
  source: string;
  /** The line, with every registered secret masked as `[NAME]`. */
  maskedLine: string;
}

export interface NotJson {
  source: string;
  line: string;
}

const sources: LogSource[] = [];
const secrets = new Map<string, string>();

/** A new place log lines are kept for the audit; write chunks to the returned array. */
export function collectLogs(name: string, options: { plainLinePrefixes?: string[] } = {}): string[] {
  const source: LogSource = { name, chunks: [], ...options };
  sources.push(source);
  return source.chunks;
}

/** A value that must never reach a log line. Short values are ignored: they would match by chance. */
export function registerSecret(name: string, value: string | undefined): void {
  if (value && value.length >= 8 && !secrets.has(value)) secrets.set(value, name);
}

/** Every variable of an app environment whose name says it holds a credential (tokens, secrets, passwords). */
export function registerConfiguredSecrets(env: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(env)) if (/TOKEN|SECRET|PASSWORD/.test(name)) registerSecret(name, value);
}

const HUB_SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
const HEX_64 = /[0-9a-fA-F]{64}/g;

/**
 * Where a registered secret appears. Signatures (`sha256=<hex>`, thousands of them in a run) are matched by their hex
 * digest through a set, so the hex alone counts too; every other secret by a plain search. One leak per secret and
 * source is enough to name it.
 */
export function findLeaks(logSources: LogSource[], secretValues: Map<string, string>): Leak[] {
  const { digests, plain } = splitSecrets(secretValues);
  const mask = (line: string) => maskSecrets(line, secretValues);
  const leaks: Leak[] = [];
  for (const source of logSources) {
    const text = source.chunks.join('');
    const lineAt = (index: number) => text.slice(text.lastIndexOf('\n', index) + 1, text.indexOf('\n', index) < 0 ? undefined : text.indexOf('\n', index));
    for (const [value, name] of plain) {
      const at = text.indexOf(value);
      if (at >= 0) leaks.push({ secretName: name, source: source.name, maskedLine: mask(lineAt(at)) });
    }
    if (!digests.size) continue;
    const seen = new Set<string>();
    for (const match of text.matchAll(HEX_64)) {
      const name = digests.get(match[0].toLowerCase());
      if (!name || seen.has(name)) continue;
      seen.add(name);
      leaks.push({ secretName: name, source: source.name, maskedLine: mask(lineAt(match.index)) });
    }
  }
  return leaks;
}

function splitSecrets(secretValues: Map<string, string>) {
  const digests = new Map<string, string>();
  const plain: Array<[string, string]> = [];
  for (const [value, name] of secretValues) {
    const hub = HUB_SIGNATURE.exec(value);
    if (hub) digests.set(hub[1]!.toLowerCase(), name);
    else plain.push([value, name]);
  }
  return { digests, plain };
}

/** The line with every secret replaced by its name in brackets, so a report never repeats one. */
export function maskSecrets(line: string, secretValues: Map<string, string>): string {
  const { digests, plain } = splitSecrets(secretValues);
  let out = line.replace(HEX_64, (hex) => (digests.has(hex.toLowerCase()) ? `[${digests.get(hex.toLowerCase())}]` : hex));
  for (const [value, name] of plain) out = out.split(value).join(`[${name}]`);
  return out;
}

/** Logger lines that are not exactly one JSON object. */
export function findNonJsonLines(logSources: LogSource[]): NotJson[] {
  const bad: NotJson[] = [];
  for (const source of logSources) {
    const lines = source.chunks.join('').split('\n');
    let plainFromHere = false;
    for (const line of lines) {
      if (line.trim() === '') continue;
      // A start-up failure is told on stderr before the logger exists; everything after it is that message.
      if (plainFromHere || source.plainLinePrefixes?.some((p) => line.startsWith(p))) {
        plainFromHere = true;
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        value = undefined;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) bad.push({ source: source.name, line: line.slice(0, 300) });
    }
  }
  return bad;
}

/** The audit run after the last test: throws with every finding, secrets masked. */
export function auditCollectedLogs(): { lines: number; secrets: number } {
  const leaks = findLeaks(sources, secrets);
  const notJson = findNonJsonLines(sources);
  const problems = [
    ...leaks.map((l) => `secret ${l.secretName} in the logs of ${l.source}: ${l.maskedLine.slice(0, 500)}`),
    ...notJson.slice(0, 20).map((n) => `not one JSON object (${n.source}): ${maskSecrets(n.line, secrets)}`),
  ];
  if (problems.length) throw new Error(`log audit failed:\n${problems.join('\n')}`);
  const lines = sources.reduce((sum, s) => sum + s.chunks.join('').split('\n').filter((l) => l.trim()).length, 0);
  return { lines, secrets: secrets.size };
}
