import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SLACK_TRIGGERS } from '../src/listeners/index.js';
import { SLACK_GATEWAY_METHODS } from '../src/services/slack/slack-gateway.js';
import { LISTENER_METHODS, SCOPES_BY_EVENT, SCOPES_BY_METHOD } from '../src/services/slack/scopes.js';
import { helpText, USAGE_HINT } from '../src/views/help.js';
import { defaultSettings } from './support/settings.js';

interface Manifest {
  features: {
    slash_commands?: Array<{ command: string; usage_hint?: string }>;
    shortcuts?: Array<{ callback_id: string; type: string; name: string }>;
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { socket_mode_enabled: boolean; interactivity: { is_enabled: boolean }; event_subscriptions?: { bot_events?: string[] } };
}

describe('manifest.json matches what the code handles', () => {
  const manifest = JSON.parse(readFileSync('manifest.json', 'utf8')) as Manifest;

  it('declares exactly the slash commands the listeners register', () => {
    assert.deepEqual((manifest.features.slash_commands ?? []).map((c) => c.command).sort(), [...SLACK_TRIGGERS.commands].sort());
  });

  it('declares exactly the shortcuts the listeners register', () => {
    const declared = (manifest.features.shortcuts ?? []).map((s) => ({ callbackId: s.callback_id, type: s.type })).sort((a, b) => a.callbackId.localeCompare(b.callbackId));
    const handled = [...SLACK_TRIGGERS.shortcuts].sort((a, b) => a.callbackId.localeCompare(b.callbackId));
    assert.deepEqual(declared, handled);
    for (const s of manifest.features.shortcuts ?? []) assert.ok(s.name.length <= 24, `shortcut name "${s.name}" fits Slack's 24 characters`);
  });

  it('subscribes to exactly the events the listeners handle', () => {
    assert.deepEqual([...(manifest.settings.event_subscriptions?.bot_events ?? [])].sort(), [...SLACK_TRIGGERS.events].sort());
  });

  it('asks for exactly the scopes of the Web API methods the app calls and the events it receives, plus commands', () => {
    const methods = [...SLACK_GATEWAY_METHODS, ...LISTENER_METHODS];
    for (const method of methods) assert.ok(method in SCOPES_BY_METHOD, `${method} has its scopes listed`);
    for (const event of SLACK_TRIGGERS.events) assert.ok(event in SCOPES_BY_EVENT, `${event} has its scopes listed`);
    const needed = new Set(['commands', ...methods.flatMap((m) => SCOPES_BY_METHOD[m] ?? []), ...SLACK_TRIGGERS.events.flatMap((e) => SCOPES_BY_EVENT[e] ?? [])]);
    assert.deepEqual([...manifest.oauth_config.scopes.bot].sort(), [...needed].sort());
  });

  it('runs in Socket Mode with interactivity, and its usage hint lists what the help lists', () => {
    assert.equal(manifest.settings.socket_mode_enabled, true);
    assert.equal(manifest.settings.interactivity.is_enabled, true);
    assert.equal(manifest.features.slash_commands?.[0]?.usage_hint, USAGE_HINT);
    assert.match(helpText(defaultSettings(), '/incident'), /`\/incident timeline`/);
  });
});
