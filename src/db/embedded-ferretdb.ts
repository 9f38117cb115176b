// Starts and stops the local FerretDB (SQLite backend) server built by scripts/ensure-ferretdb.mjs.
// See ferretdb-notes.md §1 and §8.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';

const FERRETDB_VERSION = '1.24.2';
const STDERR_TAIL_CHARS = 8 * 1024;
const STOP_TIMEOUT_MS = 5000;

export interface EmbeddedFerretDb {
  /** `mongodb://127.0.0.1:<port>`, without a database name. */
  uri: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export interface StartEmbeddedFerretDbOptions {
  /** Directory for the SQLite files; created if missing. */
  dataDir: string;
  /** 0 or undefined: pick a free port on 127.0.0.1. */
  port?: number;
  /** debug | info | warn | error (default warn). */
  logLevel?: string;
  /** How long to wait for the server to answer `ping` (default 20000 ms). */
  readyTimeoutMs?: number;
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Path of the cached launcher binary (same naming as scripts/ensure-ferretdb.mjs). */
export function ferretDbBinaryPath(): string {
  return path.join(repoRoot, '.cache', 'ferretdb', `ferretdb-${FERRETDB_VERSION}-${process.platform}-${process.arch}`);
}

/** A port on 127.0.0.1 that was free a moment ago (the embedded FerretDB's, and the test app processes'). */
export async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = addr !== null && typeof addr === 'object' ? addr.port : 0;
      srv.close((err) => (err ? reject(err) : port ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Lets the parent exit even if the server is still running: the launcher then sees EOF on stdin and stops. */
function unrefHandle(stream: unknown): void {
  const s = stream as { unref?: () => void } | null;
  s?.unref?.();
}

type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

class EarlyExitError extends Error {
  constructor(
    message: string,
    readonly stderrTail: string,
  ) {
    super(message);
  }
}

async function startOnce(
  binary: string,
  dataDir: string,
  port: number,
  logLevel: string,
  readyTimeoutMs: number,
): Promise<EmbeddedFerretDb> {
  const child: ChildProcess = spawn(
    binary,
    ['-listen-addr', `127.0.0.1:${port}`, '-data-dir', dataDir, '-log-level', logLevel, '-exit-on-stdin-eof'],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, DO_NOT_TRACK: '1' } },
  );

  let tail = '';
  const capture = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  };
  // The launcher prints this line once it has bound the port. Waiting for it (not only for a
  // successful ping) makes sure we are not talking to some other server already on that port.
  let listening = false;
  let stdoutHead = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    if (!listening) {
      stdoutHead = (stdoutHead + chunk.toString('utf8')).slice(-1024);
      listening = stdoutHead.includes('ferretdb listening on');
    }
    capture(chunk);
  });
  child.stderr?.on('data', capture);
  // Keep stdin open (never end it) so the launcher lives exactly as long as we do.
  child.stdin?.on('error', () => {});

  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
    child.once('error', (err) => {
      capture(Buffer.from(`\n${err.message}\n`));
      exitInfo = { code: null, signal: null };
      resolve(exitInfo);
    });
  });

  child.unref();
  unrefHandle(child.stdin);
  unrefHandle(child.stdout);
  unrefHandle(child.stderr);

  const describeExit = (info: ExitInfo): string =>
    `FerretDB exited during start-up (${info.signal ? `signal ${info.signal}` : `code ${String(info.code)}`})` +
    (tail.trim() ? `:\n${tail.trim()}` : '');

  const uri = `mongodb://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  let lastError: unknown;
  for (;;) {
    if (exitInfo) throw new EarlyExitError(describeExit(exitInfo), tail);
    if (!listening) {
      if (Date.now() >= deadline) {
        child.kill('SIGKILL');
        throw new Error(
          `FerretDB did not start listening on ${uri} within ${readyTimeoutMs} ms` + (tail.trim() ? `:\n${tail.trim()}` : ''),
        );
      }
      await Promise.race([sleep(50), exited]);
      continue;
    }
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      const ping = client.db('admin').command({ ping: 1 });
      ping.catch(() => {});
      const res = await Promise.race([ping, exited]);
      if (res && typeof res === 'object' && 'ok' in res && res.ok === 1) break;
    } catch (err) {
      lastError = err;
    } finally {
      await client.close().catch(() => {});
    }
    if (exitInfo) throw new EarlyExitError(describeExit(exitInfo), tail);
    if (Date.now() >= deadline) {
      child.kill('SIGKILL');
      const why = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(
        `FerretDB did not become ready on ${uri} within ${readyTimeoutMs} ms (${why})` +
          (tail.trim() ? `:\n${tail.trim()}` : ''),
      );
    }
    await sleep(100);
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exitInfo) return;
      child.kill('SIGTERM');
      // A referenced timer keeps the event loop alive until the server has exited.
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
      });
      const res = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (res === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
      child.stdin?.destroy();
    })();
    return stopping;
  };

  return { uri, port, dataDir, stop };
}

/**
 * Starts the cached FerretDB launcher on 127.0.0.1 with the SQLite backend in `dataDir`
 * and resolves once it answers `ping`. The server also stops by itself when this process dies.
 */
export async function startEmbeddedFerretDb(options: StartEmbeddedFerretDbOptions): Promise<EmbeddedFerretDb> {
  const binary = ferretDbBinaryPath();
  try {
    await access(binary, fsConstants.X_OK);
  } catch {
    throw new Error(`FerretDB launcher not found at ${binary}; run \`node scripts/ensure-ferretdb.mjs\` to build it.`);
  }

  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const logLevel = options.logLevel ?? 'warn';
  const readyTimeoutMs = options.readyTimeoutMs ?? 20000;

  if (options.port) return startOnce(binary, dataDir, options.port, logLevel, readyTimeoutMs);

  // A port picked as free can be taken by someone else before the server binds it: retry a few times.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await startOnce(binary, dataDir, port, logLevel, readyTimeoutMs);
    } catch (err) {
      if (attempt < 3 && err instanceof EarlyExitError && /address already in use/i.test(err.stderrTail)) continue;
      throw err;
    }
  }
}
