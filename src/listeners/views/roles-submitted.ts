import { INCIDENT_ACTION as A, INCIDENT_BLOCK as B } from '../../views/ids.js';
import type { ListenerDeps } from '../deps.js';
import { incidentSubmission } from './incident-submissions.js';

/** The roles form: one user per role type. */
export const rolesSubmitted = (deps: ListenerDeps) =>
  incidentSubmission(deps, (state) => {
    const roles: Record<string, string> = {};
    for (const type of deps.settings.roleTypes) {
      const user = state.user(`${B.rolePrefix}${type.value}`, A.role);
      if (user) roles[type.value] = user;
    }
    const first = deps.settings.roleTypes[0]!.value;
    return { change: { roles }, errorBlock: `${B.rolePrefix}${first}` };
  });
