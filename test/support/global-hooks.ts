import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { auditCollectedLogs } from './log-audit.js';
import { startEmbeddedFerretDb, type EmbeddedFerretDb } from '../../src/db/embedded-ferretdb.js';

/**
 * One FerretDB for the whole test run, on a free port and a temporary folder. Each test file uses its own database.
 * Set TEST_MONGODB_URI (without a database name) to run the suite against a real MongoDB instead.
 */
let server: EmbeddedFerretDb | null = null;
let dataDir: string | null = null;

export async function mochaGlobalSetup(): Promise<void> {
  if (process.env.TEST_MONGODB_URI) return;
  dataDir = await mkdtemp(path.join(tmpdir(), 'incident-app-test-'));
  server = await startEmbeddedFerretDb({ dataDir });
  process.env.TEST_MONGODB_URI = server.uri;
}

export async function mochaGlobalTeardown(): Promise<void> {
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}

/**
 * Root hooks: after the last test of the run, every log line the app wrote (test/support/log-audit.ts) is checked
 * for configured secrets and sent signatures, and for lines that are not one JSON object. A finding fails the run.
 */
export const mochaHooks = {
  afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    const { lines, secrets } = auditCollectedLogs();
    if (process.env.TEST_LOGS) process.stderr.write(`log audit: ${lines} lines checked against ${secrets} secrets\n`);
  },
};
