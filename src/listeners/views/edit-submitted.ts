import { INCIDENT_ACTION as A, INCIDENT_BLOCK as B } from '../../views/ids.js';
import type { ListenerDeps } from '../deps.js';
import { incidentSubmission } from './incident-submissions.js';

/** The edit form: title, description, environments. */
export const editSubmitted = (deps: ListenerDeps) =>
  incidentSubmission(deps, (state) => ({
    change: {
      title: state.text(B.title, A.title) ?? '',
      description: state.text(B.description, A.description) ?? '',
      environments: state.multiSelect(B.environments, A.environments),
    },
    errorBlock: B.title,
  }));
