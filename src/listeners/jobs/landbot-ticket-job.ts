import type { Job } from 'agenda';
import { z } from 'zod';
import type { LandbotTicketDeps } from '../../services/landbot/create-landbot-ticket.js';
import { continueLandbotTicket } from '../../services/landbot/submit-landbot-ticket.js';

const landbotTicketData = z.object({ requestId: z.string().regex(/^[a-f0-9]{32}-\d+$/) });

export type LandbotTicketData = z.infer<typeof landbotTicketData>;

/**
 * Finishes a ticket API request: creates its ticket when Jira could not be reached at once (retried with backoff),
 * then tells the reporter and the alert channels. Safe to run twice: each try is claimed first, and what was done
 * is recorded on the request.
 */
export function landbotTicketJob(deps: LandbotTicketDeps) {
  return async (job: Job<LandbotTicketData>): Promise<void> => {
    const data = landbotTicketData.safeParse(job.attrs.data);
    if (!data.success) {
      deps.logger.error('landbot ticket job has bad data; dropped', { job: job.attrs.name });
      return;
    }
    await continueLandbotTicket(deps, data.data.requestId, (job.attrs.failCount ?? 0) + 1);
  };
}
