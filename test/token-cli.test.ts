import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { connectTo } from '../src/db/connect-database.js';
import { createTokenVerifier } from '../src/services/tokens/api-tokens.js';
import { testDatabaseUri } from './support/database.js';
import { silentLogger } from './support/fakes.js';

const run = promisify(execFile);

describe('npm run token (the token CLI, run as a process)', () => {
  let uri = '';
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/token-cli.ts', ...args], { env: { ...process.env, MONGODB_URI: uri }, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  before(async () => {
    uri = testDatabaseUri('token-cli');
    await connectTo(uri);
  });
  after(async () => {
    await mongoose.connection.dropDatabase();
    await mongoose.disconnect();
  });

  it('create prints a token once, which the app accepts; list shows it; revoke stops it at once', async () => {
    const created = await cli('create', 'landbot-prod');
    assert.equal(created.code, 0, created.stderr);
    const token = created.stdout.trim().split('\n').at(-1)!;
    assert.match(token, /^inc_/);
    const verifier = createTokenVerifier({ logger: silentLogger() });
    assert.deepEqual(await verifier.verify(`Bearer ${token}`), { name: 'landbot-prod' });

    const listed = await cli('list');
    assert.equal(listed.code, 0);
    assert.match(listed.stdout, /^landbot-prod\tcreated \d{4}-\d\d-\d\dT[\d:.]+Z\tlast used \d{4}-/m);
    assert.ok(!listed.stdout.includes(token), 'list never shows a token');

    const again = await cli('create', 'landbot-prod');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);

    const revoked = await cli('revoke', 'landbot-prod');
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(await verifier.verify(`Bearer ${token}`), null);
    assert.match((await cli('list')).stdout, /No tokens/);
    assert.equal((await cli('revoke', 'landbot-prod')).code, 1);
  });

  it('wrong use prints the usage and exits 2', async () => {
    for (const args of [[], ['create'], ['remove', 'x'], ['list', 'x']]) {
      const result = await cli(...args);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, /usage: npm run token -- create <name> \| list \| revoke <name>/);
    }
  });
});
