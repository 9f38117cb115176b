import { Incident } from '../../../models/incident.js';
import { MESSAGE_EVENT } from '../../../views/ids.js';
import { ticketCreatedMessage } from '../../../views/incident-messages.js';
import { alertChannelsFor } from '../../alerts/route-alerts.js';
import { ticketProjectKey } from '../../jira/prepare-jira-fields.js';
import type { StepContext } from '../declare-pipeline.js';
import { toIncidentFacts } from '../incident-facts.js';
import { postStepOnce } from './set-up-channel.js';

/** P4–P5: no channel; the reporter gets a DM and the alert channels of the priority and email domain get a post. */
export async function notifyReporterAndAlertChannels(ctx: StepContext): Promise<void> {
  const { incident, deps, record } = ctx;
  const facts = toIncidentFacts(incident);

  if (!incident.effects?.reporterDmTs) {
    const posted = await deps.slack.postMessage(incident.reporter.slackId, ticketCreatedMessage(deps.settings, facts, 'reporter'));
    await record({ 'effects.reporterDmTs': posted.ts });
  }

  const targets = alertChannelsFor(deps.settings, {
    priority: incident.priority,
    businessImpact: incident.businessImpact ?? null,
    projectKey: ticketProjectKey(deps.settings, { priority: incident.priority, featureTeam: incident.featureTeam ?? null }),
    reporterEmail: incident.reporter.email ?? null,
  });
  for (const ref of targets) {
    const channel = await deps.slack.resolveChannel(ref);
    if (!channel) {
      deps.logger.warn('alert channel not found; check the settings', { incident: incident.number, channel: ref });
      continue;
    }
    const done = incident.effects?.alertPosts ?? [];
    if (done.some((p) => p.channel === channel)) continue;
    const ts = await postStepOnce(ctx, channel, MESSAGE_EVENT.ticketCreated, ticketCreatedMessage(deps.settings, facts, 'channel'));
    const alertPosts = [...done.map((p) => ({ channel: p.channel, ts: p.ts })), { channel, ts }];
    await Incident.updateOne({ _id: incident._id }, { $set: { 'effects.alertPosts': alertPosts } });
    incident.set('effects.alertPosts', alertPosts);
  }
}
