import assert from 'node:assert/strict';
import { UnreachableStatusError, walkToStatus } from '../../../src/services/jira/walk-transitions.js';
import { jiraStatusOrder } from '../../../src/services/jira/sync-incident-to-jira.js';
import { FakeJira } from '../../support/fakes.js';
import { defaultSettings } from '../../support/settings.js';

const order = jiraStatusOrder(defaultSettings());

describe('walking a Jira ticket through its workflow', () => {
  let jira: FakeJira;
  beforeEach(() => {
    jira = new FakeJira();
  });

  it('takes the direct transition when there is one, marking before the hop', async () => {
    const marked: string[] = [];
    const result = await walkToStatus(jira, 'INC-1', 'Pending resolution', order, { beforeHop: async (to) => void marked.push(to) });
    assert.deepEqual(result, { from: 'Incoming', hops: [{ id: '21', to: 'Pending resolution' }] });
    assert.deepEqual(marked, ['Pending resolution']);
  });

  it('walks forward hop by hop, re-reading the transitions after each one', async () => {
    const marked: string[] = [];
    const result = await walkToStatus(jira, 'INC-1', 'Reporter validation', order, { beforeHop: async (to) => void marked.push(to) });
    assert.deepEqual(result.hops.map((h) => h.id), ['21', '31', '41']);
    assert.deepEqual(marked, ['Pending resolution', 'in progress', 'Reporter validation']);
    assert.equal(jira.statuses.get('INC-1'), 'Reporter validation');
    assert.deepEqual(jira.calls.filter((c) => c === 'getTransitions').length, 3);
  });

  it('matches status names case-insensitively and does nothing at the target', async () => {
    jira.statuses.set('INC-1', 'In Progress');
    const result = await walkToStatus(jira, 'INC-1', 'in progress', order);
    assert.deepEqual(result.hops, []);
    assert.deepEqual(jira.calls, ['getIssueStatus']);
  });

  it('closes through the global transition from anywhere', async () => {
    jira.statuses.set('INC-1', 'Pending resolution');
    const result = await walkToStatus(jira, 'INC-1', 'closed', order);
    assert.deepEqual(result.hops, [{ id: '51', to: 'Closed' }]);
  });

  it('reopens and walks forward again', async () => {
    jira.statuses.set('INC-1', 'Closed');
    const result = await walkToStatus(jira, 'INC-1', 'in progress', order);
    assert.deepEqual(result.hops.map((h) => h.to), ['Incoming', 'Pending resolution', 'in progress']);
  });

  it('leaves an unknown status (a CI workflow step) towards a known one', async () => {
    jira.workflow.push({ id: '71', name: 'Review', from: ['Code review'], to: 'Pending resolution' });
    jira.statuses.set('INC-1', 'Code review');
    const result = await walkToStatus(jira, 'INC-1', 'in progress', order);
    assert.deepEqual(result.hops.map((h) => h.id), ['71', '31']);
  });

  it('goes back through a detour (Close, Reopen) when the workflow has no way back', async () => {
    jira.statuses.set('INC-1', 'Reporter validation');
    const result = await walkToStatus(jira, 'INC-1', 'in progress', order);
    assert.deepEqual(result.hops.map((h) => h.to), ['Closed', 'Incoming', 'Pending resolution', 'in progress']);
  });

  it('stops with a clear error when the target cannot be reached, without moving the ticket', async () => {
    jira.workflow = jira.workflow.filter((t) => t.id !== '51');
    jira.statuses.set('INC-1', 'Reporter validation');
    await assert.rejects(walkToStatus(jira, 'INC-1', 'in progress', order), (e: unknown) => {
      assert.ok(e instanceof UnreachableStatusError);
      assert.match(e.message, /no way from "Reporter validation" to "in progress" \(transitions offered: none\)/);
      return true;
    });
    assert.equal(jira.statuses.get('INC-1'), 'Reporter validation');
  });

  it('gives up after the hop limit instead of wandering', async () => {
    jira.workflow = [
      { id: '1', name: 'a', from: ['Incoming'], to: 'Pending resolution' },
      { id: '2', name: 'b', from: ['Pending resolution'], to: 'in progress' },
    ];
    await assert.rejects(walkToStatus(jira, 'INC-1', 'Closed', order, { maxHops: 1 }), /gave up after 1 transitions/);
  });

  it('propagates a Jira failure (the job retries) after the hops already made', async () => {
    jira.failures.push({ method: 'transition', error: new Error('HTTP 500') });
    await assert.rejects(walkToStatus(jira, 'INC-1', 'in progress', order), /HTTP 500/);
    const result = await walkToStatus(jira, 'INC-1', 'in progress', order);
    assert.deepEqual(result.hops.map((h) => h.id), ['21', '31']);
  });
});
