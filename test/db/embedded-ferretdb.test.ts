import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';
import { startEmbeddedFerretDb } from '../../src/db/embedded-ferretdb.js';
import type { EmbeddedFerretDb } from '../../src/db/embedded-ferretdb.js';

/** Resolves true if something accepts TCP connections on 127.0.0.1:port. */
function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPortClosed(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await portIsOpen(port))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !(await portIsOpen(port));
}

describe('embedded FerretDB', function () {
  this.timeout(60000);

  let tmp: string;
  let server: EmbeddedFerretDb | undefined;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'ferretdb-test-'));
  });

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('serves mongoose CRUD with unique indexes and stops cleanly', async () => {
    const dataDir = path.join(tmp, 'crud');
    server = await startEmbeddedFerretDb({ dataDir });
    assert.match(server.uri, /^mongodb:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.dataDir, dataDir);
    assert.ok(await portIsOpen(server.port));

    const conn = await mongoose.createConnection(`${server.uri}/embedded_ferretdb_test?maxPoolSize=1`).asPromise();
    try {
      const info = await conn.db!.admin().command({ buildInfo: 1 });
      assert.equal(typeof info['ferretdbVersion'], 'string', 'buildInfo.ferretdbVersion identifies FerretDB');

      const schema = new mongoose.Schema({
        key: { type: String, required: true },
        title: { type: String, required: true },
        count: { type: Number, default: 0 },
      });
      schema.index({ key: 1 }, { unique: true });
      const Thing = conn.model('Thing', schema);
      await Thing.init();

      await Thing.create({ key: 'INC-1', title: 'first' });
      await assert.rejects(Thing.create({ key: 'INC-1', title: 'again' }), (err: unknown) => {
        assert.equal((err as { code?: unknown }).code, 11000);
        return true;
      });

      const found = await Thing.findOne({ key: 'INC-1' }).lean();
      assert.ok(found);
      assert.equal(found.title, 'first');
      assert.equal(found.count, 0);
      assert.equal(await Thing.countDocuments(), 1);

      const indexes = await Thing.collection.indexes();
      assert.ok(indexes.some((ix) => ix.unique === true && ix.key['key'] === 1));

      await conn.dropDatabase();
    } finally {
      await conn.close();
    }

    const port = server.port;
    await server.stop();
    server = undefined;
    assert.equal(await portIsOpen(port), false, 'port is closed after stop()');
    assert.ok(Array.isArray(await readdir(dataDir)));
  });

  it('rejects with the server output when the port is already taken', async () => {
    server = await startEmbeddedFerretDb({ dataDir: path.join(tmp, 'first') });
    await assert.rejects(
      startEmbeddedFerretDb({ dataDir: path.join(tmp, 'second'), port: server.port, readyTimeoutMs: 10000 }),
      /exited during start-up[\s\S]*address already in use/,
    );
  });

  it('stops by itself when the process that started it is killed', async () => {
    // A separate Node process starts a server and prints its port; then it is killed with SIGKILL.
    const moduleUrl = new URL('../../src/db/embedded-ferretdb.ts', import.meta.url).href;
    const code = [
      `import { startEmbeddedFerretDb } from ${JSON.stringify(moduleUrl)};`,
      `const s = await startEmbeddedFerretDb({ dataDir: ${JSON.stringify(path.join(tmp, 'orphan'))} });`,
      `console.log('PORT=' + s.port);`,
      `setInterval(() => {}, 1000);`,
    ].join('\n');
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    parent.stdout.on('data', (c: Buffer) => (out += c.toString()));
    parent.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<void>((resolve) => parent.once('exit', () => resolve()));

    const port = await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /PORT=(\d+)/.exec(out);
        if (m?.[1]) {
          clearInterval(timer);
          resolve(Number(m[1]));
        }
      }, 50);
      void exited.then(() => {
        clearInterval(timer);
        reject(new Error(`helper process exited early:\n${out}\n${err}`));
      });
    });

    assert.ok(await portIsOpen(port));
    parent.kill('SIGKILL');
    await exited;
    assert.ok(await waitForPortClosed(port, 10000), 'server stopped after its parent was killed');
  });
});
