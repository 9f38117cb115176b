import { LandbotRequest, type LandbotRequestDocument } from '../../models/landbot-request.js';
import { MESSAGE_EVENT } from '../../views/ids.js';
import { externalTicketCreatedMessage, externalTicketFailedMessage, type ExternalTicketFacts } from '../../views/landbot-messages.js';
import { alertChannelsFor } from '../alerts/route-alerts.js';
import { postOnce } from '../slack/post-once.js';
import { requestOf, type LandbotTicketDeps } from './create-landbot-ticket.js';
import { ticketPriorityOf } from './prepare-landbot-fields.js';

export function externalTicketFacts(deps: Pick<LandbotTicketDeps, 'settings'>, doc: LandbotRequestDocument): ExternalTicketFacts {
  const request = requestOf(doc);
  return {
    requestId: doc._id,
    summary: request.summary,
    description: request.description,
    priority: ticketPriorityOf(deps.settings, request),
    businessImpact: request.businessImpact,
    reporterEmail: request.reporterEmail,
    reporterSlackId: doc.reporter?.slackId ?? null,
    ticket: doc.ticket?.key && doc.ticket.url ? { key: doc.ticket.key, url: doc.ticket.url } : null,
    refusedAttachments: doc.attachments?.refused?.length ?? 0,
  };
}

/**
 * Like a P4–P5 declaration: a DM to the reporter when they are on Slack, and a post in the alert channels chosen by
 * priority, business impact, project and the reporter's email domain. Each post is recorded as it is made; a rerun
 * after an interruption (`lookFirst`) first looks for the post in the channel.
 */
export async function announceLandbotTicket(deps: LandbotTicketDeps, doc: LandbotRequestDocument, lookFirst: boolean): Promise<void> {
  if (doc.announce?.done || doc.state !== 'created') return;
  const facts = externalTicketFacts(deps, doc);

  if (facts.reporterSlackId && !doc.announce?.reporterDmTs) {
    const posted = await deps.slack.postMessage(facts.reporterSlackId, externalTicketCreatedMessage(deps.settings, facts, 'reporter'));
    await LandbotRequest.updateOne({ _id: doc._id }, { $set: { 'announce.reporterDmTs': posted.ts } });
    doc.set('announce.reporterDmTs', posted.ts);
  }

  const targets = alertChannelsFor(deps.settings, {
    priority: facts.priority,
    businessImpact: facts.businessImpact,
    projectKey: doc.ticket?.projectKey ?? '',
    reporterEmail: facts.reporterEmail,
  });
  for (const ref of targets) {
    const channel = await deps.slack.resolveChannel(ref);
    if (!channel) {
      deps.logger.warn('alert channel not found; check the settings', { landbotRequest: doc._id, channel: ref });
      continue;
    }
    const done = (doc.announce?.alertPosts ?? []).map((p) => ({ channel: p.channel, ts: p.ts }));
    if (done.some((p) => p.channel === channel)) continue;
    const message = externalTicketCreatedMessage(deps.settings, facts, 'channel');
    const ts = await postOnce(deps.slack, channel, MESSAGE_EVENT.externalTicketCreated, message, { lookFirst, match: { request: doc._id } });
    const alertPosts = [...done, { channel, ts }];
    await LandbotRequest.updateOne({ _id: doc._id }, { $set: { 'announce.alertPosts': alertPosts } });
    doc.set('announce.alertPosts', alertPosts);
  }
  await LandbotRequest.updateOne({ _id: doc._id }, { $set: { 'announce.done': true } });
  doc.set('announce.done', true);
}

/** After the last try: the request stays recorded as failed, and the reporter hears of it if they are on Slack. */
export async function failLandbotTicket(deps: LandbotTicketDeps, doc: LandbotRequestDocument, reason: string): Promise<void> {
  await LandbotRequest.updateOne({ _id: doc._id }, { $set: { state: 'failed', lastError: reason } });
  doc.set({ state: 'failed', lastError: reason });
  deps.logger.error('ticket API request could not be turned into a ticket', { landbotRequest: doc._id, error: reason });
  const facts = externalTicketFacts(deps, doc);
  if (!facts.reporterSlackId) return;
  try {
    await deps.slack.postMessage(facts.reporterSlackId, externalTicketFailedMessage(facts, reason));
  } catch (error) {
    deps.logger.error('could not tell the reporter that their ticket failed', { landbotRequest: doc._id, error: (error as Error).message });
  }
}
