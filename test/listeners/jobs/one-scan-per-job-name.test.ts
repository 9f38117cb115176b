import assert from 'node:assert/strict';
import type { JobParameters } from 'agenda';
import { guardNextJobScan } from '../../../src/listeners/jobs/one-scan-per-job-name.js';

/** A scan that answers only when told to, recording each call. */
function controllableScan() {
  const calls: Array<{ jobName: string; answer: (job: JobParameters | undefined) => void }> = [];
  const scan = (jobName: string) => new Promise<JobParameters | undefined>((answer) => calls.push({ jobName, answer }));
  return { calls, scan };
}

const aJob = (name: string) => ({ name, priority: 0, nextRunAt: new Date(), type: 'normal', data: {} }) as unknown as JobParameters;
const args = (jobName: string) => [jobName, new Date(), new Date(), undefined, undefined] as const;
const tick = () => new Promise((r) => setImmediate(r));

describe('one Agenda scan per job name at a time', () => {
  it('lets one ask run and one wait per job name; more asks get "no job now" at once', async () => {
    const { calls, scan } = controllableScan();
    const { guarded } = guardNextJobScan(scan);
    const first = guarded(...args('declare-step'));
    const second = guarded(...args('declare-step'));
    const third = guarded(...args('declare-step'));
    const other = guarded(...args('publish-change'));
    assert.equal(await third, undefined, 'a third ask is not queued');
    assert.deepEqual(calls.map((c) => c.jobName), ['declare-step', 'publish-change'], 'one ask per job name reaches the database');

    calls[0]!.answer(aJob('declare-step'));
    assert.equal((await first)?.name, 'declare-step');
    await tick();
    assert.equal(calls.length, 3, 'the waiting ask starts once the first is answered');
    calls[2]!.answer(undefined);
    assert.equal(await second, undefined);
    calls[1]!.answer(undefined);
    assert.equal(await other, undefined);
  });

  it('a failed ask frees the job name, and the failure reaches its caller', async () => {
    const { guarded } = guardNextJobScan(async () => {
      throw new Error('connection closed');
    });
    await assert.rejects(guarded(...args('declare-step')), /connection closed/);
    await assert.rejects(guarded(...args('declare-step')), /connection closed/);
  });

  it('never hands one job to two asks', async () => {
    let next = 0;
    const { guarded } = guardNextJobScan(async (jobName) => {
      await tick();
      next += 1;
      return next <= 3 ? aJob(`${jobName}-${next}`) : undefined;
    });
    const answers = await Promise.all(Array.from({ length: 20 }, () => guarded(...args('declare-step'))));
    const names = answers.filter((a) => a).map((a) => a!.name);
    assert.equal(new Set(names).size, names.length);
    assert.ok(names.length >= 1 && names.length <= 2, `one running and one waiting ask found jobs: ${names.join()}`);
  });

  it('once closed, answers "no job" without asking, after the asks in flight are answered', async () => {
    const { calls, scan } = controllableScan();
    const { guarded, close } = guardNextJobScan(scan);
    const inFlight = guarded(...args('declare-step'));
    let closed = false;
    const closing = close().then(() => (closed = true));
    await tick();
    assert.equal(closed, false, 'close waits for the ask in flight');
    calls[0]!.answer(undefined);
    await closing;
    assert.equal(await inFlight, undefined);
    assert.equal(await guarded(...args('declare-step')), undefined);
    assert.equal(calls.length, 1, 'no ask after close reaches the database');
  });
});
