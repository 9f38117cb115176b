import type { IncidentDocument } from '../../../models/incident.js';
import { MESSAGE_EVENT } from '../../../views/ids.js';
import { announcementMessage, channelTopic, commsProcessMessage, rolesMessage } from '../../../views/incident-messages.js';
import type { SlackMessage } from '../../slack/slack-gateway.js';
import { postOnce } from '../../slack/post-once.js';
import { incidentsChannelMessage } from '../../../views/incident-update-messages.js';
import type { StepContext } from '../declare-pipeline.js';
import { toIncidentFacts } from '../incident-facts.js';

/** Topic, the reporter invited, the pinned announcement, the roles message and, for P1 in production, the comms reminder. */
export async function setUpChannel(ctx: StepContext): Promise<void> {
  const { incident, deps, record } = ctx;
  const channel = incident.channel?.id;
  if (!channel) throw new Error('the incident has no channel yet');
  const facts = toIncidentFacts(incident);
  const effects = incident.effects;

  if (!effects?.topicSet) {
    await deps.slack.setTopic(channel, channelTopic(deps.settings, facts));
    await record({ 'effects.topicSet': true });
  }
  if (!effects?.reporterInvited) {
    await deps.slack.invite(channel, [incident.reporter.slackId]);
    await record({ 'effects.reporterInvited': true });
  }
  if (!effects?.announcementTs) {
    const ts = await postStepOnce(ctx, channel, MESSAGE_EVENT.announcement, announcementMessage(deps.settings, facts));
    await record({ 'effects.announcementTs': ts, 'effects.announcementShowsJira': facts.jira !== null });
  }
  if (!effects?.announcementPinned) {
    await deps.slack.pin(channel, incident.effects!.announcementTs!);
    await record({ 'effects.announcementPinned': true });
  }
  if (!effects?.rolesMessageTs) {
    const ts = await postStepOnce(ctx, channel, MESSAGE_EVENT.roles, rolesMessage(deps.settings, facts));
    await record({ 'effects.rolesMessageTs': ts });
  }
  if (needsCommsProcess(ctx, incident) && !effects?.commsReminderTs) {
    const ts = await postStepOnce(ctx, channel, MESSAGE_EVENT.commsReminder, commsProcessMessage(deps.settings, facts));
    await record({ 'effects.commsReminderTs': ts });
  }
  if (isAnnounced(ctx, incident) && !effects?.incidentsChannelTs) {
    const target = await deps.slack.resolveChannel(deps.settings.channels.incidents!);
    if (target) {
      const ts = await postStepOnce(ctx, target, MESSAGE_EVENT.incidentsChannel, incidentsChannelMessage(deps.settings, facts, 'declared'));
      await record({ 'effects.incidentsChannelTs': ts });
    } else deps.logger.warn('incidents channel not found; check the settings', { incident: incident.number });
  }
}

/** P1–P3 in production, not private, are announced in the incidents channel when declared. */
function isAnnounced({ deps }: StepContext, incident: IncidentDocument): boolean {
  const production = deps.settings.environments.find((e) => e.default)?.value ?? 'PRD';
  return Boolean(deps.settings.channels.incidents) && !incident.private && incident.priority <= 3 && incident.environments.includes(production);
}

function needsCommsProcess({ deps }: StepContext, incident: IncidentDocument): boolean {
  const rule = deps.settings.channels.commsProcess;
  return rule.priorities.includes(incident.priority) && incident.environments.some((e) => rule.environments.includes(e));
}

/** Posts a message, unless an interrupted earlier attempt already did: then its timestamp is found by its metadata. */
export function postStepOnce({ incident, deps, reconcile }: StepContext, channel: string, eventType: string, message: SlackMessage): Promise<string> {
  return postOnce(deps.slack, channel, eventType, message, { lookFirst: reconcile, match: { incident_id: incident._id.toString() } });
}
