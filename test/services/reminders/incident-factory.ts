import { Incident, type IncidentDocument, type IncidentStatus } from '../../../src/models/incident.js';

let next = 1;
const done = { state: 'done' as const, attempts: 1, lastError: null, doneAt: null };

export interface IncidentSeed {
  status?: IncidentStatus;
  priority?: number;
  environments?: string[];
  declared: Date;
  mitigated?: Date | null;
  lastUpdateAt?: Date | null;
  channel?: { id: string | null; archived?: boolean };
  commander?: string;
  members?: string[];
}

/** An incident as the declare pipeline leaves it (every step done), straight into the database. */
export async function seedIncident(seed: IncidentSeed): Promise<IncidentDocument> {
  const number = next++;
  const commander = seed.commander ?? 'UALICE';
  return Incident.create({
    number,
    submissionKey: `seed-${number}-${Math.random().toString(36).slice(2)}`,
    title: `Seeded incident ${number}`,
    description: 'Seeded for the reminder tests.',
    status: seed.status ?? 'INVESTIGATING',
    priority: seed.priority ?? 1,
    category: 'cdn',
    environments: seed.environments ?? ['PRD'],
    reporter: { slackId: commander },
    roles: [{ role: 'commander', slackId: commander }],
    members: seed.members ?? [commander],
    milestones: { declared: seed.declared, mitigated: seed.mitigated ?? null },
    lastUpdateAt: seed.lastUpdateAt ?? null,
    channel: seed.channel === undefined ? { id: `C${number}`, name: `inc-${number}`, archived: false } : { name: null, archived: false, ...seed.channel },
    steps: { channel: done, channel_setup: done, jira_ticket: done, jira_links: done, notify: done },
  });
}
