import { AppError } from '../../../errors.js';
import { IncidentUpdate } from '../../../models/incident-update.js';
import { buildChannelName } from '../channel-name.js';
import type { StepContext } from '../declare-pipeline.js';

const MAX_NAME_TRIES = 5;

/**
 * Creates the incident channel. The name is derived from the incident, so it is the natural key: if a retry finds
 * the name taken by a channel our bot created, that channel is the one an interrupted attempt made, and is adopted.
 */
export async function createChannel({ incident, deps, record }: StepContext): Promise<void> {
  if (incident.channel?.id) return;
  for (let attempt = 1; attempt <= MAX_NAME_TRIES; attempt++) {
    const name = buildChannelName({
      prefix: deps.settings.channels.namePrefix,
      number: incident.number,
      environments: incident.environments,
      title: incident.title,
      attempt,
    });
    const created = await deps.slack.createChannel(name, incident.private);
    if (created !== 'name_taken') {
      await record({ 'channel.id': created.id, 'channel.name': created.name });
      await IncidentUpdate.create({ incidentId: incident._id, eventType: 'channel_created', eventAt: new Date(), origin: 'system', message: `#${created.name}` });
      return;
    }
    // Taken: by a channel our bot made for this incident (an earlier or a concurrent run), or by someone else.
    const bot = await deps.slack.botUserId();
    {
      const existing = await deps.slack.findChannelByName(name);
      if (existing && existing.creator === bot) {
        await record({ 'channel.id': existing.id, 'channel.name': existing.name });
        return;
      }
    }
  }
  throw new AppError('step_failed', `no free channel name after ${MAX_NAME_TRIES} tries`);
}
