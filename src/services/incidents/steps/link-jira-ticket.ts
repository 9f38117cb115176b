import { announcementMessage } from '../../../views/incident-messages.js';
import type { StepContext } from '../declare-pipeline.js';
import { toIncidentFacts } from '../incident-facts.js';

/** P1–P3: the ticket links to the channel, the channel bookmarks the ticket, and the announcement shows its link. */
export async function linkJiraTicket({ incident, deps, reconcile, record }: StepContext): Promise<void> {
  const channel = incident.channel?.id;
  const key = incident.jira?.key;
  const url = incident.jira?.url;
  if (!channel || !key || !url) return;
  const effects = incident.effects;

  if (!effects?.jiraRemoteLinkAdded) {
    await deps.jira.upsertRemoteLink(key, {
      globalId: `slack-channel-${channel}`,
      url: deps.slack.channelUrl(channel),
      title: `Slack channel #${incident.channel?.name ?? channel}`,
    });
    await record({ 'effects.jiraRemoteLinkAdded': true });
  }
  if (!effects?.jiraBookmarkAdded) {
    const already = reconcile ? await deps.slack.hasBookmark(channel, url) : false;
    if (!already) await deps.slack.addBookmark(channel, { title: `Jira ticket ${key}`, link: url });
    await record({ 'effects.jiraBookmarkAdded': true });
  }
  if (!effects?.announcementShowsJira && effects?.announcementTs) {
    // chat.update is idempotent: re-rendering twice shows the same message.
    await deps.slack.updateMessage(channel, effects.announcementTs, announcementMessage(deps.settings, toIncidentFacts(incident)));
    await record({ 'effects.announcementShowsJira': true });
  }
}
