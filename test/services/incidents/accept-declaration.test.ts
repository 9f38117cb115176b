import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IncidentDocument } from '../../../src/models/incident.js';
import { acceptDeclaration, saveSpooledDeclarations, type SaveSpooledDeps } from '../../../src/services/incidents/accept-declaration.js';
import type { DeclareIncidentInput } from '../../../src/services/incidents/declare-incident.js';
import { createSubmissionSpool } from '../../../src/services/incidents/submission-spool.js';
import { declarationDraft } from '../../support/factories.js';
import { FakeSlack, silentLogger } from '../../support/fakes.js';
import { defaultSettings } from '../../support/settings.js';

const settings = defaultSettings();

/** A declare service that saves into a list, and can be made to hang or to fail like a database outage. */
class FakeDeclare {
  saved: DeclareIncidentInput[] = [];
  mode: 'ok' | 'slow' | 'hang' | 'outage' = 'ok';
  call = async (input: DeclareIncidentInput): Promise<{ incident: IncidentDocument; created: boolean }> => {
    if (this.mode === 'hang') await new Promise(() => undefined);
    if (this.mode === 'slow') await new Promise((r) => setTimeout(r, 400));
    if (this.mode === 'outage') throw Object.assign(new Error('Server selection timed out after 2500 ms'), { name: 'MongoServerSelectionError' });
    const existing = this.saved.findIndex((s) => s.submissionKey === input.submissionKey);
    if (existing < 0) this.saved.push(input);
    const number = (existing < 0 ? this.saved.length : existing + 1) + 100;
    return { incident: { number, title: input.declaration.title } as IncidentDocument, created: existing < 0 };
  };
}

describe('accepting a declaration, and the spool for database outages', () => {
  let dir: string;
  let declare: FakeDeclare;
  let slack: FakeSlack;
  let reachable: boolean;
  let deps: SaveSpooledDeps;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'spool-test-'));
    declare = new FakeDeclare();
    slack = new FakeSlack();
    reachable = true;
    deps = {
      settings,
      logger: silentLogger(),
      spool: createSubmissionSpool(dir),
      declare: declare.call,
      databaseReachable: async () => reachable,
      inFlight: new Set(),
      saveDeadlineMs: 200,
      slack,
    };
  });
  const spooledFiles = () => readdirSync(dir).filter((f) => f.endsWith('.json'));
  const accept = (key: string, change = {}) => acceptDeclaration(deps, { draft: declarationDraft(change), reporter: { slackId: 'UALICE', name: 'alice' }, submissionKey: key });

  it('answers invalid input with the fields to fix and keeps nothing', async () => {
    const acceptance = await accept('V1', { title: 'short' });
    assert.equal(acceptance.kind, 'invalid');
    assert.ok(acceptance.kind === 'invalid' && acceptance.errors.title);
    assert.deepEqual(spooledFiles(), []);
  });

  it('keeps the submission on disk before it is saved, and removes it once the incident exists', async () => {
    const acceptance = await accept('V1');
    assert.equal(acceptance.kind, 'accepted');
    assert.ok(acceptance.kind === 'accepted');
    const outcome = await acceptance.saved;
    assert.equal(outcome.kind, 'declared');
    assert.equal(declare.saved.length, 1);
    assert.deepEqual(spooledFiles(), []);
  });

  it('with the database away: queued at once; saved by the drain when it is back, and the reporter told its number', async () => {
    reachable = false;
    const acceptance = await accept('V1');
    assert.ok(acceptance.kind === 'accepted');
    assert.deepEqual(await acceptance.saved, { kind: 'queued' });
    assert.equal(declare.saved.length, 0);
    assert.equal(spooledFiles().length, 1);
    assert.equal(await saveSpooledDeclarations(deps), 0, 'nothing is tried while the database is away');
    reachable = true;
    assert.equal(await saveSpooledDeclarations(deps), 1);
    assert.equal(declare.saved.length, 1);
    assert.equal(declare.saved[0]!.submissionKey, 'V1');
    assert.deepEqual(spooledFiles(), []);
    assert.match(slack.posts.find((p) => p.channel === 'UALICE')!.message.text, /saved as \*incident #101\*/);
    assert.match(JSON.stringify(slack.views.get('V1')), /Incident #101 is declared/);
  });

  it('a save that does not finish by the deadline is queued; the drain leaves it alone while it runs', async () => {
    declare.mode = 'hang';
    const acceptance = await accept('V1');
    assert.ok(acceptance.kind === 'accepted');
    const started = Date.now();
    assert.deepEqual(await acceptance.saved, { kind: 'queued' });
    assert.ok(Date.now() - started < 1000);
    declare.mode = 'ok';
    assert.equal(await saveSpooledDeclarations(deps), 0, 'still in flight');
    assert.equal(spooledFiles().length, 1);
  });

  it('a save finishing after the deadline: queued first, then the reporter gets the number in the form and by DM', async () => {
    declare.mode = 'slow';
    const acceptance = await accept('V1');
    assert.ok(acceptance.kind === 'accepted');
    assert.deepEqual(await acceptance.saved, { kind: 'queued' });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(declare.saved.length, 1);
    assert.deepEqual(spooledFiles(), []);
    assert.match(JSON.stringify(slack.views.get('V1')), /Incident #101 is declared/);
    assert.equal(slack.posts.filter((p) => p.channel === 'UALICE').length, 1);
  });

  it('a save failing with an outage error is queued, and saved once by later drains', async () => {
    declare.mode = 'outage';
    const acceptance = await accept('V1');
    assert.ok(acceptance.kind === 'accepted');
    assert.deepEqual(await acceptance.saved, { kind: 'queued' });
    assert.equal(await saveSpooledDeclarations(deps), 0, 'the drain stops at the outage');
    declare.mode = 'ok';
    await saveSpooledDeclarations(deps);
    await saveSpooledDeclarations(deps);
    assert.equal(declare.saved.length, 1);
  });

  it('a spool file that cannot be read back is set aside, not dropped', async () => {
    writeFileSync(path.join(dir, 'broken.json'), '{"submissionKey":');
    reachable = false;
    await accept('V2');
    reachable = true;
    assert.equal(await saveSpooledDeclarations(deps), 1);
    assert.deepEqual(readdirSync(dir).sort(), ['broken.json.unreadable']);
  });
});
