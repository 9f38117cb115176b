import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Incident } from '../../src/models/incident.js';
import { IncidentUpdate } from '../../src/models/incident-update.js';
import { startEmbeddedFerretDb, type EmbeddedFerretDb } from '../../src/db/embedded-ferretdb.js';
import { startHarness, stepsSettled, eventually, type Harness } from '../support/app-harness.js';
import { declareThroughSlack } from '../support/declare-driver.js';

/**
 * The issue asks for a 30 s outage. The default here is 8 s, which already outlasts every timeout on the path (the
 * 2.5 s database deadlines, the 3 s Slack ack): the behaviour is the same. TEST_OUTAGE_MS=30000 runs the full length.
 */
const OUTAGE_MS = Number(process.env.TEST_OUTAGE_MS ?? 8000);

const P1 = { impacts: { business: 'Highest' }, fields: { Category: 'Databases', Title: 'Orders database unreachable', Description: 'Every order write times out since 10:02.' } };
const P1_DURING = { impacts: { business: 'Highest' }, fields: { Category: 'Checkout', Title: 'Checkout down while the database is away', Description: 'Declared during the outage, saved after it.' } };
const P4_DURING = {
  impacts: { business: 'Low' },
  fields: { Category: 'Search', Title: 'Search suggestions are slow during outage', Description: 'Suggestions take 4 s to show.', 'Feature team': 'Search' },
};

