import { Incident, type IncidentDocument, type IncidentStatus } from '../../../src/models/incident.js';

let next = 1;
const done = { state: 'done' as const, attempts: 1, lastError: null, doneAt: null };

export interface HomeSeed {
  status?: IncidentStatus;
  priority?: number;
  declared: Date;
  mitigated?: Date | null;
  commander?: string;
  roles?: Array<{ role: string; slackId: string }>;
  members?: string[];
  private?: boolean;
  channelId?: string | null;
  jiraKey?: string | null;
  title?: string;
}

/** An incident as the declare pipeline leaves it, straight into the database. */
export async function seedIncident(seed: HomeSeed): Promise<IncidentDocument> {
  const number = next++;
  const commander = seed.commander ?? 'UALICE';
  return Incident.create({
    number,
    submissionKey: `home-seed-${number}-${Math.random().toString(36).slice(2)}`,
    title: seed.title ?? `Seeded incident ${number}`,
    description: 'Seeded for the Home tab tests.',
    status: seed.status ?? 'INVESTIGATING',
    priority: seed.priority ?? 1,
    category: 'cdn',
    environments: ['PRD'],
    private: seed.private ?? false,
    reporter: { slackId: commander },
    roles: seed.roles ?? [{ role: 'commander', slackId: commander }],
    members: seed.members ?? [commander],
    milestones: { declared: seed.declared, mitigated: seed.mitigated ?? null },
    channel: seed.channelId === null ? { id: null, name: null } : { id: seed.channelId ?? `C${number}`, name: `inc-${number}`, archived: false },
    jira: seed.jiraKey === null ? { key: null, url: null } : { key: seed.jiraKey ?? `INC-${number}`, url: `https://jira.example/browse/${seed.jiraKey ?? `INC-${number}`}` },
    steps: { channel: done, channel_setup: done, jira_ticket: done, jira_links: done, notify: done },
  });
}
