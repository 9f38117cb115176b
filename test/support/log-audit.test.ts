import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { findLeaks, findNonJsonLines, maskSecrets, type LogSource } from './log-audit.js';

describe('log audit', () => {
  const token = 'xoxb-planted-1234567890abcdef';
  const signature = `sha256=${createHmac('sha256', 'planted-secret').update('{"a":1}').digest('hex')}`;
  const secrets = new Map([
    [token, 'SLACK_BOT_TOKEN'],
    [signature, 'X-Hub-Signature'],
  ]);
  const source = (name: string, ...lines: string[]): LogSource => ({ name, chunks: lines.map((l) => `${l}\n`) });

  it('finds a planted secret and shows the line with the secret masked', () => {
    const leaks = findLeaks([source('harness:a', '{"level":"info","message":"ok"}', `{"level":"error","message":"call failed with ${token}"}`)], secrets);
    assert.deepEqual(leaks, [{ secretName: 'SLACK_BOT_TOKEN', source: 'harness:a', maskedLine: '{"level":"error","message":"call failed with [SLACK_BOT_TOKEN]"}' }]);
  });

  it('finds a sent signature, whole or as its bare hex digest, in any case', () => {
    const hex = signature.slice('sha256='.length);
    const whole = findLeaks([source('p', `{"headers":{"x-hub-signature":"${signature}"}}`)], secrets);
    assert.equal(whole[0]?.secretName, 'X-Hub-Signature');
    assert.ok(!whole[0]!.maskedLine.includes(hex));
    const bare = findLeaks([source('p', `{"message":"digest ${hex.toUpperCase()}"}`)], secrets);
    assert.equal(bare.length, 1);
    assert.equal(bare[0]!.maskedLine, '{"message":"digest [X-Hub-Signature]"}');
  });

  it('finds a secret split across the chunks of a process output', () => {
    const leaks = findLeaks([{ name: 'process:1', chunks: ['{"message":"xoxb-planted-12345', '67890abcdef"}\n'] }], secrets);
    assert.equal(leaks.length, 1);
    assert.equal(leaks[0]!.maskedLine, '{"message":"[SLACK_BOT_TOKEN]"}');
  });

  it('reports nothing for clean lines and other hex digests', () => {
    const other = createHmac('sha256', 'x').update('y').digest('hex');
    assert.deepEqual(findLeaks([source('a', `{"delivery":"sha256:${other}","token":"[redacted]"}`)], secrets), []);
  });

  it('flags lines that are not one JSON object, except plain lines a source declares', () => {
    const bad = findNonJsonLines([
      source('a', '{"ok":true}', 'plain text', '[1,2]', '{"a":1}{"b":2}'),
      { name: 'b', chunks: ['{"ok":true}\nCannot start: environment is invalid:\n  - SLACK_APP_TOKEN: bad\n'], plainLinePrefixes: ['Cannot start:'] },
    ]);
    assert.deepEqual(bad.map((b) => `${b.source}: ${b.line}`), ['a: plain text', 'a: [1,2]', 'a: {"a":1}{"b":2}']);
  });

  it('masks every secret of a reported line', () => {
    assert.equal(maskSecrets(`${token} and ${signature}`, secrets), '[SLACK_BOT_TOKEN] and sha256=[X-Hub-Signature]');
  });
});
