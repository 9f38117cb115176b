import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { INCIDENT_STATUSES } from '../../../src/models/incident.js';
import {
  nextUpdateReminderDue,
  postmortemReminderDue,
  remindedPriorities,
  type ReminderSubject,
} from '../../../src/services/reminders/reminder-schedule.js';
import { parseSettings } from '../../../src/settings/load-settings.js';
import { defaultSettings, settingsWith } from '../../support/settings.js';

const settings = defaultSettings();
const T0 = new Date('2024-05-06T10:00:00.000Z');
const min = (n: number) => new Date(T0.getTime() + n * 60_000);
const day = (n: number) => new Date(T0.getTime() + n * 24 * 60 * 60_000);

function incident(overrides: Partial<ReminderSubject> = {}): ReminderSubject {
  return {
    status: 'INVESTIGATING',
    priority: 1,
    environments: ['PRD'],
    channel: { id: 'C1', archived: false },
    milestones: { declared: T0, mitigated: null },
    lastUpdateAt: null,
    reminders: { lastReminderAt: null, snoozedUntil: null, postmortemReminderAt: null },
    ...overrides,
  };
}

const CHANNELS = {
  live: { id: 'C1', archived: false },
  archived: { id: 'C1', archived: true },
  none: { id: null, archived: false },
  missing: null,
} as const;

describe('nextUpdateReminderDue (when the "time to post an update" reminder is due)', () => {
  it('is due only for OPEN, INVESTIGATING, MITIGATING P1–P3 incidents with a live channel: every combination', () => {
    let due = 0;
    for (const status of INCIDENT_STATUSES) {
      for (const priority of [1, 2, 3, 4, 5]) {
        for (const [channelName, channel] of Object.entries(CHANNELS)) {
          const result = nextUpdateReminderDue(incident({ status, priority, channel }), settings);
          const expected = ['OPEN', 'INVESTIGATING', 'MITIGATING'].includes(status) && priority <= 3 && channelName === 'live';
          assert.equal(result !== null, expected, `${status} P${priority} channel ${channelName}`);
          if (result) due++;
        }
      }
    }
    assert.equal(due, 3 * 3, 'three statuses × three priorities');
  });

  it('is one cadence after the declaration when nobody has posted an update: P1 30 min, P2 1 h, P3 4 h', () => {
    assert.deepEqual(
      [1, 2, 3].map((priority) => nextUpdateReminderDue(incident({ priority }), settings)),
      [min(30), min(60), min(240)],
    );
  });

  it('takes the cadence from the settings, and follows a priority change at once', () => {
    const custom = settingsWith((s) => {
      s.priorities.find((p) => p.value === 2)!.updateCadenceMinutes = 45;
    });
    assert.deepEqual(nextUpdateReminderDue(incident({ priority: 2 }), custom), min(45));
    // Escalated from P3 (4 h) to P1: the 30-minute cadence counts from the same last update.
    assert.deepEqual(nextUpdateReminderDue(incident({ priority: 1, lastUpdateAt: min(10) }), settings), min(40));
  });

  it('reminds the priorities that get a channel in the settings, not a number fixed in code', () => {
    const withP4Channels = settingsWith((s) => {
      s.priorities.find((p) => p.value === 4)!.responseType = 'critical';
    });
    assert.deepEqual(remindedPriorities(settings), [1, 2, 3]);
    assert.deepEqual(nextUpdateReminderDue(incident({ priority: 4 }), withP4Channels), min(1440));
  });

  // Each case: the last update, the last reminder and the snooze (minutes after T0, null = none), and the due time.
  const cases: Array<[string, number | null, number | null, number | null, number]> = [
    ['an update counts from its own time', 12, null, null, 42],
    ['a reminder repeats one cadence after the last reminder', null, 30, null, 60],
    ['a reminder posted late (the app was down) repeats a cadence after it was posted', null, 95, null, 125],
    ['an update after a reminder starts the count again from the update', 40, 30, null, 70],
    ['a reminder after an update counts from the reminder', 10, 41, null, 71],
    ['a snooze that ends after the regular due time holds the reminder until it ends', null, 30, 91, 91],
    ['a snooze that ends before the regular due time changes nothing', null, 30, 45, 60],
    ['a snooze ending exactly at the regular due time', null, 30, 60, 60],
    ['a snooze before any reminder', null, null, 75, 75],
    ['a snooze made before an update still holds after it', 50, 30, 120, 120],
    ['an update after a snooze ended counts from the update', 130, 30, 120, 160],
    ['a last reminder older than the last update is ignored', 100, 30, null, 130],
  ];
  for (const [what, update, reminder, snooze, expected] of cases) {
    it(what, () => {
      const subject = incident({
        lastUpdateAt: update === null ? null : min(update),
        reminders: { lastReminderAt: reminder === null ? null : min(reminder), snoozedUntil: snooze === null ? null : min(snooze), postmortemReminderAt: null },
      });
      assert.deepEqual(nextUpdateReminderDue(subject, settings), min(expected));
    });
  }

  it('reads incidents stored before reminders existed (no reminders sub-document)', () => {
    const old = incident();
    delete old.reminders;
    assert.deepEqual(nextUpdateReminderDue(old, settings), min(30));
  });

  it('over 2,000 random states: never before a cadence after the last update or the last reminder, nor before a snooze ends, and exactly the latest of these', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const maybe = () => (rand(3) === 0 ? null : min(rand(600)));
    for (let i = 0; i < 2000; i++) {
      const priority = 1 + rand(3);
      const cadence = [30, 60, 240][priority - 1]!;
      const subject = incident({ priority, lastUpdateAt: maybe(), reminders: { lastReminderAt: maybe(), snoozedUntil: maybe(), postmortemReminderAt: null } });
      const due = nextUpdateReminderDue(subject, settings)!.getTime();
      const bounds = [
        (subject.lastUpdateAt ?? T0).getTime() + cadence * 60_000,
        ...(subject.reminders?.lastReminderAt ? [subject.reminders.lastReminderAt.getTime() + cadence * 60_000] : []),
        ...(subject.reminders?.snoozedUntil ? [subject.reminders.snoozedUntil.getTime()] : []),
      ];
      assert.equal(due, Math.max(...bounds), `case ${i}`);
    }
  });
});

