import assert from 'node:assert/strict';
import { announcementMessage, channelTopic, commsProcessMessage, rolesMessage, stepFailedMessage, ticketCreatedMessage } from '../../src/views/incident-messages.js';
import { longestIncidentFacts } from '../support/factories.js';
import { validateMessageBlocks } from '../support/slack-emulator/block-kit-limits.js';
import { defaultSettings } from '../support/settings.js';

const longest = longestIncidentFacts();

describe('incident messages', () => {
  const settings = defaultSettings();

  it('stay within Slack limits at the longest inputs', () => {
    for (const message of [
      announcementMessage(settings, longest),
      announcementMessage(settings, { ...longest, jira: null }),
      rolesMessage(settings, longest),
      commsProcessMessage(settings, longest),
      ticketCreatedMessage(settings, longest, 'reporter'),
      ticketCreatedMessage(settings, longest, 'channel'),
      stepFailedMessage(longest, 'creating the Jira ticket', 'x'.repeat(5000), 6),
    ]) {
      assert.deepEqual(validateMessageBlocks(message.blocks), []);
      assert.ok(message.text.length > 0 && message.text.length <= 40_000);
      assert.equal(message.metadata?.event_payload.incident_id, longest.id, 'carries its natural key');
    }
  });

  it('escapes mrkdwn control characters from user text', () => {
    const text = JSON.stringify(announcementMessage(settings, { ...longest, title: '<!channel> & <@U1>' }).blocks);
    assert.ok(text.includes('&lt;!channel&gt; &amp; &lt;@U1&gt;'));
    assert.ok(!text.includes('<!channel>'));
  });

  it('the announcement shows the Jira link once known', () => {
    assert.match(JSON.stringify(announcementMessage(settings, { ...longest, jira: null }).blocks), /being created/);
    assert.match(JSON.stringify(announcementMessage(settings, longest).blocks), /<https:\/\/example\.atlassian\.net\/browse\/INC-123456\|INC-123456>/);
  });

  it('the topic fits 250 characters', () => {
    const topic = channelTopic(settings, { ...longest, category: 'x'.repeat(400) });
    assert.ok(topic.length <= 250);
    assert.match(channelTopic(settings, longest), /^Incident #987654 · 🌪️ P1 · Open · Payment Operations – Payment · PRD, STG, INT$/);
  });
});
