import { Types } from 'mongoose';
import { Incident, type IncidentDocument } from '../../models/incident.js';
import { IncidentUpdate } from '../../models/incident-update.js';
import { TimelineMessage, timelineMessageKey } from '../../models/timeline-message.js';
import type { Logger } from '../../logger.js';
import type { Settings } from '../../settings/schema.js';
import { timelineOutcomeMessage } from '../../views/timeline-messages.js';
import { refusalFor } from '../incidents/authorize.js';
import type { SlackGateway } from '../slack/slack-gateway.js';

export interface TimelineDeps {
  settings: Settings;
  slack: Pick<SlackGateway, 'fetchMessage' | 'permalink' | 'respond' | 'postEphemeral'>;
  logger: Logger;
  now?: () => Date;
}

/** Where the person who asked hears the outcome: an interaction's response_url, or an ephemeral in a channel. */
export type ReplyTarget = { responseUrl: string } | { ephemeralIn: string };

export interface AddMessageToTimelineInput {
  /** The incident chosen in the picker; without it, the incident whose channel holds the message. */
  incidentId?: string;
  channel: string;
  ts: string;
  /** The message as the interaction carried it. Absent (a reaction) or cut (the picker's metadata): read from Slack. */
  message?: { text: string; author: string | null; complete: boolean };
  /** Who used the shortcut or reacted. */
  actor: string;
  via: 'shortcut' | 'reaction' | 'picker';
  reply: ReplyTarget;
}

export type TimelineOutcome =
  | { kind: 'not_incident_channel' }
  | { kind: 'added'; incidentNumber: number; updateId: string }
  | { kind: 'duplicate'; incidentNumber: number }
  | { kind: 'refused'; reason: string }
  | { kind: 'message_not_found' }
  | { kind: 'incident_not_found' };

/** A Slack ts ("1700000000.000100") as the time the message was posted. */
export function tsToDate(ts: string): Date {
  return new Date(Math.round(Number(ts) * 1000));
}

/**
 * Puts a Slack message (author, text, permalink, posted time) on an incident's timeline, once: an entry of type
 * `message`, quiet (nothing posted to the channel). The person who asked gets an ephemeral answer, except for
 * `not_incident_channel`, where the caller decides (the shortcut asks which incident; a reaction is ignored).
 */
export async function addMessageToTimeline(deps: TimelineDeps, input: AddMessageToTimelineInput): Promise<TimelineOutcome> {
  const incident = input.incidentId
    ? Types.ObjectId.isValid(input.incidentId)
      ? await Incident.findById(input.incidentId)
      : null
    : await Incident.findOne({ 'channel.id': input.channel });
  if (!incident) {
    if (!input.incidentId) return { kind: 'not_incident_channel' };
    return answer(deps, input, { kind: 'incident_not_found' });
  }

  const refusal = refusalFor(deps.settings, { number: incident.number, reporter: incident.reporter, roles: incident.roles, members: incident.members }, input.actor, 'change');
  if (refusal) return answer(deps, input, { kind: 'refused', reason: refusal });

  let message = input.message;
  if (!message || !message.complete) {
    const fetched = await deps.slack.fetchMessage(input.channel, input.ts);
    if (fetched) message = { text: fetched.text, author: fetched.author, complete: true };
  }
  if (!message) return answer(deps, input, { kind: 'message_not_found' });

  let permalink: string | null = null;
  try {
    permalink = (await deps.slack.permalink(input.channel, input.ts)) || null;
  } catch (error) {
    // The entry is still worth having without its link.
    deps.logger.warn('no permalink for a timeline message', { incident: incident.number, error: (error as Error).message });
  }

  const recorded = await recordTimelineMessage(deps, incident, {
    channel: input.channel,
    ts: input.ts,
    text: message.text,
    author: message.author,
    permalink,
    actor: input.actor,
  });
  if (recorded.duplicate) return answer(deps, input, { kind: 'duplicate', incidentNumber: incident.number });
  deps.logger.info('message added to the timeline', { incident: incident.number, slackUser: input.actor, via: input.via });
  return answer(deps, input, { kind: 'added', incidentNumber: incident.number, updateId: recorded.updateId });
}

/**
 * The exactly-once write. The claim (`_id` = incident:channel:ts) is inserted first, with the id of the entry it
 * will make; the entry is then inserted with that id. A second try finds the claim and, if the first crashed before
 * its entry, makes that same entry (an insert against `_id` again), so there is never more than one.
 */
export async function recordTimelineMessage(
  deps: Pick<TimelineDeps, 'now'>,
  incident: IncidentDocument,
  entry: { channel: string; ts: string; text: string; author: string | null; permalink: string | null; actor: string },
): Promise<{ duplicate: true } | { duplicate: false; updateId: string }> {
  const now = (deps.now ?? (() => new Date()))();
  const key = timelineMessageKey(incident._id.toString(), entry.channel, entry.ts);
  let updateId = new Types.ObjectId();
  try {
    await TimelineMessage.create({ _id: key, incidentId: incident._id, channel: entry.channel, ts: entry.ts, updateId, addedBy: entry.actor, addedAt: now });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const claim = await TimelineMessage.findById(key);
    if (!claim || (await IncidentUpdate.exists({ _id: claim.updateId }))) return { duplicate: true };
    updateId = claim.updateId;
  }

  const eventAt = tsToDate(entry.ts);
  try {
    await IncidentUpdate.create({
      _id: updateId,
      incidentId: incident._id,
      eventType: 'message',
      eventAt,
      origin: 'slack',
      actorSlackId: entry.actor,
      message: entry.text,
      changes: {},
      source: { channel: entry.channel, ts: entry.ts, author: entry.author, permalink: entry.permalink },
      // A note, not a change: nothing to show in Slack.
      effects: { published: true },
    });
  } catch (error) {
    if (isDuplicateKey(error)) return { duplicate: true };
    throw error;
  }
  // A message worth the timeline is an update: the update reminder counts from the latest one. `$max` never moves
  // it back when an older message is added after a newer update.
  await Incident.updateOne({ _id: incident._id }, { $max: { lastUpdateAt: eventAt } });
  return { duplicate: false, updateId: updateId.toString() };
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number }).code === 11000;
}

async function answer(deps: TimelineDeps, input: AddMessageToTimelineInput, outcome: Exclude<TimelineOutcome, { kind: 'not_incident_channel' }>): Promise<TimelineOutcome> {
  const message = timelineOutcomeMessage(outcome);
  try {
    if ('responseUrl' in input.reply) await deps.slack.respond(input.reply.responseUrl, message);
    else await deps.slack.postEphemeral(input.reply.ephemeralIn, input.actor, message);
  } catch (error) {
    // The outcome stands (the entry is recorded or not); only the confirmation is lost.
    deps.logger.warn('could not tell the user about the timeline message', { outcome: outcome.kind, error: (error as Error).message });
  }
  return outcome;
}
