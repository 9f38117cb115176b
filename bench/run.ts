/**
 * `npm run bench`: measures the real app beside a bare Bolt baseline in one run, on this machine, and prints a
 * markdown report; the raw figures go to .cache/bench-results.json. See bench/scenarios.ts for the world it starts.
 *
 * Knobs (env, for quick tries only): BENCH_WARMUP (20), BENCH_RUNS (200), BENCH_SETTLE_WARMUP (5), BENCH_SETTLE_RUNS (50).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { DECLARE_STEPS, type DeclareStep } from '../src/models/incident.js';
import { STEP_DEPENDENCIES } from '../src/services/incidents/declare-pipeline.js';
import {
  BENCH_ENV,
  appSlash,
  backlog,
  bareSlash,
  bareSubmit,
  declare,
  declaredToDone,
  drain,
  procMemory,
  quiet,
  startWorld,
  waitSettled,
  type DeclareKind,
  type World,
} from './scenarios.js';
import { mib, ms, ratio, summarize, type Summary } from './stats.js';

const intEnv = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v >= 0 ? v : fallback;
};
const WARMUP = intEnv('BENCH_WARMUP', 20);
const RUNS = intEnv('BENCH_RUNS', 200);
const SETTLE_WARMUP = intEnv('BENCH_SETTLE_WARMUP', 5);
const SETTLE_RUNS = intEnv('BENCH_SETTLE_RUNS', 50);
const ACK_TARGET_RATIO = 1.5;
const SETTLE_TARGET_P95_MS = 500;
const RESULTS_PATH = path.resolve('.cache', 'bench-results.json');
const runTag = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);

const progress = (text: string) => process.stderr.write(`[bench] ${text}\n`);

/** Event-loop delay over a phase (ms), to see how busy the one thread shared by app, baseline and emulators was. */
function loopDelay() {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  return () => {
    h.disable();
    return { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
  };
}

type LoopDelay = ReturnType<ReturnType<typeof loopDelay>>;

interface PairResult {
  app: Summary;
  bare: Summary;
  appSamples: number[];
  bareSamples: number[];
  loop: LoopDelay;
  seconds: number;
}

/**
 * Alternates the app and the baseline run by run (ABBA order, so neither always goes first), discarding the
 * first `WARMUP` pairs.
 */
async function alternate(label: string, appRun: (i: number) => Promise<number>, bareRun: (i: number) => Promise<number>): Promise<PairResult> {
  const appSamples: number[] = [];
  const bareSamples: number[] = [];
  const t0 = performance.now();
  let stopLoop = loopDelay();
  for (let i = 0; i < WARMUP + RUNS; i++) {
    if (i === WARMUP) stopLoop = loopDelay();
    const measured = i >= WARMUP;
    const runApp = async () => {
      const v = await appRun(i);
      if (measured) appSamples.push(v);
    };
    const runBare = async () => {
      const v = await bareRun(i);
      if (measured) bareSamples.push(v);
    };
    if (i % 2 === 0) {
      await runApp();
      await runBare();
    } else {
      await runBare();
      await runApp();
    }
    if ((i + 1) % 50 === 0) progress(`${label}: ${i + 1}/${WARMUP + RUNS}`);
  }
  return { app: summarize(appSamples), bare: summarize(bareSamples), appSamples, bareSamples, loop: stopLoop(), seconds: (performance.now() - t0) / 1000 };
}

// ------------------------------------------------------------------------------------------------ call counts

type Counts = Record<string, number>;

interface CallCounts {
  kind: DeclareKind;
  when: 'first' | 'warm';
  number: number;
  formBeforeSubmit: Counts;
  formAfterSubmit: Counts;
  steps: Counts;
  jira: Counts;
  slackNotOk: number;
  jiraNotOk: number;
}

const tally = (keys: string[]): Counts => {
  const out: Counts = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
};
const total = (c: Counts) => Object.values(c).reduce((a, b) => a + b, 0);

/** Jira paths without the issue keys and ids that differ from one declaration to the next. */
function jiraRoute(method: string, p: string): string {
  const segs = p.split('/');
  const route = segs
    .map((seg, i) => (/^[A-Z][A-Z0-9]+-\d+$/.test(seg) ? '{issueKey}' : /^\d+$/.test(seg) && segs[i - 1] !== 'api' ? '{id}' : seg))
    .join('/');
  return `${method} ${route}`;
}

async function countCalls(w: World, kind: DeclareKind, when: CallCounts['when']): Promise<CallCounts> {
  await quiet(w, 200);
  const d = await declare(w, kind, `Bench ${runTag} ${kind} calls ${when}`);
  const { incident } = await waitSettled(w, d.viewId, 10);
  await d.confirmed;
  await quiet(w, 300);
  const slack = w.slack.calls();
  const jira = w.jira.requests();
  const isForm = (m: string) => m.startsWith('views.');
  const before = slack.slice(d.marks.slackStart, d.marks.slackSubmit);
  const after = slack.slice(d.marks.slackSubmit);
  const jiraAfter = jira.slice(d.marks.jiraSubmit);
  return {
    kind,
    when,
    number: incident.number,
    formBeforeSubmit: tally(before.map((c) => c.method)),
    formAfterSubmit: tally(after.filter((c) => isForm(c.method)).map((c) => c.method)),
    steps: tally(after.filter((c) => !isForm(c.method)).map((c) => c.method)),
    jira: tally(jiraAfter.map((r) => jiraRoute(r.method, r.path))),
    slackNotOk: slack.slice(d.marks.slackStart).filter((c) => !c.ok).length,
    jiraNotOk: jira.slice(d.marks.jiraStart).filter((r) => r.status >= 400 || r.status === 0).length,
  };
}

// ------------------------------------------------------------------------------------------------ settle series

interface SettleSample {
  number: number;
  wallMs: number;
  dbMs: number;
  perStep: Partial<Record<DeclareStep, { doneAfterDeclaredMs: number; queueWaitMs: number | null; runMs: number | null }>>;
}

async function settleSeries(w: World): Promise<{ samples: SettleSample[]; loop: LoopDelay; seconds: number; failed: number }> {
  const samples: SettleSample[] = [];
  let failed = 0;
  const t0 = performance.now();
  let stopLoop = loopDelay();
  for (let i = 0; i < SETTLE_WARMUP + SETTLE_RUNS; i++) {
    if (i === SETTLE_WARMUP) stopLoop = loopDelay();
    const d = await declare(w, 'P1', `Bench ${runTag} settle ${i}`);
    const { incident, settledAt } = await waitSettled(w, d.viewId, 5);
    await d.confirmed;
    if (DECLARE_STEPS.some((s) => incident.steps[s]?.state === 'failed')) failed++;
    if (i < SETTLE_WARMUP) continue;
    const declared = incident.declared.getTime();
    const perStep: SettleSample['perStep'] = {};
    for (const step of DECLARE_STEPS) {
      const s = incident.steps[step];
      if (!s || s.state !== 'done' || !s.doneAt) continue;
      const doneAt = s.doneAt.getTime();
      const deps = STEP_DEPENDENCIES[step].map((dep) => incident.steps[dep]?.doneAt?.getTime()).filter((t): t is number => typeof t === 'number');
      const readyAt = Math.max(declared, ...deps);
      const started = w.jobTimes.get(`${incident.id}:${step}`)?.startedAt;
      perStep[step] = {
        doneAfterDeclaredMs: doneAt - declared,
        queueWaitMs: started === undefined ? null : started - readyAt,
        runMs: started === undefined ? null : doneAt - started,
      };
    }
    samples.push({ number: incident.number, wallMs: settledAt - d.ackedAt, dbMs: declaredToDone(incident), perStep });
    if ((i + 1) % 10 === 0) progress(`settle series: ${i + 1}/${SETTLE_WARMUP + SETTLE_RUNS}`);
  }
  return { samples, loop: stopLoop(), seconds: (performance.now() - t0) / 1000, failed };
}

// ------------------------------------------------------------------------------------------------ report

const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function memRow(label: string, m: NodeJS.MemoryUsage): string[] {
  return [label, mib(m.rss), mib(m.heapUsed), mib(m.heapTotal), mib(m.external)];
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadStart = os.loadavg();
  progress(`starting FerretDB, emulators, the bare app and the app (${WARMUP} warm-up + ${RUNS} runs; settle ${SETTLE_WARMUP} + ${SETTLE_RUNS})`);
  const w = await startWorld();
  const memAfterStart = process.memoryUsage();
  const ferretAfterStart = procMemory(w.ferretPid);
  let results: Record<string, unknown> = {};
  try {
    progress('call counts of a first P1 and P4');
    const firstP1 = await countCalls(w, 'P1', 'first');
    const firstP4 = await countCalls(w, 'P4', 'first');

    progress('figure 1: /incident ack, app vs bare');
    const fig1 = await alternate('/incident', () => appSlash(w), async () => (await bareSlash(w)).ackMs);

    progress('figure 2: declare form submission ack, app (real P1) vs bare');
    const backlogSamples: { run: number; pending: number }[] = [];
    const fig2 = await alternate(
      'view_submission',
      async (i) => {
        const d = await declare(w, 'P1', `Bench ${runTag} ack ${i}`);
        await d.confirmed;
        if ((i + 1) % 20 === 0) backlogSamples.push({ run: i + 1, pending: await backlog(w) });
        return d.ackMs;
      },
      (i) => bareSubmit(w, `Bench ${runTag} bare ${i}`),
    );
    const pendingAfterFig2 = await backlog(w);
    progress(`waiting for the declare steps of figure 2 to drain (${pendingAfterFig2} incidents pending)`);
    const drainMs = await drain(w);

    progress('figure 3: P1 submission -> all declare steps done, one at a time');
    const fig3 = await settleSeries(w);

    progress('call counts of a P1 and a P4 after the benchmark');
    const warmP1 = await countCalls(w, 'P1', 'warm');
    const warmP4 = await countCalls(w, 'P4', 'warm');

    const memAfterBench = process.memoryUsage();
    const ferretAfterBench = procMemory(w.ferretPid);
    const loadEnd = os.loadavg();
    const warnLines = await import('node:fs').then((fs) => fs.readFileSync(w.logPath, 'utf8').split('\n').filter((l) => l.trim()).length);

    // ---------------------------------------------------------------------------------------------- figures
    const wall = summarize(fig3.samples.map((s) => s.wallMs));
    const db = summarize(fig3.samples.map((s) => s.dbMs));
    const stepStats = (DECLARE_STEPS.filter((s) => s !== 'notify') as DeclareStep[]).map((step) => {
      const vals = fig3.samples.map((s) => s.perStep[step]).filter((v) => v !== undefined);
      return {
        step,
        doneAfterDeclared: summarize(vals.map((v) => v.doneAfterDeclaredMs)),
        queueWait: summarize(vals.map((v) => v.queueWaitMs).filter((v): v is number => v !== null)),
        run: summarize(vals.map((v) => v.runMs).filter((v): v is number => v !== null)),
      };
    });

    const machine = {
      date: startedAt.toISOString(),
      node: process.version,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      totalmem: os.totalmem(),
      loadavgStart: loadStart,
      loadavgEnd: loadEnd,
    };
    const appConfig = {
      JOB_POLL_MS: w.config.steps.pollMs,
      JOB_LOCK_MS: w.config.steps.lockMs,
      STEP_BACKOFF_MS: w.config.steps.backoffMs,
      STEP_MAX_ATTEMPTS: w.config.steps.maxAttempts,
      JIRA_TIMEOUT_MS: w.config.jira.timeoutMs,
      LOG_LEVEL: w.config.logLevel,
      benchEnv: BENCH_ENV,
      emulatorLatencyMs: 0,
    };

    results = {
      machine,
      appConfig,
      counts: { warmup: WARMUP, runs: RUNS, settleWarmup: SETTLE_WARMUP, settleRuns: SETTLE_RUNS },
      fig1: { ...fig1, ratioP50: fig1.app.p50 / fig1.bare.p50, ratioP99: fig1.app.p99 / fig1.bare.p99 },
      fig2: { ...fig2, ratioP50: fig2.app.p50 / fig2.bare.p50, ratioP99: fig2.app.p99 / fig2.bare.p99, backlogSamples, pendingAfter: pendingAfterFig2, drainMs },
      fig3: { wall, db, stepStats, failed: fig3.failed, loop: fig3.loop, seconds: fig3.seconds, samples: fig3.samples },
      fig4: [firstP1, firstP4, warmP1, warmP4],
      memory: {
        beforeApp: w.rss.beforeApp,
        afterAppStart: memAfterStart,
        afterBench: memAfterBench,
        ferretPid: w.ferretPid,
        ferretAfterStart,
        ferretAfterBench,
      },
      appLogLines: warnLines,
    };

    // ---------------------------------------------------------------------------------------------- report
    const out: string[] = [];
    out.push(`# incident-app benchmark — ${startedAt.toISOString()}`);
    out.push('');
    out.push(
      `Machine: node ${machine.node}, ${machine.platform}, ${machine.cpus} CPUs (${machine.cpuModel}), ${mib(machine.totalmem)} RAM; ` +
        `load average at start ${loadStart.map((l) => l.toFixed(2)).join(' / ')}, at end ${loadEnd.map((l) => l.toFixed(2)).join(' / ')}.`,
    );
    out.push(
      `App config: JOB_POLL_MS=${appConfig.JOB_POLL_MS} (the job queue's polling interval: how often Agenda looks for due declare steps), ` +
        `JOB_LOCK_MS=${appConfig.JOB_LOCK_MS}, STEP_BACKOFF_MS=${appConfig.STEP_BACKOFF_MS}, STEP_MAX_ATTEMPTS=${appConfig.STEP_MAX_ATTEMPTS}, ` +
        `JIRA_TIMEOUT_MS=${appConfig.JIRA_TIMEOUT_MS}, LOG_LEVEL=${appConfig.LOG_LEVEL} (to ${path.relative(process.cwd(), w.logPath)}: ${warnLines} lines). ` +
        'Slack and Jira emulators in-process at 0 ms latency; FerretDB (SQLite) as a child process; the app, the bare Bolt app and both ' +
        'Slack emulators share this one Node process. All times in ms.',
    );
    out.push('');

    const ackRows = (label: string, r: PairResult) => [
      [`${label} — app`, r.app.count, ms(r.app.p50), ms(r.app.p95), ms(r.app.p99), ms(r.app.max)],
      [`${label} — bare Bolt`, r.bare.count, ms(r.bare.p50), ms(r.bare.p95), ms(r.bare.p99), ms(r.bare.max)],
      [`${label} — ratio app/bare`, '', ratio(r.app.p50, r.bare.p50), ratio(r.app.p95, r.bare.p95), ratio(r.app.p99, r.bare.p99), ''],
    ];
    const verdict = (r: PairResult) => {
      const q = r.app.p99 / r.bare.p99;
      return `${q <= ACK_TARGET_RATIO ? 'met' : 'MISSED'} (app p99 ${ms(r.app.p99)} = ${q.toFixed(2)} × bare p99 ${ms(r.bare.p99)}; target ≤ ${ACK_TARGET_RATIO}×)`;
    };
    out.push(`## 1–2. Ack times (${WARMUP} warm-up pairs discarded, then ${RUNS} runs each, app and bare alternated ABBA)`);
    out.push('');
    out.push(table(['envelope', 'n', 'p50', 'p95', 'p99', 'max'], [...ackRows('`/incident`', fig1), ...ackRows('view_submission (real P1)', fig2)]));
    out.push('');
    out.push(`- \`/incident\` target: ${verdict(fig1)}. Phase took ${fig1.seconds.toFixed(1)} s; event-loop delay p50/p99/max ${ms(fig1.loop.p50)}/${ms(fig1.loop.p99)}/${ms(fig1.loop.max)}.`);
    out.push(`- view_submission target: ${verdict(fig2)}. Phase took ${fig2.seconds.toFixed(1)} s; event-loop delay p50/p99/max ${ms(fig2.loop.p50)}/${ms(fig2.loop.p99)}/${ms(fig2.loop.max)}.`);
    out.push(
      `- The app's submissions are real P1 declarations made back to back (each waits for the form's confirmation, not for its declare steps): ` +
        `incidents with pending steps every 20 runs: ${backlogSamples.map((b) => b.pending).join(', ') || 'n/a'}; ${pendingAfterFig2} pending at the end, drained in ${ms(drainMs, 0)} ms. ` +
        'That queue work runs in the same process while both apps are measured.',
    );
    out.push('');

    out.push(`## 3. P1 submission → all declare steps done (${SETTLE_WARMUP} warm-up discarded, ${SETTLE_RUNS} declarations, each settled before the next)`);
    out.push('');
    out.push(
      table(
        ['measure', 'n', 'p50', 'p95', 'p99', 'max'],
        [
          ['wall: submission ack → DB shows no step pending (polled every 5 ms)', wall.count, ms(wall.p50), ms(wall.p95), ms(wall.p99), ms(wall.max)],
          ['DB: max(steps.*.doneAt) − milestones.declared', db.count, ms(db.p50), ms(db.p95), ms(db.p99), ms(db.max)],
        ],
      ),
    );
    out.push('');
    out.push(
      `- Target p95 ≤ ${SETTLE_TARGET_P95_MS} ms: ${wall.p95 <= SETTLE_TARGET_P95_MS ? 'met' : 'MISSED'} (wall p95 ${ms(wall.p95)}; DB p95 ${ms(db.p95)}). ` +
        `Steps failed: ${fig3.failed}. Phase took ${fig3.seconds.toFixed(1)} s; event-loop delay p50/p99/max ${ms(fig3.loop.p50)}/${ms(fig3.loop.p99)}/${ms(fig3.loop.max)}.`,
    );
    out.push('');
    out.push('Where the time goes, per step (queue wait = Agenda job start − when its dependencies were done; run = doneAt − job start):');
    out.push('');
    out.push(
      table(
        ['step', 'done after declared p50', 'p95', 'queue wait p50', 'p95', 'run p50', 'p95'],
        stepStats.map((s) => [
          s.step,
          ms(s.doneAfterDeclared.p50, 0),
          ms(s.doneAfterDeclared.p95, 0),
          ms(s.queueWait.p50, 0),
          ms(s.queueWait.p95, 0),
          ms(s.run.p50, 0),
          ms(s.run.p95, 0),
        ]),
      ),
    );
    out.push('');

    out.push('## 4. Slack and Jira calls per declaration');
    out.push('');
    out.push(
      '"first" = the first P1 and P4 after start (before any other traffic); "warm" = after the benchmark (the gateway caches some look-ups). ' +
        'Form = the form\'s own views.* calls (open, the impact re-render, and the confirmation after the save); steps = the declare steps\' calls after Submit.',
    );
    out.push('');
    const all = [firstP1, warmP1, firstP4, warmP4];
    const head = ['call', ...all.map((c) => `${c.kind} ${c.when} (#${c.number})`)];
    const section = (title: string, pick: (c: CallCounts) => Counts) => {
      const keys = [...new Set(all.flatMap((c) => Object.keys(pick(c))))].sort();
      return [
        ...keys.map((k) => [`${title}: ${k}`, ...all.map((c) => pick(c)[k] ?? 0)]),
        [`**${title}: total**`, ...all.map((c) => `**${total(pick(c))}**`)],
      ];
    };
    out.push(
      table(head, [
        ...section('Slack form, before Submit', (c) => c.formBeforeSubmit),
        ...section('Slack form, after Submit', (c) => c.formAfterSubmit),
        ...section('Slack steps', (c) => c.steps),
        ...section('Jira steps', (c) => c.jira),
        ['Slack + Jira after Submit, all', ...all.map((c) => total(c.formAfterSubmit) + total(c.steps) + total(c.jira))],
        ['failed calls (Slack not ok / Jira ≥400)', ...all.map((c) => `${c.slackNotOk} / ${c.jiraNotOk}`)],
      ]),
    );
    out.push('');

    out.push('## 5. Memory');
    out.push('');
    out.push(table(['bench process (emulators + bare app + app)', 'rss', 'heapUsed', 'heapTotal', 'external'], [
      memRow('after FerretDB, emulators and bare app, before the app', w.rss.beforeApp),
      memRow('after the app started, before any traffic', memAfterStart),
      memRow('after the benchmark', memAfterBench),
    ]));
    out.push('');
    out.push(
      `- App's share at start ≈ ${mib(memAfterStart.rss - w.rss.beforeApp.rss)} RSS (after − before the app). The emulators keep every call, view and message, so part of the growth is theirs.`,
    );
    out.push(
      w.ferretPid === null || !ferretAfterStart || !ferretAfterBench
        ? '- FerretDB RSS: not found (its pid was not visible in /proc).'
        : `- FerretDB (pid ${w.ferretPid}, separate process) VmRSS: ${mib(ferretAfterStart.rss)} after start, ${mib(ferretAfterBench.rss)} after the benchmark (peak VmHWM ${mib(ferretAfterBench.hwm)}).`,
    );
    out.push('');
    out.push(`Raw results: ${path.relative(process.cwd(), RESULTS_PATH)}. Total time ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s.`);

    mkdirSync(path.dirname(RESULTS_PATH), { recursive: true });
    writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    progress('stopping');
    await w.stop().catch((error: Error) => progress(`error while stopping: ${error.message}`));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
