import type { IncidentStatus } from '../../models/incident.js';
import type { Settings } from '../../settings/schema.js';

/**
 * The one transition table. Every path that changes a status (Slack, Jira, jobs) asks it. It is FireFighter's table
 * with two fixes: CLOSED is final (FireFighter let anything leave it), and the post-mortem path is enforced on every
 * path, not only in one Slack form.
 */
export type TransitionRequirement = 'closure_reason' | 'reopen_message' | 'closing_checks' | null;

export interface Transition {
  to: IncidentStatus;
  requires: TransitionRequirement;
}

const EARLY_CLOSE: Transition = { to: 'CLOSED', requires: 'closure_reason' };

/** The table for incidents that need a post-mortem (P1/P2 in production) and for the others. */
export const TRANSITIONS: Record<'needs_postmortem' | 'no_postmortem', Record<IncidentStatus, Transition[]>> = {
  needs_postmortem: {
    OPEN: [{ to: 'INVESTIGATING', requires: null }, EARLY_CLOSE],
    INVESTIGATING: [{ to: 'MITIGATING', requires: null }, EARLY_CLOSE],
    MITIGATING: [{ to: 'MITIGATED', requires: null }],
    MITIGATED: [
      { to: 'POST_MORTEM', requires: null },
      { to: 'INVESTIGATING', requires: 'reopen_message' },
      { to: 'MITIGATING', requires: 'reopen_message' },
    ],
    POST_MORTEM: [{ to: 'CLOSED', requires: 'closing_checks' }],
    CLOSED: [],
  },
  no_postmortem: {
    OPEN: [{ to: 'INVESTIGATING', requires: null }, EARLY_CLOSE],
    INVESTIGATING: [{ to: 'MITIGATING', requires: null }, EARLY_CLOSE],
    MITIGATING: [{ to: 'MITIGATED', requires: null }],
    MITIGATED: [
      { to: 'CLOSED', requires: 'closing_checks' },
      { to: 'INVESTIGATING', requires: 'reopen_message' },
      { to: 'MITIGATING', requires: 'reopen_message' },
    ],
    POST_MORTEM: [{ to: 'CLOSED', requires: 'closing_checks' }],
    CLOSED: [],
  },
};

export const CLOSURE_REASONS = [
  { value: 'duplicate', label: 'Duplicate incident' },
  { value: 'false_alarm', label: 'False alarm' },
  { value: 'superseded', label: 'Superseded by another incident' },
  { value: 'external_dependency', label: 'External dependency' },
  { value: 'cancelled', label: 'Cancelled' },
] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number]['value'];

/** The key events a P1–P3 must have before it closes normally. */
export const REQUIRED_KEY_EVENTS = ['started', 'detected', 'recovered'] as const;
export type KeyEvent = 'started' | 'detected' | 'recovered';

export const REOPEN_MESSAGE_MIN = 10;

export interface TransitionSubject {
  status: IncidentStatus;
  priority: number;
  environments: string[];
  milestones: Partial<Record<'started' | 'detected' | 'recovered', Date | null | undefined>>;
}

export function needsPostmortem(settings: Settings, incident: Pick<TransitionSubject, 'priority' | 'environments'>): boolean {
  const priority = settings.priorities.find((p) => p.value === incident.priority);
  const production = settings.environments.find((e) => e.default)?.value ?? 'PRD';
  return Boolean(priority?.needsPostmortem) && incident.environments.includes(production);
}

export function allowedTransitions(settings: Settings, incident: Pick<TransitionSubject, 'status' | 'priority' | 'environments'>): Transition[] {
  return TRANSITIONS[needsPostmortem(settings, incident) ? 'needs_postmortem' : 'no_postmortem'][incident.status];
}

export interface TransitionRequest {
  to: IncidentStatus;
  message?: string | null;
  closureReason?: ClosureReason | null;
}

/** Why a transition is refused, in words a user can act on; empty when it is allowed. */
export function refuseTransition(settings: Settings, incident: TransitionSubject, request: TransitionRequest): string[] {
  if (request.to === incident.status) return [];
  const transition = allowedTransitions(settings, incident).find((t) => t.to === request.to);
  if (!transition) {
    const allowed = allowedTransitions(settings, incident).map((t) => t.to);
    const pmHint =
      request.to === 'CLOSED' && needsPostmortem(settings, incident) && incident.status === 'MITIGATED'
        ? ' This incident needs a post-mortem: move it to POST_MORTEM first.'
        : '';
    return [
      `${incident.status} cannot go to ${request.to}.${pmHint}${allowed.length ? ` From ${incident.status} it can go to ${allowed.join(', ')}.` : ' It is closed.'}`,
    ];
  }
  const reasons: string[] = [];
  if (transition.requires === 'closure_reason' && !request.closureReason) reasons.push('Closing before the incident is mitigated needs a closure reason.');
  if (transition.requires === 'closure_reason' && (request.message ?? '').trim().length < REOPEN_MESSAGE_MIN)
    reasons.push(`Closing early needs a message of at least ${REOPEN_MESSAGE_MIN} characters.`);
  if (transition.requires === 'reopen_message' && (request.message ?? '').trim().length < REOPEN_MESSAGE_MIN)
    reasons.push(`Reopening a mitigated incident needs a message of at least ${REOPEN_MESSAGE_MIN} characters saying why.`);
  if (transition.requires === 'closing_checks' && incident.priority <= 3) {
    const missing = REQUIRED_KEY_EVENTS.filter((k) => !incident.milestones[k]);
    if (missing.length) reasons.push(`Closing a P1–P3 needs its key events: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing.`);
  }
  return reasons;
}
