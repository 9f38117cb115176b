import assert from 'node:assert/strict';
import { INCIDENT_STATUSES, type IncidentStatus } from '../../../src/models/incident.js';
import { allowedTransitions, needsPostmortem, refuseTransition, TRANSITIONS, type TransitionSubject } from '../../../src/services/incidents/status-transitions.js';
import { defaultSettings } from '../../support/settings.js';

const settings = defaultSettings();
const allKeyEvents = { started: new Date(1), detected: new Date(2), recovered: new Date(3) };
const p1Production = (status: IncidentStatus): TransitionSubject => ({ status, priority: 1, environments: ['PRD'], milestones: allKeyEvents });
const p3Production = (status: IncidentStatus): TransitionSubject => ({ status, priority: 3, environments: ['PRD'], milestones: allKeyEvents });
const complete = { message: 'A message that is long enough.', closureReason: 'duplicate' as const };

/** What the table says, written out by hand: [from, to] pairs allowed for each kind of incident. */
const EXPECTED: Record<'needs_postmortem' | 'no_postmortem', string[]> = {
  needs_postmortem: [
    'OPEN>INVESTIGATING', 'OPEN>CLOSED',
    'INVESTIGATING>MITIGATING', 'INVESTIGATING>CLOSED',
    'MITIGATING>MITIGATED',
    'MITIGATED>POST_MORTEM', 'MITIGATED>INVESTIGATING', 'MITIGATED>MITIGATING',
    'POST_MORTEM>CLOSED',
  ],
  no_postmortem: [
    'OPEN>INVESTIGATING', 'OPEN>CLOSED',
    'INVESTIGATING>MITIGATING', 'INVESTIGATING>CLOSED',
    'MITIGATING>MITIGATED',
    'MITIGATED>CLOSED', 'MITIGATED>INVESTIGATING', 'MITIGATED>MITIGATING',
    'POST_MORTEM>CLOSED',
  ],
};

describe('the status transition table', () => {
  for (const [kind, subject] of [['needs_postmortem', p1Production], ['no_postmortem', p3Production]] as const) {
    describe(kind, () => {
      for (const from of INCIDENT_STATUSES) {
        for (const to of INCIDENT_STATUSES) {
          const allowed = from === to || EXPECTED[kind].includes(`${from}>${to}`);
          it(`${from} -> ${to}: ${from === to ? 'no change' : allowed ? 'allowed' : 'refused'}`, () => {
            const reasons = refuseTransition(settings, subject(from), { to, ...complete });
            if (allowed) assert.deepEqual(reasons, []);
            else {
              assert.equal(reasons.length, 1);
              assert.match(reasons[0]!, new RegExp(`^${from} cannot go to ${to}\\.`));
            }
          });
        }
      }
      it('the module table is the one written out here', () => {
        const pairs = Object.entries(TRANSITIONS[kind]).flatMap(([from, list]) => list.map((t) => `${from}>${t.to}`));
        assert.deepEqual(pairs.sort(), [...EXPECTED[kind]].sort());
      });
    });
  }

  it('P1/P2 in production need a post-mortem; P3, or outside production, do not', () => {
    assert.equal(needsPostmortem(settings, { priority: 1, environments: ['PRD', 'STG'] }), true);
    assert.equal(needsPostmortem(settings, { priority: 2, environments: ['PRD'] }), true);
    assert.equal(needsPostmortem(settings, { priority: 2, environments: ['STG'] }), false);
    assert.equal(needsPostmortem(settings, { priority: 3, environments: ['PRD'] }), false);
  });

  it('closing early needs a closure reason and a message', () => {
    assert.deepEqual(refuseTransition(settings, p1Production('OPEN'), { to: 'CLOSED', message: null, closureReason: null }), [
      'Closing before the incident is mitigated needs a closure reason.',
      'Closing early needs a message of at least 10 characters.',
    ]);
  });

  it('reopening a mitigated incident needs a message', () => {
    assert.match(refuseTransition(settings, p3Production('MITIGATED'), { to: 'INVESTIGATING', message: 'too short' })[0]!, /Reopening a mitigated incident needs a message/);
    assert.deepEqual(refuseTransition(settings, p3Production('MITIGATED'), { to: 'MITIGATING', message: 'The fix did not hold.' }), []);
  });

  it('closing a P1–P3 needs its key events; a P4 does not', () => {
    const missing = { ...p3Production('MITIGATED'), milestones: { started: new Date(1) } };
    assert.deepEqual(refuseTransition(settings, missing, { to: 'CLOSED' }), ['Closing a P1–P3 needs its key events: detected, recovered are missing.']);
    assert.deepEqual(refuseTransition(settings, { ...missing, priority: 4 }, { to: 'CLOSED' }), []);
  });

  it('a P1 in production at MITIGATED is told to go through POST_MORTEM', () => {
    assert.match(refuseTransition(settings, p1Production('MITIGATED'), { to: 'CLOSED' })[0]!, /needs a post-mortem: move it to POST_MORTEM first/);
  });

  it('CLOSED is final', () => {
    assert.deepEqual(allowedTransitions(settings, p3Production('CLOSED')), []);
    assert.match(refuseTransition(settings, p3Production('CLOSED'), { to: 'OPEN' })[0]!, /It is closed\./);
  });
});
