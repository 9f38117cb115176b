import assert from 'node:assert/strict';
import { createBatcher } from '../../src/services/batching.js';

describe('createBatcher', () => {
  it('writes a lone item at once and gathers the items that arrive meanwhile into the next batch', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    const square = createBatcher(
      async (items: number[]) => {
        batches.push(items);
        if (batches.length === 1) await firstHeld;
        return items.map((n) => n * n);
      },
      { maxBatch: 3 },
    );
    const first = square(1);
    assert.deepEqual(batches, [[1]], 'the first item does not wait for company');
    const rest = [2, 3, 4, 5, 6].map((n) => square(n));
    release();
    assert.deepEqual(await Promise.all([first, ...rest]), [1, 4, 9, 16, 25, 36]);
    assert.deepEqual(batches, [[1], [2, 3, 4], [5, 6]]);
  });

  it('a failed batch rejects its own items only', async () => {
    const run = createBatcher(
      async (items: string[]) => {
        if (items.includes('bad')) throw new Error('insert failed');
        return items.map((s) => s.toUpperCase());
      },
      { maxBatch: 10 },
    );
    const good = run('ok');
    const failed = [run('bad'), run('also in the failed batch')];
    assert.equal(await good, 'OK');
    for (const f of failed) await assert.rejects(f, /insert failed/);
    assert.equal(await run('later'), 'LATER');
  });
});
