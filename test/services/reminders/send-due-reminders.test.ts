import assert from 'node:assert/strict';
import { ExternalCallError, RefusedError } from '../../../src/errors.js';
import { Incident } from '../../../src/models/incident.js';
import { ReminderClaim } from '../../../src/models/reminder-claim.js';
import { updateIncident } from '../../../src/services/incidents/update-incident.js';
import { updateReminderKey } from '../../../src/services/reminders/reminder-claims.js';
import { sendDueReminders, type ReminderDeps } from '../../../src/services/reminders/send-due-reminders.js';
import { snoozeUpdateReminder } from '../../../src/services/reminders/snooze-update-reminder.js';
import type { SlackMessage } from '../../../src/services/slack/slack-gateway.js';
import { MESSAGE_EVENT, REMINDER_ACTION } from '../../../src/views/ids.js';
import { validateMessageBlocks } from '../../support/slack-emulator/block-kit-limits.js';
import { connectTestDatabase, dropTestDatabase } from '../../support/database.js';
import { FakeScheduler, FakeSlack, silentLogger } from '../../support/fakes.js';
import { defaultSettings } from '../../support/settings.js';
import { seedIncident } from './incident-factory.js';

const settings = defaultSettings();
const T0 = new Date('2024-05-06T10:00:00.000Z');
const min = (n: number) => new Date(T0.getTime() + n * 60_000);

/** A Slack gateway whose next posts fail the way Slack fails. */
class FailingSlack extends FakeSlack {
  failures: ExternalCallError[] = [];
  override async postMessage(channel: string, message: SlackMessage) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    return super.postMessage(channel, message);
  }
}

const slackError = (details: Partial<ExternalCallError['details']>) =>
  new ExternalCallError('slack_call_failed', 'Slack chat.postMessage failed', { method: 'chat.postMessage', retryable: false, ...details });

