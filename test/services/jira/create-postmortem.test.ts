import assert from 'node:assert/strict';
import { postmortemDescription, postmortemLabel } from '../../../src/services/jira/create-postmortem.js';
import { postmortemCreatedMessage } from '../../../src/views/postmortem-messages.js';
import { validateMessageBlocks } from '../../support/slack-emulator/block-kit-limits.js';
import { defaultSettings } from '../../support/settings.js';

const settings = defaultSettings();
const t = (minute: number) => new Date(Date.UTC(2026, 0, 5, 14, minute));

describe('the post-mortem issue', () => {
  it('is keyed by a label made from the incident id', () => {
    assert.equal(postmortemLabel(settings, '65a1b2c3d4e5f60718293a4b'), 'incident-65a1b2c3d4e5f60718293a4b-postmortem');
  });

  it('describes the key events, the metrics and the timeline of status changes in order', () => {
    const text = postmortemDescription(
      settings,
      {
        number: 7,
        title: 'Checkout returns 500',
        description: 'Every checkout fails.',
        priority: 1,
        ticketKey: 'INC-7',
        milestones: { started: t(0), detected: t(5), declared: t(10), mitigated: t(40), recovered: null, resolved: null },
      },
      [
        { eventType: 'status_changed', eventAt: t(40), origin: 'slack', message: 'Rolled back.', changes: { status: { from: 'MITIGATING', to: 'MITIGATED' } } },
        { eventType: 'declared', eventAt: t(10), origin: 'slack', message: null, changes: {} },
        { eventType: 'status_changed', eventAt: t(20), origin: 'jira', message: null, changes: { status: { from: 'OPEN', to: 'INVESTIGATING' } } },
        { eventType: 'updated', eventAt: t(25), origin: 'slack', message: null, changes: { category: { from: 'a', to: 'b' } } },
      ],
    );
    assert.match(text, /^Post-mortem of incident #7 \(P1\): Checkout returns 500\nIncident ticket: INC-7/);
    assert.match(text, /- started: 2026-01-05 14:00 UTC\n- detected: 2026-01-05 14:05 UTC/);
    assert.match(text, /- recovered: not recorded/);
    assert.match(text, /Time to detect: /);
    const timeline = text.split('Timeline\n')[1]!.split('\n\n')[0]!.split('\n');
    assert.deepEqual(timeline, [
      '- 2026-01-05 14:10 UTC: declared',
      '- 2026-01-05 14:20 UTC: status Open → Investigating (from jira)',
      '- 2026-01-05 14:40 UTC: status Mitigating → Mitigated — Rolled back.',
    ]);
  });

  it('stays within Jira’s description size with a very long timeline', () => {
    const updates = Array.from({ length: 500 }, (_, i) => ({ eventType: 'note', eventAt: t(i % 60), origin: 'slack' as const, message: 'x'.repeat(300), changes: {} }));
    const text = postmortemDescription(settings, { number: 1, title: 't', description: 'd', priority: 2, ticketKey: null, milestones: { declared: t(0) } }, updates);
    assert.ok(text.length <= 30_000);
    assert.match(text, /timeline cut/);
  });

  it('its Slack message links it, names the assignee and stays within Slack limits', () => {
    const message = postmortemCreatedMessage({ incidentId: 'abc', number: 3, key: 'INCIDENT-4', url: 'https://jira.example/browse/INCIDENT-4', assigneeSlackId: 'U123' });
    assert.deepEqual(validateMessageBlocks(message.blocks), []);
    assert.match(JSON.stringify(message.blocks), /<https:\/\/jira.example\/browse\/INCIDENT-4\|INCIDENT-4>.*<@U123>/);
    assert.equal(message.metadata?.event_type, 'incident_postmortem_created');
  });
});
