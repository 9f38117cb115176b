import { IncidentUpdate } from '../../../models/incident-update.js';
import { JiraTicket } from '../../../models/jira-ticket.js';
import { incidentLabel, prepareJiraFields, ticketProjectKey } from '../../jira/prepare-jira-fields.js';
import type { StepContext } from '../declare-pipeline.js';
import { toIncidentFacts } from '../incident-facts.js';

/**
 * Creates the incident's Jira ticket, with the reporter as reporter and watcher. The incident's label on the ticket is
 * its natural key: a retry after an interrupted attempt searches for it before creating anything.
 */
export async function createJiraTicket({ incident, deps, reconcile, record }: StepContext): Promise<void> {
  const { settings, jira, slack } = deps;
  const incidentId = incident._id.toString();

  const reporter = await slack.userProfile(incident.reporter.slackId);
  const accountId = (reporter.email ? await jira.findAccountIdByEmail(reporter.email) : null) ?? settings.jira.defaultReporterAccountId ?? null;

  if (!incident.jira?.key) {
    const label = incidentLabel(settings, incidentId);
    const found = reconcile ? await jira.findIssueByLabel(label) : null;
    const issue =
      found ??
      (await jira.createIssue(
        prepareJiraFields(
          settings,
          { ...toIncidentFacts(incident), incidentId, featureTeam: incident.featureTeam ?? null, reporterName: reporter.name },
          accountId,
        ),
      ));
    const url = jira.browseUrl(issue.key);
    try {
      await JiraTicket.create({
        incidentId: incident._id,
        issueId: issue.id,
        key: issue.key,
        url,
        projectKey: ticketProjectKey(settings, { priority: incident.priority, featureTeam: incident.featureTeam ?? null }),
        reporterAccountId: accountId,
      });
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
    await record({ 'jira.key': issue.key, 'jira.url': url, 'reporter.email': reporter.email, 'reporter.name': reporter.name });
    await IncidentUpdate.create({ incidentId: incident._id, eventType: 'jira_ticket_created', eventAt: new Date(), origin: 'system', message: issue.key });
  }

  if (accountId && !incident.effects?.jiraWatcherAdded) {
    await jira.addWatcher(incident.jira!.key!, accountId);
    await record({ 'effects.jiraWatcherAdded': true });
  }
}