describe('update reminders (sendDueReminders with a fake clock, FakeSlack and the real database)', () => {
  let slack: FailingSlack;
  let deps: ReminderDeps;
  before(() => connectTestDatabase('update-reminders'));
  after(() => dropTestDatabase());
  beforeEach(async () => {
    await Promise.all([Incident.deleteMany({}), ReminderClaim.deleteMany({})]);
    slack = new FailingSlack();
    deps = { settings, slack, logger: silentLogger() };
  });

  const scanAt = (minutes: number) => sendDueReminders(deps, min(minutes));
  const reminders = (channel?: string) => slack.posts.filter((p) => p.message.metadata?.event_type === MESSAGE_EVENT.reminder && (!channel || p.channel === channel));
  const postUpdate = (incidentId: string, at: Date, actor = 'UALICE') =>
    updateIncident(
      { settings, publisher: { publish: async () => undefined }, scheduler: new FakeScheduler(), logger: silentLogger(), now: () => at },
      { incidentId, actor, origin: 'slack', change: {}, message: 'Still investigating: the CDN provider is on it.', note: true },
    );

  it('posts nothing before the cadence, one reminder at the due time, and none again for the same due time', async () => {
    const incident = await seedIncident({ declared: T0 });
    assert.deepEqual(await scanAt(29), { scanned: 1, due: 0, posted: 0, taken: 0, failed: 0 });
    assert.equal(reminders().length, 0);

    assert.equal((await scanAt(30)).posted, 1);
    const [post] = reminders();
    assert.equal(post!.channel, incident.channel!.id);
    assert.match(post!.message.text, /^🤖 Time to post an update on incident #\d+/);
    assert.deepEqual(post!.message.metadata?.event_payload, { incident_id: incident._id.toString(), due_at: min(30).toISOString() });
    assert.deepEqual(validateMessageBlocks(post!.message.blocks), []);
    assert.deepEqual((await Incident.findById(incident._id).lean())?.reminders?.lastReminderAt, min(30));

    await scanAt(30);
    await scanAt(59);
    assert.equal(reminders().length, 1, 'nothing more for the same due time, nor before the next');
  });

  it('two scans at once post one reminder: the claim decides', async () => {
    await seedIncident({ declared: T0 });
    await seedIncident({ declared: T0, priority: 2 });
    const results = await Promise.all([scanAt(61), scanAt(61), scanAt(61)]);
    assert.equal(reminders().length, 2, 'one per incident');
    assert.equal(results.reduce((n, r) => n + r.posted, 0), 2);
    assert.equal(await ReminderClaim.countDocuments({}), 2);
    // The scans read the incidents as due before any reminder was recorded: the claims let exactly one post each.
    const sum = (key: 'due' | 'taken') => results.reduce((n, r) => n + r[key], 0);
    assert.ok(sum('due') > 2, `due ${sum('due')} times in all`);
    assert.equal(sum('taken'), sum('due') - 2);
  });

  it('repeats a cadence after the last reminder until someone posts an update', async () => {
    await seedIncident({ declared: T0 });
    for (const at of [30, 45, 59, 60, 89, 90, 91]) await scanAt(at);
    assert.deepEqual(
      reminders().map((p) => p.message.metadata?.event_payload.due_at),
      [min(30), min(60), min(90)].map((d) => d.toISOString()),
    );
  });

  it('an update (through updateIncident) silences reminders until a cadence after it', async () => {
    const incident = await seedIncident({ declared: T0 });
    await scanAt(30);
    await postUpdate(incident._id.toString(), min(40));
    for (const at of [45, 60, 69]) await scanAt(at);
    assert.equal(reminders().length, 1, 'none between the update and a cadence after it');
    await scanAt(70);
    assert.equal(reminders().length, 2);
    assert.equal(reminders()[1]!.message.metadata?.event_payload.due_at, min(70).toISOString());
  });

  it('an update posted while the scan is under way is seen before the reminder goes out', async () => {
    const first = await seedIncident({ declared: T0 });
    const second = await seedIncident({ declared: T0 });
    // While the scan posts the first reminder, someone posts an update on the other incident.
    const post = slack.postMessage.bind(slack);
    let other: string | null = null;
    slack.postMessage = async (channel, message) => {
      if (!other) {
        other = channel === first.channel!.id ? second._id.toString() : first._id.toString();
        await postUpdate(other, min(30));
      }
      return post(channel, message);
    };
    const scan = await scanAt(31);
    assert.equal(reminders().length, 1);
    assert.notEqual(reminders()[0]!.message.metadata?.event_payload.incident_id, other);
    assert.deepEqual([scan.scanned, scan.due, scan.posted], [2, 1, 1]);
  });

  it('the P2 and P3 cadences are an hour and four hours', async () => {
    const p2 = await seedIncident({ declared: T0, priority: 2 });
    const p3 = await seedIncident({ declared: T0, priority: 3 });
    for (const at of [59, 60, 239, 240]) await scanAt(at);
    assert.deepEqual(
      reminders().map((p) => [p.channel, p.message.metadata?.event_payload.due_at]),
      [
        [p2.channel!.id, min(60).toISOString()],
        // Due at 2:00, posted by the 3:59 scan (the app was not scanning in between).
        [p2.channel!.id, min(120).toISOString()],
        [p3.channel!.id, min(240).toISOString()],
      ],
    );
  });

  it('snoozing 15 minutes holds the next reminder until the snooze ends', async () => {
    const incident = await seedIncident({ declared: T0 });
    await scanAt(30);
    // At 0:55 the next regular reminder (1:00) is close: a 15-minute snooze moves it to 1:10.
    const snoozed = await snoozeUpdateReminder({ settings, logger: silentLogger(), now: () => min(55) }, { channelId: incident.channel!.id!, actor: 'UALICE', minutes: 15 });
    assert.deepEqual([snoozed.snoozedUntil, snoozed.nextDueAt], [min(70), min(70)]);
    for (const at of [60, 65, 69]) await scanAt(at);
    assert.equal(reminders().length, 1, 'nothing while snoozed');
    await scanAt(70);
    assert.equal(reminders().length, 2);
    await scanAt(99);
    await scanAt(100);
    assert.equal(reminders().length, 3, 'then a cadence after that reminder');
  });

  it('snoozing an hour holds it for the hour, and the latest snooze wins', async () => {
    const incident = await seedIncident({ declared: T0 });
    await scanAt(30);
    const snooze = (at: number, minutes: number) =>
      snoozeUpdateReminder({ settings, logger: silentLogger(), now: () => min(at) }, { channelId: incident.channel!.id!, actor: 'UALICE', minutes });
    const hour = await snooze(31, 60);
    assert.deepEqual(hour.nextDueAt, min(91));
    for (const at of [60, 90]) await scanAt(at);
    assert.equal(reminders().length, 1);
    await scanAt(91);
    assert.equal(reminders().length, 2);
    // Someone asks for less quiet: the regular cadence (2:01) still applies, since a snooze never brings a reminder sooner.
    assert.deepEqual((await snooze(95, 15)).nextDueAt, min(121));
  });

  it('snoozing is for people who may change the incident, with the lengths the settings offer', async () => {
    const incident = await seedIncident({ declared: T0, members: ['UALICE', 'UBOB'] });
    const snooze = (actor: string, minutes: number) =>
      snoozeUpdateReminder({ settings, logger: silentLogger(), now: () => min(31) }, { channelId: incident.channel!.id!, actor, minutes });
    await assert.rejects(snooze('UMALLORY', 15), (e: unknown) => e instanceof RefusedError && e.code === 'not_allowed' && /Join the channel/.test(e.reasons[0]!));
    await assert.rejects(snooze('UBOB', 7), (e: unknown) => e instanceof RefusedError && e.code === 'invalid_change' && /15 or 60 minutes/.test(e.reasons[0]!));
    assert.equal((await Incident.findById(incident._id).lean())?.reminders?.snoozedUntil, null, 'nothing recorded');
    assert.deepEqual((await snooze('UBOB', 15)).snoozedUntil, min(46), 'a member may');
    await assert.rejects(
      snoozeUpdateReminder({ settings, logger: silentLogger() }, { channelId: 'CNOPE', actor: 'UBOB', minutes: 15 }),
      (e: unknown) => (e as { code?: string }).code === 'incident_not_found',
    );
  });

  it('none for P4–P5, for MITIGATED and later, without a channel or with an archived one', async () => {
    const long = min(10_000);
    await seedIncident({ declared: T0, priority: 4 });
    await seedIncident({ declared: T0, priority: 5 });
    for (const status of ['MITIGATED', 'POST_MORTEM', 'CLOSED'] as const) await seedIncident({ declared: T0, status });
    await seedIncident({ declared: T0, channel: { id: null } });
    await seedIncident({ declared: T0, channel: { id: 'CARCHIVED', archived: true } });
    const scan = await sendDueReminders(deps, long);
    assert.deepEqual(scan, { scanned: 0, due: 0, posted: 0, taken: 0, failed: 0 }, 'the query leaves them all out');
    assert.equal(slack.posts.length, 0);
  });

  it('after a restart mid-reminder (claimed, never recorded) it never posts twice for that due time and moves on', async () => {
    const incident = await seedIncident({ declared: T0 });
    // A worker claimed the 0:30 reminder at 0:30, then died before recording it (it may or may not have posted).
    await ReminderClaim.create({ _id: updateReminderKey(incident._id.toString(), min(30)), incidentId: incident._id.toString(), claimedAt: min(30), owner: 'dead-worker' });
    assert.equal((await scanAt(31)).taken, 1, 'another worker may still be posting it');
    assert.equal((await scanAt(36)).taken, 1, 'five minutes on, the claim is stale: taken as posted');
    assert.deepEqual((await Incident.findById(incident._id).lean())?.reminders?.lastReminderAt, min(30));
    await scanAt(37);
    await scanAt(59);
    assert.equal(reminders().length, 0);
    await scanAt(60);
    assert.equal(reminders().length, 1, 'the next due time, a cadence after the claimed one');
  });

  it('a post Slack clearly refused for now (rate limit) is retried on the next scan; one whose outcome is unknown is not', async () => {
    await seedIncident({ declared: T0 });
    slack.failures.push(slackError({ status: 429, retryable: true, retryAfterMs: 1000 }));
    assert.equal((await scanAt(30)).failed, 1);
    assert.equal((await scanAt(31)).posted, 1, 'the claim was given back');
    assert.equal(reminders()[0]!.message.metadata?.event_payload.due_at, min(30).toISOString());

    slack.failures.push(slackError({ retryable: true, outcomeUnknown: true }));
    assert.equal((await scanAt(61)).failed, 1);
    await scanAt(62);
    assert.equal(reminders().length, 1, 'maybe posted: not again for that due time');
    await scanAt(91);
    assert.equal(reminders().length, 2, 'the next one a cadence later');
  });

  it('an archived channel Slack tells of is recorded, and the incident leaves the scan', async () => {
    const incident = await seedIncident({ declared: T0 });
    slack.failures.push(slackError({ apiError: 'is_archived' }));
    assert.equal((await scanAt(30)).failed, 1);
    assert.equal((await Incident.findById(incident._id).lean())?.channel?.archived, true);
    assert.equal((await scanAt(120)).scanned, 0);
  });

  it('the reminder offers to post an update and the snoozes of the settings', async () => {
    const incident = await seedIncident({ declared: T0, commander: 'UCMD' });
    await scanAt(30);
    const blocks = JSON.stringify(reminders()[0]!.message.blocks);
    assert.ok(blocks.includes(`"action_id":"${REMINDER_ACTION.updateNow}"`) && blocks.includes(`"value":"${incident._id.toString()}"`));
    assert.ok(blocks.includes('Snooze 15 min') && blocks.includes('Snooze 1 h'));
    assert.ok(blocks.includes('<@UCMD> (commander)'), 'the commander is called on');
  });
});
