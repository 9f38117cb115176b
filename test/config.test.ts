import assert from 'node:assert/strict';
import { parseConfig, secretsOf } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

const valid = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_APP_TOKEN: 'xapp-1-A1-2-def',
  JIRA_URL: 'https://example.atlassian.net/',
  JIRA_EMAIL: 'bot@example.com',
  JIRA_API_TOKEN: 'jira-token-123',
};

describe('parseConfig', () => {
  it('applies the contract defaults', () => {
    const config = parseConfig(valid);
    assert.equal(config.slack.apiUrl, 'https://slack.com/api/');
    assert.equal(config.httpPort, 3000);
    assert.equal(config.settingsPath, 'config/settings.json');
    assert.equal(config.mongodbUri, undefined);
    assert.equal(config.jira.url, 'https://example.atlassian.net');
  });

  it('lists every problem with the variable name, without echoing values', () => {
    assert.throws(
      () => parseConfig({ ...valid, SLACK_BOT_TOKEN: 'xoxp-user-token', JIRA_URL: 'not a url', HTTP_PORT: '99999' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /SLACK_BOT_TOKEN: must be a bot token/.test(e.message) &&
        /JIRA_URL/.test(e.message) &&
        /HTTP_PORT/.test(e.message) &&
        !e.message.includes('xoxp-user-token'),
    );
  });

  it('treats empty values as unset', () => {
    assert.equal(parseConfig({ ...valid, MONGODB_URI: '' }).mongodbUri, undefined);
  });

  it('knows its secrets', () => {
    assert.deepEqual(secretsOf(parseConfig({ ...valid, JIRA_WEBHOOK_SECRET: 'a-long-webhook-secret' })).sort(), [
      'a-long-webhook-secret',
      'jira-token-123',
      'xapp-1-A1-2-def',
      'xoxb-1-2-abc',
    ]);
  });
});
