import assert from 'node:assert/strict';
import { REMINDER_ACTION, REMINDER_BLOCK, REMINDER_SNOOZE_ACTION } from '../../src/views/ids.js';
import { postmortemReminderMessage, snoozeLabel, updateReminderMessage, type ReminderFacts } from '../../src/views/reminder-messages.js';
import { validateMessageBlocks } from '../support/slack-emulator/block-kit-limits.js';
import { defaultSettings, settingsWith } from '../support/settings.js';

const facts: ReminderFacts = {
  id: '65f000000000000000000001',
  number: 987654,
  title: 'T<&>'.repeat(1000),
  priority: 1,
  status: 'INVESTIGATING',
  commanderSlackId: 'U0123456789',
  lastUpdateAt: new Date('2024-05-06T10:00:00.000Z'),
};
const due = new Date('2024-05-06T10:30:00.000Z');

type Block = { type: string; block_id?: string; elements?: Array<{ action_id?: string; value?: string; text?: { text: string } }>; text?: { text: string } };
const blocksOf = (message: { blocks?: unknown[] }) => (message.blocks ?? []) as Block[];
const buttons = (message: { blocks?: unknown[] }) => blocksOf(message).find((b) => b.block_id === REMINDER_BLOCK.actions)?.elements ?? [];

describe('reminder messages', () => {
  const settings = defaultSettings();

  it('stay within Slack limits at the longest inputs, with and without a snooze note', () => {
    const snooze = { bySlackId: 'U0123456789', until: new Date('2024-05-06T11:30:00.000Z'), nextDueAt: new Date('2024-05-06T11:30:00.000Z') };
    for (const message of [
      updateReminderMessage(settings, facts, { dueAt: due }),
      updateReminderMessage(settings, { ...facts, commanderSlackId: null }, { snooze }),
      updateReminderMessage(settings, facts, { snooze: { ...snooze, nextDueAt: null } }),
      postmortemReminderMessage(settings, facts, { mitigatedAt: due, days: 5 }),
      postmortemReminderMessage(settings, { ...facts, status: 'POST_MORTEM', commanderSlackId: null }, { mitigatedAt: due, days: 1 }),
    ]) {
      assert.deepEqual(validateMessageBlocks(message.blocks), []);
      assert.ok(message.text.length > 0 && message.text.length <= 3000);
      assert.ok(!JSON.stringify(message.blocks).includes('T<&>'), 'the title is escaped');
    }
  });

  it('the update reminder: its heading, the cadence, the commander, and buttons to post an update or snooze', () => {
    const message = updateReminderMessage(settings, { ...facts, title: 'Checkout down' }, { dueAt: due });
    const text = blocksOf(message)[0]!.text!.text;
    assert.match(text, /^🤖 \*Time to post an update\* on incident #987654 _Checkout down_/);
    assert.match(text, /The last update was <!date\^1714989600\^\{date_short_pretty\} at \{time\}\|2024-05-06 10:00 UTC>/);
    assert.match(text, /🌪️ P1 incidents get one every 30 min: <@U0123456789> \(commander\)/);
    assert.deepEqual(
      buttons(message).map((b) => [b.action_id, b.text?.text, b.value]),
      [
        [REMINDER_ACTION.updateNow, 'Post an update', facts.id],
        ['reminder_snooze_15', 'Snooze 15 min', '15'],
        ['reminder_snooze_60', 'Snooze 1 h', '60'],
      ],
    );
    for (const b of buttons(message).slice(1)) assert.match(b.action_id!, REMINDER_SNOOZE_ACTION, 'the snooze listener matches every snooze button');
    assert.deepEqual(message.metadata, { event_type: 'incident_update_reminder', event_payload: { incident_id: facts.id, due_at: due.toISOString() } });
  });

  it('after a snooze: who snoozed it, until when, and when the next reminder comes', () => {
    const until = new Date('2024-05-06T10:45:00.000Z');
    const next = new Date('2024-05-06T11:00:00.000Z');
    const message = updateReminderMessage(settings, facts, { snooze: { bySlackId: 'UBOB', until, nextDueAt: next } });
    const note = blocksOf(message).find((b) => b.block_id === REMINDER_BLOCK.snoozed);
    assert.equal(
      (note?.elements?.[0] as { text?: string } | undefined)?.text,
      ':zzz: Snoozed by <@UBOB> until <!date^1714992300^{time}|2024-05-06 10:45 UTC>. Next reminder <!date^1714993200^{time}|2024-05-06 11:00 UTC> unless someone posts an update.',
    );
    assert.equal(buttons(message).length, 3, 'the buttons stay, for another snooze or the update');
    assert.equal(message.metadata, undefined, 'an edit keeps the metadata of the post');
  });

  it('snooze buttons follow the settings', () => {
    const custom = settingsWith((s) => {
      s.reminders.snoozeMinutes = [10, 90, 120];
    });
    assert.deepEqual(
      buttons(updateReminderMessage(custom, facts)).map((b) => b.text?.text),
      ['Post an update', 'Snooze 10 min', 'Snooze 1 h 30 min', 'Snooze 2 h'],
    );
    assert.deepEqual([15, 60, 90, 240].map(snoozeLabel), ['15 min', '1 h', '1 h 30 min', '4 h']);
  });

  it('the post-mortem reminder: five days, the steps left, and a button to update the incident', () => {
    const mitigated = postmortemReminderMessage(settings, { ...facts, status: 'MITIGATED', title: 'Checkout down' }, { mitigatedAt: due, days: 5 });
    const text = blocksOf(mitigated)[0]!.text!.text;
    assert.match(mitigated.text, /^⏰ This incident was mitigated 5 days ago; its post-mortem is due\./);
    assert.match(text, /1\. Move the incident to \*Post-mortem\*/);
    assert.match(text, /4\. Close the incident\./);
    assert.deepEqual(buttons(mitigated).map((b) => [b.action_id, b.value]), [[REMINDER_ACTION.updateNow, facts.id]]);
    const inPostmortem = blocksOf(postmortemReminderMessage(settings, { ...facts, status: 'POST_MORTEM' }, { mitigatedAt: due, days: 1 }))[0]!.text!.text;
    assert.ok(!inPostmortem.includes('Move the incident'), 'no step already done');
    assert.match(inPostmortem, /mitigated 1 day ago/);
  });
});
