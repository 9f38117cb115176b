import { Incident } from '../../models/incident.js';
import { IncidentUpdate } from '../../models/incident-update.js';
import type { Logger } from '../../logger.js';
import type { Settings } from '../../settings/schema.js';
import { MESSAGE_EVENT } from '../../views/ids.js';
import { announcementMessage, channelTopic, rolesMessage } from '../../views/incident-messages.js';
import { incidentUpdateMessage, incidentsChannelMessage, roleAssignedMessage, type UpdateFacts } from '../../views/incident-update-messages.js';
import type { SlackGateway, SlackMessage } from '../slack/slack-gateway.js';
import { postOnce } from '../slack/post-once.js';
import { buildChannelName } from './channel-name.js';
import { keyEventsMessage } from '../../views/key-events-message.js';
import { toIncidentFacts } from './incident-facts.js';

export interface PublishDeps {
  settings: Settings;
  slack: SlackGateway;
  logger: Logger;
  /** Called once the change is in Slack, e.g. to refresh Home tabs. */
  afterPublish?: (incidentId: string) => Promise<void>;
}

/**
 * Shows one recorded change in Slack: the update message in the incident channel, its topic, name and pinned
 * announcement, the new role holders told and invited, the incidents channel told of a mitigation or an escalation,
 * and the channel archived at CLOSED. Every effect is recorded on the update as it happens; a retry (attempt > 1)
 * looks for messages an interrupted attempt may have posted.
 */
export async function publishIncidentChange(deps: PublishDeps, incidentId: string, updateId: string, attempt: number): Promise<void> {
  const [incident, update] = await Promise.all([Incident.findById(incidentId), IncidentUpdate.findById(updateId)]);
  if (!incident || !update || update.effects?.published) return;
  const { settings, slack } = deps;
  const facts = toIncidentFacts(incident);
  const changes = (update.changes ?? {}) as UpdateFacts['changes'];
  const updateFacts: UpdateFacts = {
    id: update._id.toString(),
    eventType: update.eventType,
    origin: update.origin as UpdateFacts['origin'],
    actorSlackId: update.actorSlackId ?? null,
    message: update.message ?? null,
    changes,
  };
  const effects = update.effects;
  const record = async (fields: Record<string, unknown>) => {
    const set = Object.fromEntries(Object.entries(fields).map(([k, v]) => [`effects.${k}`, v]));
    await IncidentUpdate.updateOne({ _id: update._id }, { $set: set });
    for (const [k, v] of Object.entries(set)) update.set(k, v);
  };
  const postUpdateOnce = (channel: string, eventType: string, message: SlackMessage) =>
    postOnce(slack, channel, eventType, message, { lookFirst: attempt > 1, match: { update_id: updateFacts.id } });
  const changed = (...fields: string[]) => fields.some((f) => f in changes);
  const channel = incident.channel?.id && !incident.channel.archived ? incident.channel.id : null;

  if (channel) {
    if (!effects?.channelMessageTs) {
      const ts = await postUpdateOnce(channel, MESSAGE_EVENT.update, incidentUpdateMessage(settings, facts, updateFacts));
      await record({ channelMessageTs: ts });
    }
    if (!effects?.topicSet && changed('status', 'priority', 'category', 'environments')) {
      await slack.setTopic(channel, channelTopic(settings, facts));
      await record({ topicSet: true });
    }
    if (!effects?.renamed && changed('environments', 'title')) {
      await renameIncidentChannel(deps, incidentId, channel);
      await record({ renamed: true });
    }
    if (incident.priority <= 3 && (changes.status?.to === 'MITIGATED' || Object.keys(changes).some((k) => k.startsWith('key_event:')))) {
      await showKeyEvents(deps, incidentId, channel, attempt);
    }
    const announcementTs = incident.effects?.announcementTs;
    if (announcementTs && changed('status', 'priority', 'category', 'environments', 'title', 'description')) {
      await slack.updateMessage(channel, announcementTs, announcementMessage(settings, facts));
    }
  }

  const newHolders = Object.entries(changes)
    .filter(([field]) => field.startsWith('role:'))
    .map(([field, { to }]) => ({ role: field.slice(5), slackId: String(to) }));
  if (newHolders.length) {
    if (channel) {
      await slack.invite(channel, newHolders.map((h) => h.slackId));
      if (incident.effects?.rolesMessageTs) await slack.updateMessage(channel, incident.effects.rolesMessageTs, rolesMessage(settings, facts));
    }
    for (const holder of newHolders) {
      const key = `${holder.role}:${holder.slackId}`;
      if (update.effects?.rolesNotified?.includes(key)) continue;
      if (holder.slackId !== update.actorSlackId) await slack.postMessage(holder.slackId, roleAssignedMessage(settings, facts, holder.role, update.actorSlackId ?? null));
      await IncidentUpdate.updateOne({ _id: update._id }, { $set: { 'effects.rolesNotified': [...(update.effects?.rolesNotified ?? []), key] } });
      update.set('effects.rolesNotified', [...(update.effects?.rolesNotified ?? []), key]);
    }
  }

  const announce = incident.private ? null : announcementFor(settings, incident.priority, incident.environments, changes);
  if (announce && settings.channels.incidents && !effects?.announcementTs) {
    const target = await slack.resolveChannel(settings.channels.incidents);
    if (target) {
      const ts = await postUpdateOnce(target, MESSAGE_EVENT.incidentsChannel, incidentsChannelMessage(settings, facts, announce, updateFacts));
      await record({ announcementTs: ts });
    } else deps.logger.warn('incidents channel not found; check the settings', { incident: incident.number, channel: settings.channels.incidents });
  }

  if (channel && changes.status?.to === 'CLOSED' && !effects?.archived) {
    await slack.archiveChannel(channel);
    await Incident.updateOne({ _id: incident._id }, { $set: { 'channel.archived': true } });
    await record({ archived: true });
  }

  await record({ published: true });
  if (deps.afterPublish) await deps.afterPublish(incidentId);
}

