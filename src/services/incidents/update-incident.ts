import { RefusedError } from '../../errors.js';
import { Incident, type IncidentDocument, type IncidentStatus } from '../../models/incident.js';
import { IncidentUpdate } from '../../models/incident-update.js';
import type { Logger } from '../../logger.js';
import type { Settings } from '../../settings/schema.js';
import { scheduleReadySteps, type StepScheduler } from './declare-pipeline.js';
import { refuseTransition, type ClosureReason, type KeyEvent } from './status-transitions.js';
import { authorize } from './authorize.js';

export interface IncidentChange {
  status?: IncidentStatus;
  priority?: number;
  category?: string;
  title?: string;
  description?: string;
  environments?: string[];
  /** Role type -> Slack user id. */
  roles?: Record<string, string>;
  keyEvents?: Partial<Record<KeyEvent, Date>>;
  closure?: { reason: ClosureReason; reference?: string | null };
}

export interface UpdateIncidentInput {
  incidentId: string;
  actor: string | null;
  origin: 'slack' | 'jira' | 'system';
  change: IncidentChange;
  message?: string | null;
  /** A plain timeline note (no field change) still counts as an update when true. */
  note?: boolean;
}

/** Publishes a recorded change in Slack (and later Jira): implemented as a durable job. */
export interface ChangePublisher {
  publish(incidentId: string, updateId: string): Promise<void>;
}

/** Writes a recorded change to the incident's Jira ticket: implemented as a durable job (services/jira/sync-incident-to-jira.ts). */
export interface JiraSyncQueue {
  queue(incidentId: string, updateId: string): Promise<void>;
}

export interface UpdateIncidentDeps {
  settings: Settings;
  publisher: ChangePublisher;
  /** Absent: nothing goes to Jira (tests of other parts). */
  jiraSync?: JiraSyncQueue;
  scheduler: StepScheduler;
  logger: Logger;
  now?: () => Date;
}

type FieldChange = { from: unknown; to: unknown };

/**
 * The one way an incident changes, whoever asks (Slack, Jira, jobs): it checks the rules, records the change and its
 * milestones, writes the timeline entry and queues what Slack must show. A refused change throws RefusedError.
 */
