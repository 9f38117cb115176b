#!/usr/bin/env node
// Builds the embedded FerretDB launcher (tools/ferretdb) once per machine and caches it at
// .cache/ferretdb/ferretdb-<version>-<platform>-<arch>. Run as `node scripts/ensure-ferretdb.mjs`.
//
//   --if-needed   do nothing when MONGODB_URI is set (a real MongoDB is used instead)
//
// The binary is rebuilt when tools/ferretdb/{go.mod,go.sum,*.go} change (a stamp file beside it
// records their hash). Concurrent runs are serialised with a lock directory; only one builds.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FERRETDB_VERSION = '1.24.2';
const STALE_LOCK_MS = 30 * 60 * 1000;
const WAIT_LOG_EVERY_MS = 30 * 1000;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = path.join(repoRoot, 'tools', 'ferretdb');
const cacheDir = path.join(repoRoot, '.cache', 'ferretdb');
const binPath = path.join(cacheDir, `ferretdb-${FERRETDB_VERSION}-${process.platform}-${process.arch}`);
const stampPath = `${binPath}.stamp`;
const lockDir = path.join(cacheDir, '.build.lock');

function log(msg) {
  process.stderr.write(`[ensure-ferretdb] ${msg}\n`);
}

/** An error whose message is shown as is (no stack). */
class UserError extends Error {}

function fail(msg) {
  throw new UserError(msg);
}

function sourceHash() {
  const h = createHash('sha256');
  const goFiles = fs.readdirSync(srcDir).filter((f) => f.endsWith('.go')).sort();
  for (const f of ['go.mod', 'go.sum', ...goFiles]) {
    h.update(f);
    h.update('\0');
    h.update(fs.readFileSync(path.join(srcDir, f)));
    h.update('\0');
  }
  return h.digest('hex');
}

function isUpToDate(hash) {
  try {
    fs.accessSync(binPath, fs.constants.X_OK);
    return fs.readFileSync(stampPath, 'utf8').trim() === hash;
  } catch {
    return false;
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** True if the lock is held by a process that is gone (same host) or is very old. */
function lockIsStale() {
  let st;
  try {
    st = fs.statSync(lockDir);
  } catch {
    return false; // vanished: not stale, just retry
  }
  try {
    const owner = JSON.parse(fs.readFileSync(path.join(lockDir, 'owner.json'), 'utf8'));
    if (owner.host === os.hostname() && typeof owner.pid === 'number') return !pidAlive(owner.pid);
  } catch {
    // owner file not written yet (or unreadable): fall back to age, with a short grace period
    return Date.now() - st.mtimeMs > 60 * 1000;
  }
  return Date.now() - st.mtimeMs > STALE_LOCK_MS;
}

function tryLock() {
  try {
    fs.mkdirSync(lockDir);
  } catch (e) {
    if (e.code === 'EEXIST') return false;
    throw e;
  }
  fs.writeFileSync(path.join(lockDir, 'owner.json'), JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }));
  return true;
}

function unlock() {
  fs.rmSync(lockDir, { recursive: true, force: true });
}

function checkGo() {
  const r = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (r.error && r.error.code === 'ENOENT') {
    fail(
      'the `go` command was not found. Go >= 1.24 is needed once to build the local FerretDB server ' +
        '(https://go.dev/dl/). Alternatively set MONGODB_URI to use an existing MongoDB.',
    );
  }
  if (r.error || r.status !== 0) fail(`\`go version\` failed: ${r.error?.message ?? r.stderr}`);
  const m = /go(\d+)\.(\d+)/.exec(r.stdout);
  if (m && (Number(m[1]) < 1 || (Number(m[1]) === 1 && Number(m[2]) < 24))) {
    log(`${r.stdout.trim()} found; tools/ferretdb needs Go >= 1.24 (Go may download a newer toolchain itself).`);
  }
}

async function build(hash) {
  checkGo();
  const tmp = `${binPath}.tmp-${process.pid}`;
  log(`building FerretDB launcher (first run only, takes a few minutes)… -> ${path.relative(repoRoot, binPath)}`);
  const started = Date.now();
  const child = spawn('go', ['build', '-buildvcs=false', '-o', tmp, '.'], {
    cwd: srcDir,
    env: { ...process.env, CGO_ENABLED: '0', GOWORK: 'off' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const onSignal = (sig) => {
    child.kill(sig);
    fs.rmSync(tmp, { force: true });
    unlock();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const code = await new Promise((resolve) => {
    child.on('error', (e) => {
      log(`cannot run go: ${e.message}`);
      resolve(-1);
    });
    child.on('exit', (c, s) => resolve(c ?? s));
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (code !== 0) {
    fs.rmSync(tmp, { force: true });
    return `go build failed (${code}) in ${path.relative(repoRoot, srcDir)}`;
  }
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, binPath);
  fs.writeFileSync(stampPath, `${hash}\n`);
  const size = (fs.statSync(binPath).size / 1024 / 1024).toFixed(1);
  log(`built ${path.relative(repoRoot, binPath)} (${size} MB) in ${Math.round((Date.now() - started) / 1000)} s`);
  return null;
}

async function main() {
  if (process.argv.includes('--if-needed') && process.env.MONGODB_URI) return;

  const hash = sourceHash();
  if (isUpToDate(hash)) return;

  fs.mkdirSync(cacheDir, { recursive: true });
  let lastWaitLog = 0;
  for (;;) {
    if (tryLock()) {
      let err;
      try {
        // Another run may have finished the build while we were waiting for the lock.
        err = isUpToDate(hash) ? null : await build(hash);
      } finally {
        unlock();
      }
      if (err) fail(err);
      return;
    }
    if (isUpToDate(hash)) return;
    if (lockIsStale()) {
      log('removing stale build lock');
      unlock();
      continue;
    }
    if (Date.now() - lastWaitLog > WAIT_LOG_EVERY_MS) {
      log('another process is building the FerretDB launcher; waiting…');
      lastWaitLog = Date.now();
    }
    await sleep(500);
  }
}

main().catch((e) => {
  log(`error: ${e instanceof UserError ? e.message : (e?.stack ?? String(e))}`);
  process.exitCode = 1;
});
