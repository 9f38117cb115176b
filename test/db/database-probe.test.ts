import assert from 'node:assert/strict';
import { createDatabaseProbe } from '../../src/db/database-probe.js';

describe('the database probe', () => {
  it('is reachable when the ping answers, and shares one ping between concurrent callers', async () => {
    let pings = 0;
    const probe = createDatabaseProbe({ ping: async () => void pings++ });
    assert.deepEqual(await Promise.all([probe.reachable(), probe.reachable()]), [true, true]);
    assert.equal(pings, 1);
  });

  it('is unreachable when the ping fails or does not answer within its deadline', async () => {
    const failing = createDatabaseProbe({ ping: () => Promise.reject(new Error('connection refused')) });
    assert.equal(await failing.reachable(), false);
    const started = Date.now();
    const hanging = createDatabaseProbe({ ping: () => new Promise(() => undefined), timeoutMs: 50 });
    assert.equal(await hanging.reachable(), false);
    assert.ok(Date.now() - started < 1000, 'answers by its deadline');
  });

  it('remembers an answer for its cache time, then asks again', async () => {
    let clock = 0;
    let up = true;
    let pings = 0;
    const probe = createDatabaseProbe({
      ping: async () => {
        pings++;
        if (!up) throw new Error('down');
      },
      cacheMs: 1000,
      now: () => clock,
    });
    assert.equal(await probe.reachable(), true);
    up = false;
    clock = 500;
    assert.equal(await probe.reachable(), true, 'cached');
    clock = 1500;
    assert.equal(await probe.reachable(), false, 'asked again');
    assert.equal(pings, 2);
  });
});