export async function updateIncident(deps: UpdateIncidentDeps, input: UpdateIncidentInput): Promise<{ incident: IncidentDocument; updateId: string | null }> {
  const { settings } = deps;
  const now = (deps.now ?? (() => new Date()))();
  const incident = await Incident.findById(input.incidentId);
  if (!incident) throw new RefusedError('invalid_change', ['That incident does not exist.']);
  const change = input.change;
  if (input.origin === 'slack' && input.actor) {
    const action = change.status === 'CLOSED' ? 'close' : change.roles ? 'assign_roles' : 'change';
    authorize(settings, { number: incident.number, reporter: incident.reporter, roles: incident.roles, members: incident.members }, input.actor, action);
  }
  const diff: Record<string, FieldChange> = {};
  const set: Record<string, unknown> = {};
  const problems: string[] = [];

  const differs = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);
  const record = (field: string, from: unknown, to: unknown, path = field) => {
    if (!differs(from, to)) return;
    diff[field] = { from, to };
    set[path] = to;
  };

  if (change.priority !== undefined) {
    if (!settings.priorities.some((p) => p.value === change.priority)) problems.push(`Priority ${change.priority} does not exist.`);
    else record('priority', incident.priority, change.priority);
  }
  if (change.category !== undefined) {
    if (!settings.categoryGroups.some((g) => g.categories.some((c) => c.value === change.category))) problems.push('That category does not exist.');
    else record('category', incident.category, change.category);
  }
  if (change.title !== undefined) {
    const title = change.title.trim();
    if (title.length < settings.declare.titleMin || title.length > settings.declare.titleMax)
      problems.push(`The title needs ${settings.declare.titleMin}–${settings.declare.titleMax} characters.`);
    else record('title', incident.title, title);
  }
  if (change.description !== undefined) {
    const description = change.description.trim();
    if (description.length < settings.declare.descriptionMin || description.length > settings.declare.descriptionMax)
      problems.push(`The description needs ${settings.declare.descriptionMin}–${settings.declare.descriptionMax} characters.`);
    else record('description', incident.description, description);
  }
  if (change.environments !== undefined) {
    const known = settings.environments.map((e) => e.value);
    if (change.environments.length === 0 || change.environments.some((e) => !known.includes(e))) problems.push('Choose at least one known environment.');
    else record('environments', [...incident.environments], known.filter((e) => change.environments!.includes(e)));
  }
  if (change.roles) {
    const roles = incident.roles.map((r) => ({ role: r.role ?? '', slackId: r.slackId ?? '' }));
    for (const [role, slackId] of Object.entries(change.roles)) {
      if (!settings.roleTypes.some((t) => t.value === role)) {
        problems.push(`There is no role "${role}".`);
        continue;
      }
      const current = roles.find((r) => r.role === role);
      if (current?.slackId === slackId) continue;
      diff[`role:${role}`] = { from: current?.slackId ?? null, to: slackId };
      if (current) current.slackId = slackId;
      else roles.push({ role, slackId });
    }
    if (Object.keys(diff).some((k) => k.startsWith('role:'))) set.roles = roles;
  }
  const milestones = {
    started: incident.milestones?.started ?? null,
    detected: incident.milestones?.detected ?? null,
    recovered: incident.milestones?.recovered ?? null,
  };
  for (const [key, at] of Object.entries(change.keyEvents ?? {}) as Array<[KeyEvent, Date]>) {
    if (at.getTime() > now.getTime() + 60_000) problems.push(`The ${key} time is in the future.`);
    if (milestones[key]?.getTime() === at.getTime()) continue;
    diff[`key_event:${key}`] = { from: milestones[key], to: at };
    set[`milestones.${key}`] = at;
    milestones[key] = at;
  }
  if (problems.length) throw new RefusedError('invalid_change', problems);

  if (change.status !== undefined && change.status !== incident.status) {
    const subject = {
      status: incident.status,
      priority: (set.priority as number | undefined) ?? incident.priority,
      environments: (set.environments as string[] | undefined) ?? incident.environments,
      milestones,
    };
    const early = change.status === 'CLOSED' && (incident.status === 'OPEN' || incident.status === 'INVESTIGATING');
    const reasons = refuseTransition(settings, subject, { to: change.status, message: input.message ?? null, closureReason: change.closure?.reason ?? null });
    if (reasons.length) throw new RefusedError('transition_refused', reasons);
    record('status', incident.status, change.status);
    if (change.status === 'MITIGATED') set['milestones.mitigated'] = now;
    if (change.status === 'CLOSED') {
      set['milestones.resolved'] = now;
      if (early && change.closure) {
        set['closure.reason'] = change.closure.reason;
        set['closure.reference'] = change.closure.reference ?? null;
      }
    }
  }

  if (Object.keys(diff).length === 0 && !(input.note && input.message)) return { incident, updateId: null };

  const statusOrMessage = 'status' in diff || Boolean(input.message);
  if (statusOrMessage) set.lastUpdateAt = now;
  // Role holders become members; $addToSet so a join or leave recorded meanwhile is not overwritten.
  const holders = set.roles ? (set.roles as Array<{ slackId: string }>).map((r) => r.slackId) : [];
  if (Object.keys(set).length) {
    await Incident.updateOne({ _id: incident._id }, { $set: set, ...(holders.length ? { $addToSet: { members: { $each: holders } } } : {}) });
  }
  for (const [path, value] of Object.entries(set)) incident.set(path, value);
  if (holders.length) incident.set('members', [...new Set([...incident.members, ...holders])]);

  const update = await IncidentUpdate.create({
    incidentId: incident._id,
    eventType: eventTypeOf(diff, input),
    eventAt: now,
    origin: input.origin,
    actorSlackId: input.actor,
    message: input.message ?? null,
    changes: serialise(diff),
  });
  deps.logger.info('incident updated', { incident: incident.number, slackUser: input.actor, origin: input.origin, fields: Object.keys(diff) });

  // Escalated from P4–P5 to P1–P3: the channel it never had is made by the same declare steps.
  const critical = (p: number) => settings.priorities.find((x) => x.value === p)?.responseType === 'critical';
  if ('priority' in diff && critical(incident.priority) && !critical(diff.priority!.from as number) && !incident.channel?.id) {
    const pending = { state: 'pending', attempts: 0, lastError: null, doneAt: null };
    const steps = { 'steps.channel': pending, 'steps.channel_setup': pending, 'steps.jira_links': pending };
    await Incident.updateOne({ _id: incident._id }, { $set: steps });
    for (const [path, value] of Object.entries(steps)) incident.set(path, value);
    await scheduleReadySteps(deps.scheduler, incident);
  }

  await deps.publisher.publish(incident._id.toString(), update._id.toString());
  // A change that came from Jira is not sent back to it (loop prevention); only fields Jira has are synced.
  const jiraFields = ['title', 'description', 'priority', 'status', 'role:commander'];
  if (deps.jiraSync && input.origin !== 'jira' && jiraFields.some((f) => f in diff)) await deps.jiraSync.queue(incident._id.toString(), update._id.toString());
  return { incident, updateId: update._id.toString() };
}

function eventTypeOf(diff: Record<string, FieldChange>, input: UpdateIncidentInput): string {
  const keys = Object.keys(diff);
  if (diff.status?.to === 'CLOSED') return 'closed';
  if (keys.includes('status')) return 'status_changed';
  if (keys.some((k) => k.startsWith('role:')) && keys.every((k) => k.startsWith('role:'))) return 'roles_changed';
  if (keys.length && keys.every((k) => k.startsWith('key_event:'))) return 'key_events';
  if (keys.length === 0) return input.note ? 'note' : 'updated';
  return 'updated';
}

/** Keys with `.` or `$` cannot be stored on FerretDB; `role:x` and `key_event:x` are fine. Dates stay dates. */
function serialise(diff: Record<string, FieldChange>): Record<string, FieldChange> {
  return Object.fromEntries(Object.entries(diff).map(([k, v]) => [k.replace(/[.$]/g, '_'), v]));
}
