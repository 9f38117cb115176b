// Injected faults: the next matching request(s) get an error answer (or a dropped connection).

import type { FaultMatch, FaultSpec } from './types.js';
import { errorBody } from './util.js';

interface QueuedFault {
  match: FaultMatch;
  fault: FaultSpec;
  remaining: number;
}

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Bad Request',
  401: 'You are not authenticated. Authentication required to perform this operation.',
  403: 'You do not have permission to perform this operation.',
  404: 'The requested resource could not be found.',
  409: 'The issue could not be updated due to a conflicting update.',
  429: 'Rate limit exceeded.',
  500: 'Internal server error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export class FaultQueue {
  private readonly faults: QueuedFault[] = [];

  add(match: FaultMatch, fault: FaultSpec, times = 1): void {
    if (times < 1) return;
    this.faults.push({ match, fault: { ...fault }, remaining: times });
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** Finds the first fault matching the request and consumes one use of it. */
  take(method: string, path: string): FaultSpec | undefined {
    const index = this.faults.findIndex((f) => {
      if (f.match.method && f.match.method.toUpperCase() !== method.toUpperCase()) return false;
      return typeof f.match.path === 'string' ? f.match.path === path : new RegExp(f.match.path.source, f.match.path.flags.replace('g', '')).test(path);
    });
    const queued = this.faults[index];
    if (!queued) return undefined;
    queued.remaining -= 1;
    if (queued.remaining <= 0) this.faults.splice(index, 1);
    return queued.fault;
  }
}

/** Headers and body of a fault answer. */
export function faultResponse(fault: FaultSpec): { headers: Record<string, string>; body: unknown } {
  const headers: Record<string, string> = {};
  const retryAfter = fault.retryAfterSeconds ?? (fault.status === 429 ? 1 : undefined);
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  const body = fault.body !== undefined ? fault.body : errorBody([DEFAULT_MESSAGES[fault.status] ?? `Error ${fault.status}`]);
  return { headers, body };
}
