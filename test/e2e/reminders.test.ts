import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/app.js';
import { secretsOf } from '../../src/config.js';
import { JOB } from '../../src/listeners/jobs/names.js';
import { Incident } from '../../src/models/incident.js';
import { ReminderClaim } from '../../src/models/reminder-claim.js';
import { SCOPES_BY_METHOD } from '../../src/services/slack/scopes.js';
import { INCIDENT_CALLBACK, REMINDER_ACTION, reminderSnoozeActionId } from '../../src/views/ids.js';
import { eventually, startHarness, stepsSettled, type Harness } from '../support/app-harness.js';
import { declareThroughSlack } from '../support/declare-driver.js';
import { validateMessageBlocks } from '../support/slack-emulator/block-kit-limits.js';
import type { SlackMessage } from '../support/slack-emulator/index.js';

const MINUTE = 60_000;
/** The scan runs every 200 ms here instead of every minute; everything else is the production app. */
const JOBS = { updateRemindersEveryMs: 200 };

/** Resolves after `count` runs of the update reminder job that started after this call, on this app. */
function reminderScans(app: RunningApp, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let started = 0;
    let finished = 0;
    const ours = new Set<unknown>();
    const onStart = (job: unknown) => {
      started++;
      ours.add(job);
    };
    const onComplete = (job: unknown) => {
      if (!ours.has(job)) return;
      finished++;
      if (finished >= count) {
        app.agenda.off(`start:${JOB.updateReminders}`, onStart);
        app.agenda.off(`complete:${JOB.updateReminders}`, onComplete);
        clearTimeout(timer);
        resolve();
      }
    };
    const timer = setTimeout(() => reject(new Error(`only ${finished} of ${count} reminder scans (${started} started) in 10 s`)), 10_000);
    app.agenda.on(`start:${JOB.updateReminders}`, onStart);
    app.agenda.on(`complete:${JOB.updateReminders}`, onComplete);
  });
}

const isReminder = (m: SlackMessage) => m.text.startsWith('🤖 Time to post an update');

