import assert from 'node:assert/strict';
import type { JobParameters } from 'agenda';
import { paceNextJobScans } from '../../../src/listeners/jobs/paced-job-scans.js';

/** A scan that answers only when told to, recording each call. */
function controllableScan() {
  const calls: Array<{ jobName: string; answer: (job: JobParameters | undefined) => void }> = [];
  const scan = (jobName: string) => new Promise<JobParameters | undefined>((answer) => calls.push({ jobName, answer }));
  return { calls, scan };
}

/** A scan that answers at once from a list of due jobs, taking the first, and counts the asks that reached it. */
function listScan(clock: { now: number }) {
  const jobs: Array<{ name: string; dueAt: number }> = [];
  const asked: string[] = [];
  const scan = async (jobName: string, nextScanAt: Date): Promise<JobParameters | undefined> => {
    asked.push(jobName);
    const index = jobs.findIndex((j) => j.name === jobName && j.dueAt <= nextScanAt.getTime());
    if (index < 0) return undefined;
    const [job] = jobs.splice(index, 1);
    return aJob(job!.name);
  };
  return { jobs, asked, scan };
}

const aJob = (name: string) => ({ name, priority: 0, nextRunAt: new Date(), type: 'normal', data: {} }) as unknown as JobParameters;
const tick = () => new Promise((r) => setImmediate(r));
const POLL_MS = 50;

describe('paced Agenda scans', () => {
  const clock = { now: 1_000_000 };
  const pacing = { idleRescanMs: 10 * POLL_MS, now: () => clock.now };
  const ask = (guarded: ReturnType<typeof paceNextJobScans>['guarded'], jobName: string) =>
    guarded(jobName, new Date(clock.now + POLL_MS), new Date(clock.now - 60_000), undefined, undefined);

  it('lets one ask run and one wait per job name; more asks get "no job now" at once', async () => {
    const { calls, scan } = controllableScan();
    const { guarded } = paceNextJobScans(scan, pacing);
    const first = ask(guarded, 'declare-step');
    const second = ask(guarded, 'declare-step');
    const third = ask(guarded, 'declare-step');
    const other = ask(guarded, 'publish-change');
    assert.equal(await third, undefined, 'a third ask is not queued');
    assert.deepEqual(calls.map((c) => c.jobName), ['declare-step', 'publish-change'], 'one ask per job name reaches the database');

    calls[0]!.answer(aJob('declare-step'));
    assert.equal((await first)?.name, 'declare-step');
    await tick();
    assert.equal(calls.length, 3, 'the waiting ask starts once the first has found a job');
    calls[2]!.answer(undefined);
    assert.equal(await second, undefined);
    calls[1]!.answer(undefined);
    assert.equal(await other, undefined);
  });

  it('after an ask that found nothing, polls do not ask again until the pause is over', async () => {
    const { jobs, asked, scan } = listScan(clock);
    const { guarded } = paceNextJobScans(scan, pacing);
    assert.equal(await ask(guarded, 'update-reminders'), undefined);
    for (let poll = 1; poll < 10; poll++) {
      clock.now += POLL_MS;
      // A job another instance queued: not known here, found after the pause.
      if (poll === 2) jobs.push({ name: 'update-reminders', dueAt: clock.now });
      assert.equal(await ask(guarded, 'update-reminders'), undefined);
    }
    assert.equal(asked.length, 1, 'nine polls within the pause asked nothing');
    clock.now += POLL_MS;
    assert.equal((await ask(guarded, 'update-reminders'))?.name, 'update-reminders', 'the first ask after the pause finds it');
    assert.equal(asked.length, 2);
  });

  it('a job this process saves is asked for at once, and one due later when its time comes', async () => {
    const { jobs, asked, scan } = listScan(clock);
    const { guarded, learn } = paceNextJobScans(scan, pacing);
    assert.equal(await ask(guarded, 'declare-step'), undefined);
    jobs.push({ name: 'declare-step', dueAt: clock.now });
    learn('declare-step', new Date(clock.now));
    assert.equal((await ask(guarded, 'declare-step'))?.name, 'declare-step', 'a new job');
    assert.equal(await ask(guarded, 'declare-step'), undefined);

    // A retry due in 3 polls: nothing is asked before, one ask finds it when due.
    const retryAt = clock.now + 3 * POLL_MS;
    jobs.push({ name: 'declare-step', dueAt: retryAt });
    learn('declare-step', new Date(retryAt));
    const before = asked.length;
    clock.now += POLL_MS;
    assert.equal(await ask(guarded, 'declare-step'), undefined);
    assert.equal(asked.length, before, 'not due by the horizon: not asked');
    clock.now = retryAt - POLL_MS / 2;
    assert.equal((await ask(guarded, 'declare-step'))?.name, 'declare-step', 'due by the horizon: asked and found');
  });

  it('a job saved while an ask is in flight is asked for again, even if that ask found nothing', async () => {
    const { calls, scan } = controllableScan();
    const { guarded, learn } = paceNextJobScans(scan, pacing);
    const inFlight = ask(guarded, 'jira-sync');
    learn('jira-sync', new Date(clock.now));
    const notified = ask(guarded, 'jira-sync');
    calls[0]!.answer(undefined);
    assert.equal(await inFlight, undefined);
    await tick();
    assert.equal(calls.length, 2, 'the ask that waited goes to the database');
    calls[1]!.answer(aJob('jira-sync'));
    assert.equal((await notified)?.name, 'jira-sync');
  });

  it('a failed ask frees the job name, and the failure reaches its caller', async () => {
    const { guarded } = paceNextJobScans(async () => {
      throw new Error('connection closed');
    }, pacing);
    await assert.rejects(ask(guarded, 'declare-step'), /connection closed/);
    await assert.rejects(ask(guarded, 'declare-step'), /connection closed/, 'a failure is not taken for "nothing due"');
  });

  it('never hands one job to two asks', async () => {
    let next = 0;
    const { guarded } = paceNextJobScans(async (jobName) => {
      await tick();
      next += 1;
      return next <= 3 ? aJob(`${jobName}-${next}`) : undefined;
    }, pacing);
    const answers = await Promise.all(Array.from({ length: 20 }, () => ask(guarded, 'declare-step')));
    const names = answers.filter((a) => a).map((a) => a!.name);
    assert.equal(new Set(names).size, names.length);
    assert.ok(names.length >= 1 && names.length <= 2, `one running and one waiting ask found jobs: ${names.join()}`);
  });

  it('once closed, answers "no job" without asking, after the asks in flight are answered', async () => {
    const { calls, scan } = controllableScan();
    const { guarded, close } = paceNextJobScans(scan, pacing);
    const inFlight = ask(guarded, 'declare-step');
    let closed = false;
    const closing = close().then(() => (closed = true));
    await tick();
    assert.equal(closed, false, 'close waits for the ask in flight');
    calls[0]!.answer(undefined);
    await closing;
    assert.equal(await inFlight, undefined);
    assert.equal(await ask(guarded, 'declare-step'), undefined);
    assert.equal(calls.length, 1, 'no ask after close reaches the database');
  });
});
