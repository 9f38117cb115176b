import { Incident, type IncidentDocument } from '../../models/incident.js';

/** The incident whose channel this is, if any. */
export function findIncidentByChannel(channelId: string): Promise<IncidentDocument | null> {
  return Incident.findOne({ 'channel.id': channelId });
}

export function findIncidentById(incidentId: string): Promise<IncidentDocument | null> {
  return /^[a-f0-9]{24}$/.test(incidentId) ? Incident.findById(incidentId) : Promise.resolve(null);
}

/** Open incidents for a picker: most urgent first, then newest, at most 100 (a select's limit). */
export async function listOpenIncidents(): Promise<Array<{ id: string; number: number; title: string }>> {
  const open = await Incident.find({ status: { $ne: 'CLOSED' } }, { number: 1, title: 1, priority: 1 })
    .sort({ priority: 1, number: -1 })
    .limit(100)
    .lean();
  return open.map((i) => ({ id: i._id.toString(), number: i.number, title: i.title }));
}
