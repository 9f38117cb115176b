import assert from 'node:assert/strict';
import { describeMessageForDeclaration } from '../../../src/services/timeline/describe-message.js';
import { FakeSlack, silentLogger } from '../../support/fakes.js';
import { defaultSettings, settingsWith } from '../../support/settings.js';

describe('describeMessageForDeclaration (the declare form from a message)', () => {
  const permalink = 'https://slack.example/archives/C1/p1700000100000200';

  it('is the message as plain text, then its permalink', async () => {
    const slack = new FakeSlack();
    const text = await describeMessageForDeclaration(
      { settings: defaultSettings(), slack, logger: silentLogger() },
      { channel: 'C1', ts: '1700000100.000200', text: '<@U1> says checkout &gt; payment fails, see <https://status.example|status>' },
    );
    assert.equal(text, `@U1 says checkout > payment fails, see status (https://status.example)\n\nFrom Slack: ${permalink}`);
  });

  it('cuts the text, never the permalink, to the settings’ description limit', async () => {
    const settings = settingsWith((s) => {
      s.declare.descriptionMax = 120;
    });
    const text = await describeMessageForDeclaration({ settings, slack: new FakeSlack(), logger: silentLogger() }, { channel: 'C1', ts: '1700000100.000200', text: 'x'.repeat(500) });
    assert.equal(text.length, 120);
    assert.ok(text.endsWith(`…\n\nFrom Slack: ${permalink}`), text);
  });

  it('is the text alone when the permalink fails or is too slow for the 3-second trigger', async () => {
    const failing = new FakeSlack();
    failing.permalinkFails = true;
    const deps = { settings: defaultSettings(), logger: silentLogger() };
    assert.equal(await describeMessageForDeclaration({ ...deps, slack: failing }, { channel: 'C1', ts: '1.2', text: 'Checkout is down' }), 'Checkout is down');

    const slow = new FakeSlack();
    slow.permalink = () => new Promise((resolve) => setTimeout(() => resolve(permalink), 2_000));
    const started = Date.now();
    const text = await describeMessageForDeclaration({ ...deps, slack: slow, permalinkTimeoutMs: 100 }, { channel: 'C1', ts: '1.2', text: 'Checkout is down' });
    assert.equal(text, 'Checkout is down');
    assert.ok(Date.now() - started < 1_000, 'did not wait for the slow call');
  });

  it('is the permalink alone for a message without text', async () => {
    const text = await describeMessageForDeclaration({ settings: defaultSettings(), slack: new FakeSlack(), logger: silentLogger() }, { channel: 'C1', ts: '1700000100.000200', text: '' });
    assert.equal(text, `From Slack: ${permalink}`);
  });
});