/** P1–P3 in production are announced when mitigated, and when they escalate from P4–P5. */
function announcementFor(settings: Settings, priority: number, environments: string[], changes: UpdateFacts['changes']): 'mitigated' | 'escalated' | null {
  const production = settings.environments.find((e) => e.default)?.value ?? 'PRD';
  if (priority > 3 || !environments.includes(production)) return null;
  if (changes.status?.to === 'MITIGATED') return 'mitigated';
  if (changes.priority && Number(changes.priority.from) > 3) return 'escalated';
  return null;
}

/** Posts the key events message once, then keeps it up to date in place. */
async function showKeyEvents(deps: PublishDeps, incidentId: string, channel: string, attempt: number): Promise<void> {
  const incident = await Incident.findById(incidentId);
  if (!incident) return;
  const message = keyEventsMessage(toIncidentFacts(incident), incident.milestones ?? {});
  let ts = incident.effects?.keyEventsTs ?? null;
  if (!ts && attempt > 1) ts = await deps.slack.findPostedMessage(channel, MESSAGE_EVENT.keyEvents, { incident_id: incidentId });
  if (ts) {
    await deps.slack.updateMessage(channel, ts, message);
  } else {
    ts = (await deps.slack.postMessage(channel, message)).ts;
  }
  await Incident.updateOne({ _id: incident._id }, { $set: { 'effects.keyEventsTs': ts } });
}

async function renameIncidentChannel(deps: PublishDeps, incidentId: string, channel: string): Promise<void> {
  const incident = await Incident.findById(incidentId);
  if (!incident) return;
  for (let attempt = 1; attempt <= 5; attempt++) {
    const name = buildChannelName({ prefix: deps.settings.channels.namePrefix, number: incident.number, environments: incident.environments, title: incident.title, attempt });
    if (name === incident.channel?.name) return;
    const renamed = await deps.slack.renameChannel(channel, name);
    if (renamed !== 'name_taken') {
      await Incident.updateOne({ _id: incident._id }, { $set: { 'channel.name': renamed.name } });
      return;
    }
  }
  deps.logger.warn('channel not renamed: every name taken', { incident: incident.number });
}
