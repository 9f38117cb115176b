import assert from 'node:assert/strict';
import { Incident } from '../../../src/models/incident.js';
import { ReminderClaim } from '../../../src/models/reminder-claim.js';
import { purgeReminderClaims } from '../../../src/services/reminders/reminder-claims.js';
import type { ReminderDeps } from '../../../src/services/reminders/send-due-reminders.js';
import { sendPostmortemReminders } from '../../../src/services/reminders/send-postmortem-reminders.js';
import { MESSAGE_EVENT } from '../../../src/views/ids.js';
import { validateMessageBlocks } from '../../support/slack-emulator/block-kit-limits.js';
import { connectTestDatabase, dropTestDatabase } from '../../support/database.js';
import { FakeSlack, silentLogger } from '../../support/fakes.js';
import { defaultSettings, settingsWith } from '../../support/settings.js';
import { seedIncident, type IncidentSeed } from './incident-factory.js';

const settings = defaultSettings();
const T0 = new Date('2024-05-06T10:00:00.000Z');
const MITIGATED = new Date(T0.getTime() + 2 * 60 * 60_000);
const afterMitigation = (days: number, minutes = 0) => new Date(MITIGATED.getTime() + days * 24 * 60 * 60_000 + minutes * 60_000);

describe('post-mortem reminders (sendPostmortemReminders with a fake clock, FakeSlack and the real database)', () => {
  let slack: FakeSlack;
  let deps: ReminderDeps;
  before(() => connectTestDatabase('postmortem-reminders'));
  after(() => dropTestDatabase());
  beforeEach(async () => {
    await Promise.all([Incident.deleteMany({}), ReminderClaim.deleteMany({})]);
    slack = new FakeSlack();
    deps = { settings, slack, logger: silentLogger() };
  });

  const mitigatedIncident = (overrides: Partial<IncidentSeed> = {}) =>
    seedIncident({ declared: T0, status: 'MITIGATED', priority: 1, environments: ['PRD'], mitigated: MITIGATED, ...overrides });
  const pmReminders = () => slack.posts.filter((p) => p.message.metadata?.event_type === MESSAGE_EVENT.postmortemReminder);

  it('posts once, five days after MITIGATED, in the incident channel', async () => {
    const incident = await mitigatedIncident();
    await sendPostmortemReminders(deps, afterMitigation(5, -1));
    assert.equal(pmReminders().length, 0, 'not before five days');
    const scan = await sendPostmortemReminders(deps, afterMitigation(5));
    assert.equal(scan.posted, 1);
    const [post] = pmReminders();
    assert.equal(post!.channel, incident.channel!.id);
    assert.match(post!.message.text, /^⏰ This incident was mitigated 5 days ago; its post-mortem is due/);
    assert.deepEqual(validateMessageBlocks(post!.message.blocks), []);
    assert.deepEqual((await Incident.findById(incident._id).lean())?.reminders?.postmortemReminderAt, afterMitigation(5));

    await sendPostmortemReminders(deps, afterMitigation(5, 60));
    await sendPostmortemReminders(deps, afterMitigation(30));
    assert.equal(pmReminders().length, 1, 'once in the incident lifetime');
  });

  it('also in POST_MORTEM; never for incidents that need no post-mortem, nor after CLOSED', async () => {
    const inPostmortem = await mitigatedIncident({ status: 'POST_MORTEM' });
    await mitigatedIncident({ priority: 3 }); // P3: no post-mortem in the default settings
    await mitigatedIncident({ environments: ['STG'] }); // P1 outside production
    await mitigatedIncident({ status: 'CLOSED' });
    await mitigatedIncident({ status: 'INVESTIGATING' }); // reopened
    await mitigatedIncident({ channel: { id: 'CARCH', archived: true } });
    await Promise.all([sendPostmortemReminders(deps, afterMitigation(6)), sendPostmortemReminders(deps, afterMitigation(6))]);
    assert.deepEqual(pmReminders().map((p) => p.channel), [inPostmortem.channel!.id], 'one post, even with two scans at once');
  });

  it('the delay comes from the settings', async () => {
    await mitigatedIncident();
    const twoDays = settingsWith((s) => {
      s.reminders.postmortemAfterDays = 2;
    });
    await sendPostmortemReminders({ ...deps, settings: twoDays }, afterMitigation(2));
    assert.match(pmReminders()[0]!.message.text, /mitigated 2 days ago/);
  });

  it('old claims are purged; the incident still remembers its reminder', async () => {
    const incident = await mitigatedIncident();
    await sendPostmortemReminders(deps, afterMitigation(5));
    assert.equal(await purgeReminderClaims(afterMitigation(5, 1)), 1);
    await sendPostmortemReminders(deps, afterMitigation(6));
    assert.equal(pmReminders().length, 1);
    assert.ok((await Incident.findById(incident._id).lean())?.reminders?.postmortemReminderAt);
  });
});
