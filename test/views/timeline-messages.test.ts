import assert from 'node:assert/strict';
import { encodePendingMessage, pickIncidentForMessageModal, plainTextOfMessage, timelineOutcomeMessage, type PendingTimelineMessage } from '../../src/views/timeline-messages.js';
import { TIMELINE_BLOCK, TIMELINE_CALLBACK } from '../../src/views/ids.js';
import { formatIssues, validateView } from '../support/slack-emulator/block-kit-limits.js';

const pending = (text: string): PendingTimelineMessage => ({
  channel: 'CGENERAL',
  ts: '1700000100.000200',
  author: 'UBOB',
  text,
  complete: true,
  responseUrl: 'https://hooks.slack.com/app/T1/123/abc',
});

describe('timeline message views', () => {
  it('the incident picker lists up to 100 open incidents and stays within Slack’s limits', () => {
    const incidents = Array.from({ length: 150 }, (_, i) => ({ id: `id${i}`, number: i + 1, title: `Incident with a rather long title number ${i} `.repeat(3) }));
    const view = pickIncidentForMessageModal(incidents, pending('Customers see broken images'));
    assert.deepEqual(formatIssues(validateView(view)), []);
    assert.equal(view.callback_id, TIMELINE_CALLBACK.pickIncident);
    const input = view.blocks.find((b) => b.block_id === TIMELINE_BLOCK.incident) as { element: { options: unknown[] } };
    assert.equal(input.element.options.length, 100);
    assert.deepEqual(JSON.parse(view.private_metadata ?? ''), pending('Customers see broken images'));
  });

  it('says there is nothing to pick when no incident is open, without a submit button', () => {
    const view = pickIncidentForMessageModal([], pending('hello'));
    assert.deepEqual(formatIssues(validateView(view)), []);
    assert.equal(view.submit, undefined);
    assert.match(JSON.stringify(view.blocks), /no open incident/);
  });

  it('cuts a long message to fit private_metadata, and marks it cut', () => {
    for (const text of ['a'.repeat(40_000), '"\n'.repeat(5_000), '😀'.repeat(4_000)]) {
      const encoded = encodePendingMessage(pending(text));
      assert.ok([...encoded].length <= 3000, `${[...encoded].length} characters`);
      const back = JSON.parse(encoded) as PendingTimelineMessage;
      assert.equal(back.complete, false);
      assert.ok(text.startsWith(back.text) && back.text.length > 1000, `kept ${back.text.length}`);
      assert.deepEqual(formatIssues(validateView(pickIncidentForMessageModal([{ id: 'x', number: 1, title: 't' }], pending(text)))), []);
    }
  });

  it('turns Slack markup into plain text', () => {
    assert.equal(plainTextOfMessage('<!here> <@U1|ann> in <#C1|ops>: <https://x.example|the graph> &amp; <https://y.example>'), '@here @ann in #ops: the graph (https://x.example) & https://y.example');
  });

  it('answers each outcome in one short line, with FireFighter’s wording for a duplicate', () => {
    assert.equal(timelineOutcomeMessage({ kind: 'duplicate', incidentNumber: 3 }).text, ':x: This message is already in the incident timeline.');
    assert.match(timelineOutcomeMessage({ kind: 'added', incidentNumber: 3, updateId: 'u' }).text, /incident #3/);
    assert.match(timelineOutcomeMessage({ kind: 'refused', reason: 'Join the channel first.' }).text, /^:x: Join the channel first\.$/);
  });
});