describe('postmortemReminderDue (the reminder 5 days after MITIGATED)', () => {
  const mitigated = (overrides: Partial<ReminderSubject> = {}) =>
    incident({ status: 'MITIGATED', milestones: { declared: T0, mitigated: min(90) }, ...overrides });

  it('is due postmortemAfterDays after MITIGATED', () => {
    assert.deepEqual(postmortemReminderDue(mitigated(), settings), new Date(min(90).getTime() + 5 * 24 * 60 * 60_000));
    const twoDays = settingsWith((s) => {
      s.reminders.postmortemAfterDays = 2;
    });
    assert.deepEqual(postmortemReminderDue(mitigated(), twoDays), new Date(min(90).getTime() + 2 * 24 * 60 * 60_000));
  });

  it('only in MITIGATED and POST_MORTEM', () => {
    for (const status of INCIDENT_STATUSES) {
      assert.equal(postmortemReminderDue(mitigated({ status }), settings) !== null, status === 'MITIGATED' || status === 'POST_MORTEM', status);
    }
  });

  it('only for incidents that need a post-mortem (P1/P2 in production by default)', () => {
    for (const priority of [1, 2, 3, 4, 5]) {
      for (const environments of [['PRD'], ['STG'], ['STG', 'PRD']]) {
        const needs = priority <= 2 && environments.includes('PRD');
        assert.equal(postmortemReminderDue(mitigated({ priority, environments }), settings) !== null, needs, `P${priority} ${environments.join(',')}`);
      }
    }
  });

  it('once: not after it was posted; not without a mitigation time or a live channel', () => {
    assert.equal(postmortemReminderDue(mitigated({ reminders: { postmortemReminderAt: day(5) } }), settings), null);
    assert.equal(postmortemReminderDue(mitigated({ milestones: { declared: T0, mitigated: null } }), settings), null);
    assert.equal(postmortemReminderDue(mitigated({ channel: CHANNELS.archived }), settings), null);
    assert.equal(postmortemReminderDue(mitigated({ channel: CHANNELS.none }), settings), null);
  });
});

describe('reminder settings', () => {
  it('a settings file written before reminders existed still loads, with 5 days and snoozes of 15 min and 1 h', () => {
    const json = JSON.parse(readFileSync('config/settings.json', 'utf8')) as Record<string, unknown>;
    delete json.reminders;
    assert.deepEqual(parseSettings(json).reminders, { postmortemAfterDays: 5, snoozeMinutes: [15, 60] });
  });

  it('refuses snooze lengths that repeat (each is a button with its own action id) and a delay of zero days', () => {
    const json = JSON.parse(readFileSync('config/settings.json', 'utf8')) as Record<string, unknown>;
    assert.throws(() => parseSettings({ ...json, reminders: { snoozeMinutes: [15, 15] } }), /snooze lengths must differ/);
    assert.throws(() => parseSettings({ ...json, reminders: { postmortemAfterDays: 0 } }), /reminders\.postmortemAfterDays/);
  });
});