describe('update reminders (end to end: the real app, its Agenda jobs and Slack over Socket Mode)', () => {
  let h: Harness;
  beforeEach(async function () {
    h = await startHarness(this.currentTest?.title ?? 'reminders', { start: false });
    await h.startApp({ jobs: JOBS });
  });
  afterEach(async () => {
    const unlisted = [...new Set(h.slack.calls().map((c) => c.method))].filter((m) => !(m in SCOPES_BY_METHOD) && m !== 'apps.connections.open');
    await h.stop();
    assert.deepEqual(unlisted, [], 'methods called without their scopes listed');
    const logs = h.logLines.join('');
    for (const secret of secretsOf(h.config)) assert.ok(!logs.includes(secret), 'no secret in the logs');
  });

  it('reminds a P1 channel, snoozes, opens the update form, and posts once per due time across a restart', async () => {
    const alice = h.users.alice.id;
    const bob = h.users.bob.id;
    await declareThroughSlack(h, alice, {
      impacts: { business: 'Highest' },
      fields: { Category: 'Payment', Title: 'Card payments failing at checkout', Description: 'Every card payment fails since 10:02 with a 502 from the PSP.' },
    });
    const declared = await stepsSettled(1);
    const channel = declared.channel!.id!;
    const reminders = () => h.slack.messages(channel).filter(isReminder);

    // Nothing while the last update is younger than the P1 cadence (30 min).
    await reminderScans(h.app!, 2);
    assert.equal(reminders().length, 0);

    // The app's clock is real: make the declaration 31 minutes old instead of waiting for it.
    const declaredAt = new Date(Date.now() - 31 * MINUTE);
    await Incident.updateOne({ _id: declared._id }, { $set: { 'milestones.declared': declaredAt, lastUpdateAt: null } });
    const reminder = await eventually(() => reminders()[0], 'the update reminder in the channel');
    assert.match(reminder.text, /^🤖 Time to post an update on incident #1/);
    assert.deepEqual(validateMessageBlocks(reminder.blocks), []);
    const dueAt = new Date(declaredAt.getTime() + 30 * MINUTE);
    assert.ok(await ReminderClaim.findById(`update-reminder:${declared._id.toString()}:${dueAt.toISOString()}`), 'claimed for its due time');
    await reminderScans(h.app!, 2);
    assert.equal(reminders().length, 1, 'one reminder for one due time');

    // Bob is not in the channel and has no role: he is told why, only him, and nothing changes.
    const snooze15 = reminderSnoozeActionId(15);
    await h.slack.sendBlockAction({ userId: bob, actionId: snooze15, channelId: channel, messageTs: reminder.ts, value: '15' });
    const refusal = await eventually(() => h.slack.ephemerals(bob).find((m) => m.text.includes('Join the channel')), 'the refusal, to Bob only');
    assert.match(refusal.text, /Only members of incident #1's channel/);
    assert.equal((await Incident.findById(declared._id).lean())?.reminders?.snoozedUntil, null);

    // Alice snoozes for 15 minutes: the reminder says so.
    const before = Date.now();
    const ack = await h.slack.sendBlockAction({ userId: alice, actionId: snooze15, channelId: channel, messageTs: reminder.ts, value: '15' });
    assert.ok(ack.acked && ack.ackMs < 3000);
    const updated = await eventually(() => {
      const m = h.slack.messages(channel).find((x) => x.ts === reminder.ts);
      return m && JSON.stringify(m.blocks).includes(`Snoozed by <@${alice}>`) ? m : null;
    }, 'the reminder updated with the snooze');
    assert.deepEqual(validateMessageBlocks(updated.blocks), []);
    const snoozedUntil = (await Incident.findById(declared._id).lean())?.reminders?.snoozedUntil;
    assert.ok(snoozedUntil && Math.abs(snoozedUntil.getTime() - (before + 15 * MINUTE)) < 5000, 'snoozed for 15 minutes');

    // Even with the regular reminder due again (its last one 31 minutes ago), the snooze holds it.
    await Incident.updateOne({ _id: declared._id }, { $set: { 'reminders.lastReminderAt': new Date(Date.now() - 31 * MINUTE) } });
    await reminderScans(h.app!, 3);
    assert.equal(reminders().length, 1, 'no new reminder while snoozed');

    // "Post an update" opens the update form; Bob is told he may not.
    const opened = h.slack.calls('views.open').length;
    await h.slack.sendBlockAction({ userId: alice, actionId: REMINDER_ACTION.updateNow, channelId: channel, messageTs: reminder.ts });
    await h.slack.waitForCalls('views.open', opened + 1);
    assert.equal(h.slack.openViews(alice).at(-1)?.callback_id, INCIDENT_CALLBACK.update);
    await h.slack.sendBlockAction({ userId: bob, actionId: REMINDER_ACTION.updateNow, channelId: channel, messageTs: reminder.ts });
    await eventually(() => h.slack.ephemerals(bob).filter((m) => m.text.includes('Join the channel')).length === 2, 'the second refusal');
    assert.equal(h.slack.openViews(bob).length, 0);

    // A crash after posting, before recording: the incident is back to the state that made the first reminder due.
    await Incident.updateOne({ _id: declared._id }, { $set: { 'reminders.lastReminderAt': null, 'reminders.snoozedUntil': null } });
    await h.app!.stop();
    await h.startApp({ jobs: JOBS });
    await reminderScans(h.app!, 3);
    assert.equal(reminders().length, 1, 'no second reminder for the same due time after the restart');

    // The job survived the restart: a new due time gets its reminder.
    await Incident.updateOne({ _id: declared._id }, { $set: { 'milestones.declared': new Date(Date.now() - 45 * MINUTE) } });
    await eventually(() => reminders().length === 2, 'the next reminder after the restart');
    await reminderScans(h.app!, 2);
    assert.equal(reminders().length, 2);
  });
});
