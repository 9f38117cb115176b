import { INCIDENT_STATUSES, type IncidentStatus } from '../../models/incident.js';
import { INCIDENT_ACTION as A, INCIDENT_BLOCK as B } from '../../views/ids.js';
import type { ListenerDeps } from '../deps.js';
import { incidentSubmission } from './incident-submissions.js';

/** The update form: status, priority, category and a message. */
export const updateSubmitted = (deps: ListenerDeps) =>
  incidentSubmission(deps, (state) => {
    const status = state.select(B.status, A.status);
    const priority = state.select(B.priority, A.priority);
    return {
      change: {
        ...(status && (INCIDENT_STATUSES as readonly string[]).includes(status) ? { status: status as IncidentStatus } : {}),
        ...(priority ? { priority: Number(priority) } : {}),
        ...(state.select(B.category, A.category) ? { category: state.select(B.category, A.category)! } : {}),
      },
      message: state.text(B.message, A.message),
      note: true,
      errorBlock: B.status,
    };
  });
