import assert from 'node:assert/strict';
import { KnownUser } from '../../../src/models/known-user.js';
import { resolveReporter, type ResolveReporterDeps } from '../../../src/services/landbot/resolve-reporter.js';
import { connectTestDatabase, dropTestDatabase } from '../../support/database.js';
import { FakeJira, FakeSlack, silentLogger } from '../../support/fakes.js';
import { settingsWith } from '../../support/settings.js';

describe('resolveReporter: who reports a ticket of the API', () => {
  let jira: FakeJira;
  let slack: FakeSlack;
  const settings = settingsWith((s) => {
    s.landbot.internalEmailDomains = ['example.com'];
    s.landbot.reporterByEmailDomain = { 'partner.io': 'acc-partner-default', 'example.com': 'acc-never-for-internal' };
    s.jira.defaultReporterAccountId = 'acc-settings-default';
  });
  const deps = (): ResolveReporterDeps => ({ settings, jira, slack, logger: silentLogger() });

  before(() => connectTestDatabase('resolve-reporter'));
  after(() => dropTestDatabase());
  beforeEach(async () => {
    jira = new FakeJira();
    slack = new FakeSlack();
    await KnownUser.deleteMany({});
  });

  it('1. a known user with that email, without asking Jira', async () => {
    await KnownUser.create({ _id: 'kim@example.com', jiraAccountId: 'acc-kim', slackId: 'UKIM', updatedAt: new Date() });
    jira.accounts.set('Kim@Example.com', 'acc-other');
    assert.deepEqual(await resolveReporter(deps(), 'Kim@Example.com'), { email: 'Kim@Example.com', jiraAccountId: 'acc-kim', via: 'known_user', slackId: 'UKIM' });
  });

  it('2. a Jira account found by the email, remembered for next time with the Slack user', async () => {
    jira.accounts.set('ann@example.com', 'acc-ann');
    slack.emails.set('ann@example.com', 'UANN');
    assert.deepEqual(await resolveReporter(deps(), 'ann@example.com'), { email: 'ann@example.com', jiraAccountId: 'acc-ann', via: 'jira', slackId: 'UANN' });
    const known = await KnownUser.findById('ann@example.com').lean();
    assert.equal(known?.jiraAccountId, 'acc-ann');
    jira.accounts.clear();
    assert.equal((await resolveReporter(deps(), 'ann@example.com')).via, 'known_user');
  });

  it('3. a Slack user found by the email, whose Slack email finds a Jira account', async () => {
    // The fake's Slack profile email is <id>@example.com: the address Slack holds differs from the one given.
    slack.emails.set('carol@alias.example.com', 'UCAROL');
    jira.accounts.set('ucarol@example.com', 'acc-carol');
    assert.deepEqual(await resolveReporter(deps(), 'carol@alias.example.com'), { email: 'carol@alias.example.com', jiraAccountId: 'acc-carol', via: 'slack', slackId: 'UCAROL' });
  });

  it('4. an outside domain without a Jira account: the default account of that domain (subdomains removed)', async () => {
    slack.emails.set('dan@eu.partner.io', 'UDAN');
    assert.deepEqual(await resolveReporter(deps(), 'dan@eu.partner.io'), { email: 'dan@eu.partner.io', jiraAccountId: 'acc-partner-default', via: 'domain_default', slackId: 'UDAN' });
  });

  it('5. else the default reporter of the settings (an internal domain never takes a domain default); none when unset', async () => {
    assert.deepEqual(await resolveReporter(deps(), 'eve@example.com'), { email: 'eve@example.com', jiraAccountId: 'acc-settings-default', via: 'settings_default', slackId: null });
    assert.equal((await resolveReporter(deps(), 'fay@elsewhere.org')).via, 'settings_default');
    const bare = settingsWith(() => undefined);
    assert.deepEqual(await resolveReporter({ ...deps(), settings: bare }, 'gus@elsewhere.org'), { email: 'gus@elsewhere.org', jiraAccountId: null, via: 'none', slackId: null });
  });

  it('Slack being down costs the DM only; Jira being down is thrown', async () => {
    slack.lookupUserByEmail = async () => {
      throw new Error('slack down');
    };
    jira.accounts.set('hal@example.com', 'acc-hal');
    assert.deepEqual(await resolveReporter(deps(), 'hal@example.com'), { email: 'hal@example.com', jiraAccountId: 'acc-hal', via: 'jira', slackId: null });
    jira.findAccountIdByEmail = async () => {
      throw new Error('jira down');
    };
    await assert.rejects(resolveReporter(deps(), 'ivy@example.com'), /jira down/);
  });
});
