import NodeCache from 'node-cache';
import { JiraTicket } from '../../models/jira-ticket.js';

/** What a webhook needs to know about one of our tickets. */
export interface TicketFacts {
  key: string;
  incidentId: string;
  url: string;
}

/**
 * Ticket key -> incident, for the webhook path. A ticket's incident never changes once linked, so a found ticket is
 * remembered; a key not found is asked again next time (the ticket may be linked a moment later by a declare step).
 */
export interface TicketDirectory {
  find(key: string): Promise<TicketFacts | null>;
  /** One query for all the keys not remembered yet. */
  findMany(keys: string[]): Promise<Map<string, TicketFacts>>;
}

export function createTicketDirectory(options: { ttlSeconds?: number } = {}): TicketDirectory {
  const cache = new NodeCache({ stdTTL: options.ttlSeconds ?? 600, checkperiod: 120, useClones: false });
  const findMany = async (keys: string[]): Promise<Map<string, TicketFacts>> => {
    const found = new Map<string, TicketFacts>();
    const missing: string[] = [];
    for (const key of new Set(keys)) {
      const known = cache.get<TicketFacts>(key);
      if (known) found.set(key, known);
      else missing.push(key);
    }
    if (missing.length) {
      const tickets = await JiraTicket.find(missing.length === 1 ? { key: missing[0] } : { key: { $in: missing } }).lean();
      for (const ticket of tickets) {
        const facts: TicketFacts = { key: ticket.key, incidentId: ticket.incidentId.toString(), url: ticket.url };
        cache.set(ticket.key, facts);
        found.set(ticket.key, facts);
      }
    }
    return found;
  };
  return {
    findMany,
    find: async (key) => (await findMany([key])).get(key) ?? null,
  };
}
