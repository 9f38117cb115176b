import { Incident } from '../../models/incident.js';
import type { Logger } from '../../logger.js';

export interface TrackMembershipInput {
  channel: string;
  user: string;
  change: 'joined' | 'left';
}

/**
 * Keeps `incident.members` in step with the incident channel's members (it decides who may change the incident and
 * whose "my incidents" it is). Channels that are not an incident's change nothing. Each is one single-document
 * update: `$addToSet`, and `$pull` of the exact id (the `$pull` FerretDB supports), so a join and a leave arriving
 * together cannot overwrite each other as a read-then-`$set` could.
 */
export async function trackMembership(deps: { logger: Logger }, input: TrackMembershipInput): Promise<{ incidentNumber: number } | null> {
  const incident = await Incident.findOne({ 'channel.id': input.channel }, { number: 1 }).lean();
  if (!incident) return null;
  const update = input.change === 'joined' ? { $addToSet: { members: input.user } } : { $pull: { members: input.user } };
  await Incident.updateOne({ _id: incident._id }, update);
  deps.logger.info('incident channel membership changed', { incident: incident.number, slackUser: input.user, change: input.change });
  return { incidentNumber: incident.number };
}