describe('losing the database while incidents are declared (end to end, dedicated FerretDB)', function () {
  this.timeout(120_000 + 2 * OUTAGE_MS);
  let h: Harness;
  let db: EmbeddedFerretDb;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'outage-ferretdb-'));
    db = await startEmbeddedFerretDb({ dataDir });
  });
  after(async () => {
    await h?.stop();
    await db?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const readyz = async () => {
    const res = await fetch(`http://127.0.0.1:${h.app!.httpPort}/readyz`);
    return { status: res.status, body: (await res.json()) as { ok: boolean; failing?: string[] } };
  };
  const within = async <T>(ms: number, what: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    assert.ok(Date.now() - started < ms, `${what} took ${Date.now() - started} ms (limit ${ms} ms)`);
    return result;
  };

  it('answers Slack in time, keeps what it accepted, refuses Jira webhooks with 503, and recovers by itself', async () => {
    h = await startHarness('database-outage', { start: false, env: { MONGODB_URI: `${db.uri}/outage?maxPoolSize=1` } });
    await h.startApp({ jobs: { resumeEveryMs: 2000 }, spoolDrainEveryMs: 300 });
    await declareThroughSlack(h, h.users.alice.id, P1);
    const first = await stepsSettled(1);
    h.jira.configureWebhook({ url: `http://127.0.0.1:${h.app!.httpPort}/webhooks/jira`, secret: h.env.JIRA_WEBHOOK_SECRET! });
    const carol = h.jira.addUser({ email: 'carol@example.com', displayName: 'Carol Jones' }).accountId;
    assert.equal((await readyz()).status, 200);

    // --- the database goes away
    const outageStarted = Date.now();
    await db.stop();
    const down = await eventually(async () => {
      const r = await readyz();
      return r.status === 503 ? r.body : null;
    }, 'readiness to report the database', 5000);
    assert.deepEqual(down.failing, ['database']);

    // Two declarations: each acked within Slack's 3 s (the emulator fails the envelope otherwise), and told it is kept.
    const queued: string[] = [];
    for (const [reporter, input] of [[h.users.alice.id, P1_DURING], [h.users.bob.id, P4_DURING]] as const) {
      const { submission, form } = await declareThroughSlack(h, reporter, input);
      assert.equal(submission.responseAction, 'update');
      assert.ok(submission.ackMs < 3000);
      const shown = await eventually(() => JSON.stringify(h.slack.view(form.viewId)?.blocks ?? []).match(/saved as soon as the database is back/), 'the form to say it is kept', 4000);
      assert.ok(shown);
      queued.push(form.viewId);
    }

    // A command that needs the database gets a clear refusal in time instead of silence.
    await within(3000, '/incident update', () => h.slack.sendSlashCommand({ command: '/incident', text: 'update', userId: h.users.alice.id, channelId: first.channel!.id! }));
    await eventually(() => h.slack.calls('response_url').some((c) => /database is not reachable/.test(JSON.stringify(c.args))), 'the refusal', 5000);

    // A Jira webhook is refused with a 5xx, so Jira delivers it again; never a 200 for what was not recorded.
    await within(4000, 'the webhook answer', () => h.jira.updateIssueAsUser(first.jira!.key!, carol, { status: 'Pending resolution' }));
    const refused = h.jira.deliveries().at(-1)!;
    assert.equal(refused.status, 503);

    const left = OUTAGE_MS - (Date.now() - outageStarted);
    if (left > 0) await new Promise((r) => setTimeout(r, left));

    // --- the database is back, on the same port and data
    db = await startEmbeddedFerretDb({ dataDir, port: db.port });
    await eventually(async () => (await readyz()).status === 200, 'readiness to come back', 20_000);

    // What was accepted during the outage is saved, and its steps run: one channel for the P1, a ticket for each.
    // (Numbers are not asserted: one taken by a write cut short by the outage is skipped, as the counter allows.)
    const saved = await eventually(async () => {
      const found = await Incident.find({ title: { $in: [P1_DURING.fields.Title, P4_DURING.fields.Title] } });
      return found.length === 2 ? found : null;
    }, 'both declarations to be saved', 20_000);
    const [p1, p4] = await Promise.all(
      [P1_DURING, P4_DURING].map((input) => stepsSettled(saved.find((i) => i.title === input.fields.Title)!.number, 40_000)),
    ) as [Awaited<ReturnType<typeof stepsSettled>>, Awaited<ReturnType<typeof stepsSettled>>];
    assert.deepEqual(queued.sort(), [p1.submissionKey, p4.submissionKey].sort());
    assert.equal(p1.steps.channel.state, 'done');
    assert.equal(h.slack.channels().filter((c) => c.name.startsWith(`inc-${p1.number}-`)).length, 1);
    assert.equal(p4.steps.notify.state, 'done');
    for (const incident of [p1, p4]) {
      assert.equal(incident.steps.jira_ticket.state, 'done');
      assert.equal(await IncidentUpdate.countDocuments({ incidentId: incident._id, eventType: 'declared' }), 1);
    }
    assert.equal(h.jira.issues().length, 3);
    assert.match(h.slack.messages(h.users.bob.id).map((m) => m.text).join('\n'), new RegExp(`saved as \\*incident #${p4.number}\\*`));
    assert.deepEqual(readdirSync(h.env.SUBMISSION_SPOOL_DIR!), [], 'the spool is empty');

    // The refused webhook, delivered again, is applied now.
    const again = await h.jira.redeliver(h.jira.deliveries().findIndex((d) => d.identifier === refused.identifier));
    assert.equal(again.status, 200);
    await eventually(async () => (await Incident.findById(first._id))?.status === 'INVESTIGATING', 'the Jira change to apply');

    // And a new declaration works as before, straight away.
    const { form } = await declareThroughSlack(h, h.users.alice.id, { ...P1, fields: { ...P1.fields, Title: 'After the outage, a new one' } });
    const number = Math.max(first.number, p1.number, p4.number) + 1;
    await eventually(() => new RegExp(`Incident #${number} is declared`).test(JSON.stringify(h.slack.view(form.viewId)?.blocks ?? [])), 'the new incident number in the form');
    await stepsSettled(number);
    assert.equal(await Incident.countDocuments(), 4);
    assert.equal(h.slack.messages(h.users.alice.id).filter((m) => m.text.includes(`saved as *incident #${p1.number}*`)).length, 1, 'the kept declaration is announced once');
  });
});
