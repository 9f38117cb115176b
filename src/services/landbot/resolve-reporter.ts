import type { Logger } from '../../logger.js';
import { KnownUser } from '../../models/known-user.js';
import type { Settings } from '../../settings/schema.js';
import { emailDomain } from '../alerts/email-domain.js';
import type { JiraGateway } from '../jira/jira-gateway.js';
import type { SlackGateway } from '../slack/slack-gateway.js';
import { isInternalEmail } from './prepare-landbot-fields.js';

/** Which rule gave the ticket's Jira reporter. */
export type ReporterSource = 'known_user' | 'jira' | 'slack' | 'domain_default' | 'settings_default' | 'none';

export interface ResolvedReporter {
  email: string;
  jiraAccountId: string | null;
  via: ReporterSource;
  /** The reporter's Slack user, for the DM; null when they are not in the workspace. */
  slackId: string | null;
}

export interface ResolveReporterDeps {
  settings: Settings;
  jira: Pick<JiraGateway, 'findAccountIdByEmail'>;
  slack: Pick<SlackGateway, 'lookupUserByEmail' | 'userProfile'>;
  logger: Logger;
}

/**
 * The Jira reporter of a request, in this order: a known user with that email; a Jira account found by the email; a
 * Slack user found by the email whose Slack email finds a Jira account; for an outside email domain, the default
 * account the settings give that domain; else the settings' default reporter (none: Jira uses the API account).
 * The Slack user is looked up whichever rule wins, for the DM. A Jira failure is thrown (the ticket cannot be made
 * without Jira anyway); a Slack failure only costs the DM.
 */
export async function resolveReporter(deps: ResolveReporterDeps, email: string): Promise<ResolvedReporter> {
  const { settings } = deps;
  const key = email.toLowerCase();
  const domain = emailDomain(email, 'reporter_email');
  const known = await KnownUser.findById(key).lean();
  const slackId = known?.slackId ?? (await lookUpSlackUser(deps, email));
  const resolved = (jiraAccountId: string | null, via: ReporterSource): ResolvedReporter => ({ email, jiraAccountId, via, slackId });

  if (known?.jiraAccountId) return resolved(known.jiraAccountId, 'known_user');

  const byEmail = await deps.jira.findAccountIdByEmail(email);
  if (byEmail) return remember(key, resolved(byEmail, 'jira'));

  if (slackId) {
    const slackEmail = await slackEmailOf(deps, slackId);
    if (slackEmail && slackEmail.toLowerCase() !== key) {
      const bySlackEmail = await deps.jira.findAccountIdByEmail(slackEmail);
      if (bySlackEmail) return remember(key, resolved(bySlackEmail, 'slack'));
    }
    await remember(key, resolved(null, 'none'));
  }

  const domainDefault = settings.landbot.reporterByEmailDomain[domain];
  if (domainDefault && !isInternalEmail(settings, email)) return resolved(domainDefault, 'domain_default');
  if (settings.jira.defaultReporterAccountId) return resolved(settings.jira.defaultReporterAccountId, 'settings_default');
  return resolved(null, 'none');
}

/** Records who this email is, so the next request finds them with one read. Defaults are not recorded: they are not the person. */
async function remember(key: string, reporter: ResolvedReporter): Promise<ResolvedReporter> {
  await KnownUser.updateOne({ _id: key }, { $set: { jiraAccountId: reporter.jiraAccountId, slackId: reporter.slackId, updatedAt: new Date() } }, { upsert: true });
  return reporter;
}

async function lookUpSlackUser(deps: ResolveReporterDeps, email: string): Promise<string | null> {
  try {
    return await deps.slack.lookupUserByEmail(email);
  } catch (error) {
    deps.logger.warn('could not look the reporter up in Slack; no DM will be sent', { error: (error as Error).message });
    return null;
  }
}

async function slackEmailOf(deps: ResolveReporterDeps, slackId: string): Promise<string | null> {
  try {
    return (await deps.slack.userProfile(slackId)).email;
  } catch (error) {
    deps.logger.warn('could not read the reporter\'s Slack profile', { error: (error as Error).message });
    return null;
  }
}
