import { CLOSURE_REASONS, type ClosureReason } from '../../services/incidents/status-transitions.js';
import { INCIDENT_ACTION as A, INCIDENT_BLOCK as B } from '../../views/ids.js';
import type { ListenerDeps } from '../deps.js';
import { incidentSubmission } from './incident-submissions.js';

/** The close form: early (with a reason) or normal. */
export const closeSubmitted = (deps: ListenerDeps) =>
  incidentSubmission(deps, (state) => {
    const reason = state.select(B.closureReason, A.closureReason);
    const known = CLOSURE_REASONS.some((r) => r.value === reason);
    return {
      change: {
        status: 'CLOSED',
        ...(reason && known ? { closure: { reason: reason as ClosureReason, reference: state.text(B.closureReference, A.closureReference) } } : {}),
      },
      message: state.text(B.message, A.message),
      errorBlock: reason !== null ? B.closureReason : B.message,
    };
  });
