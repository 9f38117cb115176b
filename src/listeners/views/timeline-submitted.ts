import type { KeyEvent } from '../../services/incidents/status-transitions.js';
import { INCIDENT_ACTION as A, INCIDENT_BLOCK as B } from '../../views/ids.js';
import type { ListenerDeps } from '../deps.js';
import { incidentSubmission, type ParsedSubmission } from './incident-submissions.js';

/** The timeline form: a note, or a key event at a time. */
export const timelineSubmitted = (deps: ListenerDeps) =>
  incidentSubmission(deps, (state): ParsedSubmission => {
    const kind = state.select(B.timelineKind, A.timelineKind) ?? 'note';
    const at = state.dateTime(B.timelineAt, A.timelineAt) ?? new Date();
    const message = state.text(B.message, A.message);
    if (kind === 'note') {
      if (!message) return { change: {}, errors: { [B.message]: 'Write the note.' }, errorBlock: B.message };
      return { change: {}, message, note: true, errorBlock: B.message };
    }
    if (!['started', 'detected', 'recovered'].includes(kind)) return { change: {}, errors: { [B.timelineKind]: 'Unknown kind of entry.' }, errorBlock: B.timelineKind };
    return { change: { keyEvents: { [kind as KeyEvent]: at } }, message, errorBlock: B.timelineAt };
  });
