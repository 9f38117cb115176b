/**
 * Tests of the Slack emulator (test/support/slack-emulator/): the Block Kit validator, the Web API with the real
 * @slack/web-api client, the real Bolt app over the real Socket Mode client, and the generated payloads against the
 * real samples in test/fixtures/slack/ (the fixtures are the oracle for shapes).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { App, LogLevel, SocketModeReceiver, webApi } from '@slack/bolt';
import { WebSocket } from 'ws';
import {
  startSlackEmulator,
  validateMessageBlocks,
  validateView,
  type SlackEmulator,
  type SlackUser,
  type View,
} from './slack-emulator/index.js';

type Json = Record<string, unknown>;

const fixture = (path: string): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/slack/${path}`, import.meta.url), 'utf8')) as Json;

const pt = (text: string) => ({ type: 'plain_text' as const, text });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function client(emu: SlackEmulator, options: Record<string, unknown> = {}): webApi.WebClient {
  return new webApi.WebClient(emu.botToken, {
    slackApiUrl: emu.apiUrl,
    logLevel: webApi.LogLevel.ERROR,
    retryConfig: { retries: 0 },
    ...options,
  });
}

/** The `{ok:false}` body of a failed call (WebClient throws slack_webapi_platform_error with `data`). */
async function slackError(call: Promise<unknown>): Promise<Json & { error: string }> {
  try {
    await call;
  } catch (e) {
    const err = e as { code?: string; data?: Json & { error: string } };
    if (err.code === 'slack_webapi_platform_error' && err.data) return err.data;
    throw e;
  }
  return assert.fail('expected the call to fail');
}

/**
 * Fixture keys must all be present (except those named in `allowedMissing`); keys beyond the fixture's must be
 * named in `allowedExtra`. Nothing is tolerated silently.
 */
function assertKeys(actual: unknown, expected: unknown, where: string, allowedExtra: string[] = [], allowedMissing: string[] = []): void {
  assert.ok(actual && typeof actual === 'object', `${where}: not an object`);
  const a = Object.keys(actual as object);
  const f = Object.keys(expected as object);
  const missing = f.filter((k) => !a.includes(k) && !allowedMissing.includes(k));
  const extra = a.filter((k) => !f.includes(k) && !allowedExtra.includes(k));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, where);
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

// =================================================================================================== validator

describe('slack emulator: block-kit-limits', () => {
  const option = (text: string, value = text) => ({ text: pt(text), value });
  const goodModal = {
    type: 'modal',
    callback_id: 'cb',
    title: pt('Declare an incident'),
    submit: pt('Declare'),
    close: pt('Cancel'),
    private_metadata: '{"channel":"C1"}',
    blocks: [
      { type: 'header', text: pt('New incident') },
      { type: 'section', block_id: 's1', text: { type: 'mrkdwn', text: '*hi*' }, fields: [pt('a'), { type: 'mrkdwn', text: 'b' }] },
      { type: 'divider' },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'ctx' }, { type: 'image', image_url: 'https://x.y/i.png', alt_text: 'i' }] },
      {
        type: 'input',
        block_id: 'title_block',
        label: pt('Title'),
        hint: pt('Short'),
        element: { type: 'plain_text_input', action_id: 'title', min_length: 3, max_length: 150, placeholder: pt('What is broken?') },
      },
      {
        type: 'input',
        label: pt('Severity'),
        element: {
          type: 'static_select',
          action_id: 'sev',
          option_groups: [{ label: pt('High'), options: [option('SEV1'), option('SEV2')] }],
          initial_option: option('SEV2'),
        },
      },
      { type: 'input', label: pt('Tags'), element: { type: 'checkboxes', action_id: 'tags', options: times(10, (i) => option(`t${i}`)) } },
      {
        type: 'actions',
        elements: [
          { type: 'button', action_id: 'b', text: pt('Go'), value: 'v', style: 'primary', confirm: { title: pt('Sure?'), text: pt('Really'), confirm: pt('Yes'), deny: pt('No') } },
          { type: 'overflow', action_id: 'o', options: times(5, (i) => option(`o${i}`)) },
        ],
      },
      { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'x' }] }] },
      { type: 'image', image_url: 'https://x.y/i.png', alt_text: 'alt' },
    ],
  };

  it('accepts a modal and message blocks within every limit', () => {
    assert.deepEqual(validateView(goodModal), []);
    const messageBlocks = goodModal.blocks.filter((b) => b.type !== 'input');
    assert.deepEqual(validateMessageBlocks(messageBlocks), []);
    assert.deepEqual(validateMessageBlocks(times(50, () => section('x'))), []);
    assert.deepEqual(validateView({ type: 'home', blocks: times(100, () => section('x')) }), []);
  });

  it('uses the wording and pointer of a real Slack invalid_blocks answer', () => {
    const real = fixture('web-api/errors/chat.postMessage.invalid_blocks.json');
    const messages = (real.response_metadata as { messages: string[] }).messages;
    const issues = validateMessageBlocks([section('x'.repeat(3001))]);
    assert.deepEqual(issues, [{ pointer: '/blocks/0/text/text', message: 'must be less than 3001 characters' }]);
    assert.ok(messages.includes(`[ERROR] ${issues[0]?.message} [json-pointer:${issues[0]?.pointer}]`));
  });

  const messageCases: Array<[string, unknown[], string, RegExp]> = [
    ['51 blocks', times(51, () => section('x')), '/blocks', /no more than 50 items/],
    ['section fields 11', [{ type: 'section', fields: times(11, () => pt('f')) }], '/blocks/0/fields', /no more than 10/],
    ['section field 2001', [{ type: 'section', fields: [pt('x'.repeat(2001))] }], '/blocks/0/fields/0/text', /less than 2001/],
    ['section empty text', [{ type: 'section', text: { type: 'mrkdwn', text: '' } }], '/blocks/0/text/text', /more than 0/],
    ['header 151', [{ type: 'header', text: pt('x'.repeat(151)) }], '/blocks/0/text/text', /less than 151/],
    ['header mrkdwn', [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }], '/blocks/0/text/type', /plain_text/],
    ['context 11 elements', [{ type: 'context', elements: times(11, () => pt('c')) }], '/blocks/0/elements', /no more than 10/],
    ['actions 26 elements', [{ type: 'actions', elements: times(26, (i) => ({ type: 'button', action_id: `b${i}`, text: pt('b') })) }], '/blocks/0/elements', /no more than 25/],
    ['button text 76', [{ type: 'actions', elements: [{ type: 'button', text: pt('x'.repeat(76)) }] }], '/blocks/0/elements/0/text/text', /less than 76/],
    ['button text mrkdwn', [{ type: 'actions', elements: [{ type: 'button', text: { type: 'mrkdwn', text: 'b' } }] }], '/blocks/0/elements/0/text/type', /plain_text/],
    ['button value 2001', [{ type: 'actions', elements: [{ type: 'button', text: pt('b'), value: 'v'.repeat(2001) }] }], '/blocks/0/elements/0/value', /less than 2001/],
    ['button url 3001', [{ type: 'actions', elements: [{ type: 'button', text: pt('b'), url: 'u'.repeat(3001) }] }], '/blocks/0/elements/0/url', /less than 3001/],
    ['placeholder 151', [{ type: 'actions', elements: [{ type: 'users_select', placeholder: pt('p'.repeat(151)) }] }], '/blocks/0/elements/0/placeholder/text', /less than 151/],
    ['option text 76', [{ type: 'actions', elements: [{ type: 'static_select', options: [option('x'.repeat(76), 'v')] }] }], '/blocks/0/elements/0/options/0/text/text', /less than 76/],
    ['option text mrkdwn in select', [{ type: 'actions', elements: [{ type: 'static_select', options: [{ text: { type: 'mrkdwn', text: 'o' }, value: 'v' }] }] }], '/blocks/0/elements/0/options/0/text/type', /plain_text/],
    ['option value 151', [{ type: 'actions', elements: [{ type: 'static_select', options: [option('o', 'v'.repeat(151))] }] }], '/blocks/0/elements/0/options/0/value', /less than 151/],
    ['option description 76', [{ type: 'actions', elements: [{ type: 'radio_buttons', options: [{ ...option('o'), description: pt('d'.repeat(76)) }] }] }], '/blocks/0/elements/0/options/0/description/text', /less than 76/],
    ['select 101 options', [{ type: 'actions', elements: [{ type: 'static_select', options: times(101, (i) => option(`o${i}`)) }] }], '/blocks/0/elements/0/options', /no more than 100/],
    ['select 101 groups', [{ type: 'actions', elements: [{ type: 'multi_static_select', option_groups: times(101, () => ({ label: pt('g'), options: [option('o')] })) }] }], '/blocks/0/elements/0/option_groups', /no more than 100/],
    ['group label 76', [{ type: 'actions', elements: [{ type: 'static_select', option_groups: [{ label: pt('g'.repeat(76)), options: [option('o')] }] }] }], '/blocks/0/elements/0/option_groups/0/label/text', /less than 76/],
    ['checkboxes 11', [{ type: 'actions', elements: [{ type: 'checkboxes', options: times(11, (i) => option(`o${i}`)) }] }], '/blocks/0/elements/0/options', /no more than 10/],
    ['radio 11', [{ type: 'actions', elements: [{ type: 'radio_buttons', options: times(11, (i) => option(`o${i}`)) }] }], '/blocks/0/elements/0/options', /no more than 10/],
    ['overflow 6', [{ type: 'actions', elements: [{ type: 'overflow', options: times(6, (i) => option(`o${i}`)) }] }], '/blocks/0/elements/0/options', /no more than 5/],
    ['overflow 0', [{ type: 'actions', elements: [{ type: 'overflow', options: [] }] }], '/blocks/0/elements/0/options', /at least 1/],
    ['input block in a message', [{ type: 'input', label: pt('l'), element: { type: 'plain_text_input' } }], '/blocks/0/type', /only allowed in modals/],
    ['duplicate block_id', [{ ...section('a'), block_id: 'same' }, { ...section('b'), block_id: 'same' }], '/blocks/1/block_id', /duplicate block_id/],
    ['block_id 256', [{ ...section('a'), block_id: 'b'.repeat(256) }], '/blocks/0/block_id', /less than 256/],
    ['action_id 256', [{ type: 'actions', elements: [{ type: 'button', text: pt('b'), action_id: 'a'.repeat(256) }] }], '/blocks/0/elements/0/action_id', /less than 256/],
    ['unknown block type', [{ type: 'carousel' }], '/blocks/0/type', /failed to match all allowed schemas/],
    ['markdown 12001', [{ type: 'markdown', text: 'm'.repeat(12001) }], '/blocks/0/text', /less than 12001/],
    ['image alt_text missing', [{ type: 'image', image_url: 'https://x.y/i.png' }], '/blocks/0', /missing required field: alt_text/],
  ];
  for (const [name, blocks, pointer, message] of messageCases) {
    it(`refuses a message: ${name}`, () => {
      const issues = validateMessageBlocks(blocks);
      assert.ok(
        issues.some((i) => i.pointer === pointer && message.test(i.message)),
        `expected ${pointer} ${message}, got ${JSON.stringify(issues)}`,
      );
    });
  }

  const input = (element: Json, extra: Json = {}) => ({ type: 'input', label: pt('Label'), element, ...extra });
  const modal = (over: Json) => ({ type: 'modal', title: pt('T'), submit: pt('S'), blocks: [], ...over });
  const viewCases: Array<[string, Json, string, RegExp]> = [
    ['101 blocks', modal({ blocks: times(101, () => section('x')) }), '/blocks', /no more than 100 items/],
    ['title 25', modal({ title: pt('t'.repeat(25)) }), '/title/text', /less than 25/],
    ['title mrkdwn', modal({ title: { type: 'mrkdwn', text: 't' } }), '/title/type', /plain_text/],
    ['title missing', { type: 'modal', blocks: [] }, '/', /missing required field: title/],
    ['submit 25', modal({ submit: pt('s'.repeat(25)) }), '/submit/text', /less than 25/],
    ['close 25', modal({ close: pt('c'.repeat(25)) }), '/close/text', /less than 25/],
    ['private_metadata 3001', modal({ private_metadata: 'p'.repeat(3001) }), '/private_metadata', /less than 3001/],
    ['callback_id 256', modal({ callback_id: 'c'.repeat(256) }), '/callback_id', /less than 256/],
    ['input label 2001', modal({ blocks: [{ ...input({ type: 'plain_text_input' }), label: pt('l'.repeat(2001)) }] }), '/blocks/0/label/text', /less than 2001/],
    ['input hint 2001', modal({ blocks: [input({ type: 'plain_text_input' }, { hint: pt('h'.repeat(2001)) })] }), '/blocks/0/hint/text', /less than 2001/],
    ['input label mrkdwn', modal({ blocks: [{ ...input({ type: 'plain_text_input' }), label: { type: 'mrkdwn', text: 'l' } }] }), '/blocks/0/label/type', /plain_text/],
    ['max_length 3001', modal({ blocks: [input({ type: 'plain_text_input', max_length: 3001 })] }), '/blocks/0/element/max_length', /between 1 and 3000/],
    ['min_length > max_length', modal({ blocks: [input({ type: 'plain_text_input', min_length: 10, max_length: 5 })] }), '/blocks/0/element/min_length', /less than or equal to max_length/],
    ['input without submit', { type: 'modal', title: pt('T'), blocks: [input({ type: 'plain_text_input' })] }, '/', /submit/],
    ['button in input', modal({ blocks: [input({ type: 'button', text: pt('b') })] }), '/blocks/0/element/type', /not allowed here/],
    ['initial_option not in options', modal({ blocks: [input({ type: 'static_select', options: [option('a')], initial_option: option('z') })] }), '/blocks/0/element/initial_option', /match one of/],
    ['wrong view type', { type: 'workflow_step', blocks: [] }, '/type', /enum/],
  ];
  for (const [name, view, pointer, message] of viewCases) {
    it(`refuses a view: ${name}`, () => {
      const issues = validateView(view);
      assert.ok(
        issues.some((i) => i.pointer === pointer && message.test(i.message)),
        `expected ${pointer} ${message}, got ${JSON.stringify(issues)}`,
      );
    });
  }
});

// =================================================================================================== Web API

describe('slack emulator: Web API with @slack/web-api', () => {
  let emu: SlackEmulator;
  let web: webApi.WebClient;
  let alice: SlackUser;
  let bob: SlackUser;

  beforeEach(async () => {
    emu = await startSlackEmulator();
    web = client(emu);
    alice = emu.addUser({ name: 'alice', email: 'alice@example.com', isAdmin: true });
    bob = emu.addUser({ name: 'bob', email: 'Bob@Example.com' });
  });
  afterEach(() => emu.stop());

  it('checks tokens: bot token for methods, app token only for apps.connections.open', async () => {
    const auth = await web.auth.test();
    assert.equal(auth.user_id, emu.botUserId);
    assert.equal(auth.team_id, emu.teamId);
    assert.equal(auth.bot_id, emu.botId);
    assertKeys(auth, fixture('web-api/auth.test.success_with_bot_token.json'), 'auth.test', ['is_enterprise_install', 'response_metadata']);
    assert.equal((await slackError(new webApi.WebClient('xoxb-wrong', { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } }).auth.test())).error, 'invalid_auth');
    assert.equal((await slackError(web.apiCall('apps.connections.open'))).error, 'invalid_auth');
    const appClient = new webApi.WebClient(emu.appToken, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
    assert.match(String((await appClient.apps.connections.open()).url), /^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[-0-9a-f]+&app_id=A/);
    assert.equal((await slackError(appClient.auth.test())).error, 'not_allowed_token_type');
    assert.equal((await slackError(web.apiCall('nope.nothing'))).error, 'unknown_method');
    const noToken = await fetch(`${emu.apiUrl}auth.test`, { method: 'POST' });
    assert.deepEqual(await noToken.json(), { ok: false, error: 'not_authed' });
  });

  it('accepts JSON bodies and a token form field, ignores unknown args and records decoded calls', async () => {
    const json = await fetch(`${emu.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.botToken}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: emu.generalChannelId, text: 'json', blocks: [section('hi')], team_id: emu.teamId }),
    });
    assert.equal(((await json.json()) as Json).ok, true);
    const form = await fetch(`${emu.apiUrl}users.info`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: emu.botToken, user: alice.id, unknown_arg: 'x' }),
    });
    assert.equal(((await form.json()) as Json).ok, true);
    await web.chat.postMessage({ channel: emu.generalChannelId, text: 't', blocks: [section('b')], metadata: { event_type: 'incident', event_payload: { id: 1 } } });
    const last = emu.calls('chat.postMessage').at(-1);
    assert.deepEqual(last?.args.blocks, [section('b')]);
    assert.deepEqual(last?.args.metadata, { event_type: 'incident', event_payload: { id: 1 } });
    assert.equal(last?.status, 200);
    assert.equal('token' in (emu.calls('users.info')[0]?.args ?? {}), false);
    const stored = emu.messages(emu.generalChannelId).at(-1);
    assert.deepEqual(stored?.metadata, { event_type: 'incident', event_payload: { id: 1 } });
  });

  it('conversations.create: name rules, name_taken (archived too), private channels', async () => {
    assert.equal((await slackError(web.conversations.create({ name: 'Bad Name' }))).error, 'invalid_name_specials');
    assert.equal((await slackError(web.conversations.create({ name: 'a'.repeat(81) }))).error, 'invalid_name_maxlength');
    assert.equal((await slackError(web.conversations.create({ name: '' }))).error, 'invalid_name_required');
    assert.equal((await slackError(web.conversations.create({ name: '--' }))).error, 'invalid_name_punctuation');
    const ok = await web.conversations.create({ name: 'inc-42_db' + 'x'.repeat(71) });
    assert.equal(ok.channel?.name?.length, 80);
    assertKeys(ok.channel, (fixture('web-api/conversations.create.success.json').channel), 'conversations.create channel', [
      'is_frozen', 'context_team_id', 'updated', 'parent_conversation', 'shared_team_ids', 'pending_connected_team_ids', 'is_read_only',
    ], ['properties' /* canvas/tabs, not emulated */]);
    const taken = await slackError(web.conversations.create({ name: ok.channel?.name ?? '' }));
    assert.deepEqual(taken, { ...fixture('web-api/errors/conversations.create.name_taken.json'), response_metadata: taken.response_metadata });
    await web.conversations.archive({ channel: ok.channel?.id ?? '' });
    assert.equal((await slackError(web.conversations.create({ name: ok.channel?.name ?? '' }))).error, 'name_taken');
    const priv = await web.conversations.create({ name: 'secret', is_private: true });
    assert.equal(priv.channel?.is_private, true);
    assert.equal(emu.channelByName('secret')?.isPrivate, true);
    assert.deepEqual(emu.channelByName('secret')?.members, [emu.botUserId]);
  });

  it('conversations: invite, join, rename, topic, archive, members, list, info with Slack errors', async () => {
    const c = (await web.conversations.create({ name: 'inc-1' })).channel as Json;
    const id = String(c.id);
    const inv = await web.conversations.invite({ channel: id, users: `${alice.id},${bob.id}` });
    assert.equal(inv.ok, true);
    assert.deepEqual(emu.channel(id)?.members, [emu.botUserId, alice.id, bob.id]);
    const again = await slackError(web.conversations.invite({ channel: id, users: alice.id }));
    assert.equal(again.error, fixture('web-api/errors/conversations.invite.already_in_channel.json').error);
    assert.deepEqual(again.errors, [{ user: alice.id, ok: false, error: 'already_in_channel' }]);
    assertKeys((again.errors as Json[])[0], (fixture('web-api/conversations.invite.error.json').errors as Json[])[0], 'invite errors[0]');
    assert.equal((await slackError(web.conversations.invite({ channel: id, users: emu.botUserId }))).error, 'cant_invite_self');
    assert.equal((await slackError(web.conversations.invite({ channel: id, users: 'U404' }))).error, 'user_not_found');
    assert.equal((await slackError(web.conversations.invite({ channel: id, users: times(101, () => alice.id).join(',') }))).error, 'too_many_users');
    assert.equal((await slackError(web.conversations.invite({ channel: 'C404', users: alice.id }))).error, 'channel_not_found');

    const foreign = emu.addChannel({ name: 'not-mine', members: [alice.id] });
    assert.equal((await slackError(web.conversations.invite({ channel: foreign.id, users: bob.id }))).error, 'not_in_channel');
    await web.conversations.join({ channel: foreign.id });
    const joinedTwice = await web.conversations.join({ channel: foreign.id });
    assert.equal(joinedTwice.warning, 'already_in_channel');
    const secret = emu.addChannel({ name: 'secret', isPrivate: true, members: [alice.id] });
    assert.equal((await slackError(web.conversations.info({ channel: secret.id }))).error, 'channel_not_found');
    assert.equal((await slackError(web.chat.postMessage({ channel: secret.id, text: 'x' }))).error, 'not_in_channel');

    assert.equal((await slackError(web.conversations.setTopic({ channel: id, topic: 't'.repeat(251) }))).error, 'too_long');
    await web.conversations.setTopic({ channel: id, topic: 'SEV1: db down' });
    await web.conversations.setPurpose({ channel: id, purpose: 'Incident channel' });
    const renamed = await web.conversations.rename({ channel: id, name: 'inc-1-db-down' });
    assert.equal(renamed.channel?.name, 'inc-1-db-down');
    assert.equal((await slackError(web.conversations.rename({ channel: id, name: 'not-mine' }))).error, 'name_taken');
    const info = await web.conversations.info({ channel: id, include_num_members: true });
    assert.equal(info.channel?.topic?.value, 'SEV1: db down');
    assert.equal(info.channel?.purpose?.value, 'Incident channel');
    assert.deepEqual(info.channel?.previous_names, ['inc-1']);
    assert.equal(info.channel?.num_members, 3);
    assertKeys(info.channel, fixture('web-api/conversations.info.success.json').channel, 'conversations.info channel', [
      'is_member', 'last_read', 'is_read_only', 'num_members',
    ], ['properties' /* canvas/tabs, not emulated */]);

    const members = await web.conversations.members({ channel: id, limit: 2 });
    assert.deepEqual(members.members, [emu.botUserId, alice.id]);
    const rest = await web.conversations.members({ channel: id, limit: 2, cursor: members.response_metadata?.next_cursor ?? '' });
    assert.deepEqual(rest.members, [bob.id]);
    assert.equal(rest.response_metadata?.next_cursor, '');

    await web.conversations.archive({ channel: id });
    assert.equal((await slackError(web.conversations.archive({ channel: id }))).error, 'already_archived');
    assert.equal((await slackError(web.chat.postMessage({ channel: id, text: 'x' }))).error, 'is_archived');
    assert.equal((await slackError(web.conversations.archive({ channel: emu.generalChannelId }))).error, 'cant_archive_general');
    const listed = await web.conversations.list({ exclude_archived: true, limit: 1 });
    assert.equal(listed.channels?.length, 1);
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await web.conversations.list({ types: 'public_channel,private_channel', limit: 1, ...(cursor ? { cursor } : {}) });
      all.push(...(page.channels ?? []).map((ch) => String(ch.name)));
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    assert.deepEqual(all.sort(), ['general', 'inc-1-db-down', 'not-mine']);
    await web.conversations.unarchive({ channel: id });
    assert.equal(emu.channel(id)?.isArchived, false);
    // Slack's system messages are in history, not in messages() unless asked
    assert.ok(emu.messages(id, { includeSystem: true }).some((m) => m.subtype === 'channel_topic'));
    assert.equal(emu.messages(id).length, 0);
  });

  it('chat: ts strictly increasing, DMs by user id, update, delete, ephemeral, permalink, history, truncation', async () => {
    // a bot reads history only where it is a member (posting to a public channel needs no join)
    assert.equal((await slackError(web.conversations.history({ channel: emu.generalChannelId }))).error, 'not_in_channel');
    await web.conversations.join({ channel: emu.generalChannelId });
    const first = await web.chat.postMessage({ channel: emu.generalChannelId, text: 'one' });
    const second = await web.chat.postMessage({ channel: '#general', text: 'two' });
    assert.match(String(first.ts), /^\d{10}\.\d{6}$/);
    assert.ok(Number(second.ts) > Number(first.ts));
    const dm = await web.chat.postMessage({ channel: alice.id, text: 'hello alice' });
    assert.match(String(dm.channel), /^D/);
    const opened = await web.conversations.open({ users: alice.id });
    assert.equal(opened.channel?.id, dm.channel);
    assert.equal((await web.conversations.open({ users: alice.id })).channel?.id, dm.channel);
    assert.deepEqual(emu.messages(alice.id).map((m) => m.text), ['hello alice']);

    assert.equal((await slackError(web.chat.postMessage({ channel: emu.generalChannelId } as never))).error, 'no_text');
    const long = await web.chat.postMessage({ channel: emu.generalChannelId, text: 'x'.repeat(40_010) });
    assert.equal(emu.messages(emu.generalChannelId).find((m) => m.ts === long.ts)?.text.length, 40_000);

    const upd = await web.chat.update({ channel: emu.generalChannelId, ts: String(first.ts), text: 'one (edited)', blocks: [section('edited')] });
    assert.equal(upd.text, 'one (edited)');
    const edited = emu.messages(emu.generalChannelId).find((m) => m.ts === first.ts);
    assert.equal(edited?.edited, true);
    assert.equal((edited?.blocks?.[0] as Json | undefined)?.type, 'section');
    assert.equal((await slackError(web.chat.update({ channel: emu.generalChannelId, ts: '1.2', text: 'x' }))).error, 'message_not_found');

    const thread = await web.chat.postMessage({ channel: emu.generalChannelId, text: 'reply', thread_ts: String(first.ts) });
    const link = await web.chat.getPermalink({ channel: emu.generalChannelId, message_ts: String(thread.ts) });
    assert.match(String(link.permalink), new RegExp(`/archives/${emu.generalChannelId}/p${String(thread.ts).replace('.', '')}\\?thread_ts=${first.ts}`));
    const hist = await web.conversations.history({ channel: emu.generalChannelId, limit: 2 });
    assert.deepEqual(hist.messages?.map((m) => m.text), ['x'.repeat(40_000), 'two']);
    assert.equal(hist.has_more, true);
    const window = await web.conversations.history({ channel: emu.generalChannelId, oldest: String(first.ts), latest: String(second.ts), inclusive: true });
    assert.deepEqual(window.messages?.map((m) => m.ts), [second.ts, first.ts]);
    const replies = await web.conversations.replies({ channel: emu.generalChannelId, ts: String(first.ts) });
    assert.deepEqual(replies.messages?.map((m) => m.text), ['one (edited)', 'reply']);

    const eph = await web.chat.postEphemeral({ channel: emu.generalChannelId, user: bob.id, text: 'psst' });
    assert.match(String(eph.message_ts), /^\d+\.\d+$/);
    assert.deepEqual(emu.ephemerals(bob.id).map((m) => m.text), ['psst']);
    await web.chat.delete({ channel: emu.generalChannelId, ts: String(second.ts) });
    assert.equal(emu.messages(emu.generalChannelId).some((m) => m.ts === second.ts), false);
  });

  it('pins, bookmarks, reactions, users', async () => {
    const c = String((await web.conversations.create({ name: 'inc-2' })).channel?.id);
    const m = await web.chat.postMessage({ channel: c, text: 'summary' });
    await web.pins.add({ channel: c, timestamp: String(m.ts) });
    assert.equal((await slackError(web.pins.add({ channel: c, timestamp: String(m.ts) }))).error, 'already_pinned');
    assert.deepEqual(emu.channel(c)?.pins, [m.ts]);
    assert.equal((await web.pins.list({ channel: c })).items?.length, 1);
    await web.pins.remove({ channel: c, timestamp: String(m.ts) });
    assert.deepEqual(emu.channel(c)?.pins, []);

    const bk = await web.bookmarks.add({ channel_id: c, title: 'Jira', type: 'link', link: 'https://jira.example/INC-1', emoji: ':jira:' });
    assert.equal((await slackError(web.bookmarks.add({ channel_id: c, title: 'x', type: 'link', link: 'ftp://x' }))).error, 'invalid_link');
    await web.bookmarks.edit({ channel_id: c, bookmark_id: String(bk.bookmark?.id), title: 'Jira INC-1' });
    assert.deepEqual((await web.bookmarks.list({ channel_id: c })).bookmarks?.map((b) => b.title), ['Jira INC-1']);
    assert.equal(emu.channel(c)?.bookmarks[0]?.emoji, ':jira:');
    await web.bookmarks.remove({ channel_id: c, bookmark_id: String(bk.bookmark?.id) });
    assert.deepEqual(emu.channel(c)?.bookmarks, []);

    await web.reactions.add({ channel: c, timestamp: String(m.ts), name: 'eyes' });
    assert.equal((await slackError(web.reactions.add({ channel: c, timestamp: String(m.ts), name: 'eyes' }))).error, 'already_reacted');
    assert.deepEqual(emu.messages(c).find((x) => x.ts === m.ts)?.reactions, [{ name: 'eyes', users: [emu.botUserId] }]);

    const info = await web.users.info({ user: alice.id });
    assertKeys(info.user, fixture('web-api/users.info.success.json').user, 'users.info user');
    assert.equal(info.user?.is_admin, true);
    assert.equal((await web.users.lookupByEmail({ email: 'bob@example.com' })).user?.id, bob.id);
    assert.equal((await slackError(web.users.lookupByEmail({ email: 'nobody@example.com' }))).error, 'users_not_found');
    assert.equal((await slackError(web.users.info({ user: 'U404' }))).error, 'user_not_found');
    assert.ok((await web.users.list({})).members?.some((u) => u.id === emu.botUserId && u.is_bot));
    assert.equal((await web.team.info()).team?.id, emu.teamId);
  });

  it('refuses a message with 51 blocks with invalid_blocks and Slack\'s message format', async () => {
    const err = await slackError(web.chat.postMessage({ channel: emu.generalChannelId, text: 'x', blocks: times(51, () => section('x')) }));
    assert.equal(err.error, 'invalid_blocks');
    assert.deepEqual((err.response_metadata as Json).messages, ['[ERROR] no more than 50 items allowed [json-pointer:/blocks]']);
    const input = await slackError(web.chat.postMessage({ channel: emu.generalChannelId, text: 'x', blocks: [{ type: 'input', label: pt('l'), element: { type: 'plain_text_input' } }] }));
    assert.equal(input.error, 'invalid_blocks');
    assert.equal(emu.messages(emu.generalChannelId).length, 0);
  });

  it('views: 101 blocks and a 25-char title are invalid_arguments; trigger ids are single-use', async () => {
    const trigger = emu.issueTriggerId(alice.id);
    const tooMany = await slackError(web.views.open({ trigger_id: trigger, view: { type: 'modal', title: pt('T'), blocks: times(101, () => section('x')) as never } }));
    const expected = fixture('web-api/errors/views.open.too_many_blocks.json');
    assert.deepEqual({ ok: tooMany.ok, error: tooMany.error, response_metadata: tooMany.response_metadata }, expected);
    const title = await slackError(web.views.open({ trigger_id: trigger, view: { type: 'modal', title: pt('x'.repeat(25)), blocks: [] } }));
    assert.equal(title.error, 'invalid_arguments');
    assert.deepEqual((title.response_metadata as Json).messages, ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]']);
    assert.equal((await slackError(web.views.open({ trigger_id: trigger, view: { type: 'modal', title: pt('T'), blocks: [section('x'.repeat(300_000))] as never } }))).error, 'view_too_large');
    // failed calls did not spend the trigger
    const opened = await web.views.open({ trigger_id: trigger, view: { type: 'modal', title: pt('T'), blocks: [] } });
    assertKeys(opened.view, fixture('web-api/views.open.success.json').view, 'views.open view', ['previous_view_id', 'app_installed_team_id', 'close', 'submit_disabled']);
    assert.equal((await slackError(web.views.open({ trigger_id: trigger, view: { type: 'modal', title: pt('T'), blocks: [] } }))).error, 'exchanged_trigger_id');
    assert.equal((await slackError(web.views.open({ trigger_id: '123.456.abc', view: { type: 'modal', title: pt('T'), blocks: [] } }))).error, 'invalid_trigger_id');
  });

  it('views: push limit, update by id / external_id with hash, publish', async () => {
    const m = (title: string, extra: Json = {}) => ({ type: 'modal' as const, title: pt(title), blocks: [], ...extra });
    const root = (await web.views.open({ trigger_id: emu.issueTriggerId(alice.id), view: m('Root', { external_id: 'ext-root' }) })).view as Json;
    await web.views.push({ trigger_id: emu.issueTriggerId(alice.id), view: m('Two') });
    const third = (await web.views.push({ trigger_id: emu.issueTriggerId(alice.id), view: m('Three') })).view as Json;
    assert.equal(third.root_view_id, root.id);
    assert.equal((await slackError(web.views.push({ trigger_id: emu.issueTriggerId(alice.id), view: m('Four') }))).error, 'push_limit_reached');
    assert.deepEqual(emu.openViews(alice.id).map((v) => v.title?.text), ['Root', 'Two', 'Three']);

    const upd = (await web.views.update({ view_id: String(root.id), hash: String(root.hash), view: m('Root 2', { external_id: 'ext-root' }) })).view as Json;
    assert.notEqual(upd.hash, root.hash);
    assert.equal(upd.id, root.id);
    assert.equal((await slackError(web.views.update({ view_id: String(root.id), hash: String(root.hash), view: m('Stale') }))).error, 'hash_conflict');
    await web.views.update({ external_id: 'ext-root', view: m('Root 3', { external_id: 'ext-root' }) });
    assert.equal(emu.view(String(root.id))?.title?.text, 'Root 3');
    assert.equal((await slackError(web.views.update({ view_id: 'V404', view: m('x') }))).error, 'not_found');

    const home = await web.views.publish({ user_id: bob.id, view: { type: 'home', blocks: [section('Welcome')] } });
    assert.equal(emu.homeView(bob.id)?.id, home.view?.id);
    assert.equal((await slackError(web.views.publish({ user_id: 'U404', view: { type: 'home', blocks: [] } }))).error, 'invalid_arguments');
  });

  it('failNext: 429 makes the default WebClient wait Retry-After and retry; 500 rejects with retries 0; no state change', async () => {
    emu.failNext('chat.postMessage', { rateLimited: { retryAfterSeconds: 1 } });
    const patient = new webApi.WebClient(emu.botToken, { slackApiUrl: emu.apiUrl, logLevel: webApi.LogLevel.ERROR });
    const t0 = Date.now();
    const posted = await patient.chat.postMessage({ channel: emu.generalChannelId, text: 'after the wait' });
    assert.equal(posted.ok, true);
    assert.ok(Date.now() - t0 >= 900, `retried after ${Date.now() - t0} ms`);
    assert.deepEqual(emu.calls('chat.postMessage').map((c) => c.status), [429, 200]);
    assert.equal(emu.messages(emu.generalChannelId).length, 1);
    const raw = fixture('web-api/errors/ratelimited.429.json');
    emu.failNext('users.info', { rateLimited: { retryAfterSeconds: 3 } });
    const r = await fetch(`${emu.apiUrl}users.info`, { method: 'POST', headers: { authorization: `Bearer ${emu.botToken}` } });
    assert.equal(r.status, (raw._http as Json).status);
    assert.equal(r.headers.get('retry-after'), ((raw._http as Json).headers as Json)['Retry-After']);
    assert.deepEqual(await r.json(), raw.body);

    emu.failNext('conversations.create', { httpStatus: 500 });
    await assert.rejects(web.conversations.create({ name: 'inc-500' }), (e: { code?: string; statusCode?: number }) => {
      assert.equal(e.code, 'slack_webapi_http_error');
      assert.equal(e.statusCode, 500);
      return true;
    });
    assert.equal(emu.channelByName('inc-500'), undefined);
    emu.failNext('conversations.create', { error: 'restricted_action' }, 2);
    assert.equal((await slackError(web.conversations.create({ name: 'inc-x' }))).error, 'restricted_action');
    assert.equal((await slackError(web.conversations.create({ name: 'inc-x' }))).error, 'restricted_action');
    assert.equal((await web.conversations.create({ name: 'inc-x' })).ok, true);
    emu.failNext('users.info', { delayMs: 200 });
    const t1 = Date.now();
    assert.equal((await web.users.info({ user: alice.id })).ok, true);
    assert.ok(Date.now() - t1 >= 190);
  });

  it('enforceRateLimits: Tier 2 allows 20 conversations.create a minute, then 429 with Retry-After', async () => {
    let clock = 1_700_000_000_000;
    const limited = await startSlackEmulator({ enforceRateLimits: true, now: () => clock });
    try {
      const w = new webApi.WebClient(limited.botToken, { slackApiUrl: limited.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
      for (let i = 0; i < 20; i += 1) await w.conversations.create({ name: `rl-${i}` });
      await assert.rejects(w.conversations.create({ name: 'rl-20' }), (e: { code?: string; retryAfter?: number }) => {
        assert.equal(e.code, 'slack_webapi_rate_limited_error');
        assert.equal(e.retryAfter, 60);
        return true;
      });
      assert.equal(limited.channelByName('rl-20'), undefined);
      clock += 60_000;
      assert.equal((await w.conversations.create({ name: 'rl-20' })).ok, true);
      // chat.postMessage: about one per second per channel after a short burst
      const ch = limited.generalChannelId;
      for (let i = 0; i < 3; i += 1) await w.chat.postMessage({ channel: ch, text: `${i}` });
      await assert.rejects(w.chat.postMessage({ channel: ch, text: 'burst' }));
      clock += 1000;
      assert.equal((await w.chat.postMessage({ channel: ch, text: 'later' })).ok, true);
    } finally {
      await limited.stop();
    }
  });
});

// =================================================================================================== Bolt e2e

function incidentModal(): Json {
  const option = (text: string, value: string) => ({ text: pt(text), value });
  return {
    type: 'modal',
    callback_id: 'create_incident',
    notify_on_close: true,
    private_metadata: JSON.stringify({ source: 'slash' }),
    title: pt('Declare an incident'),
    submit: pt('Declare'),
    close: pt('Cancel'),
    blocks: [
      { type: 'input', block_id: 'title_block', label: pt('Title'), element: { type: 'plain_text_input', action_id: 'title', max_length: 150 } },
      {
        type: 'input',
        block_id: 'severity_block',
        label: pt('Severity'),
        element: {
          type: 'static_select',
          action_id: 'severity',
          option_groups: [
            { label: pt('High'), options: [option('SEV1 - Critical', 'sev1'), option('SEV2 - Major', 'sev2')] },
            { label: pt('Low'), options: [option('SEV3 - Minor', 'sev3')] },
          ],
        },
      },
      { type: 'input', block_id: 'responders_block', label: pt('Responders'), element: { type: 'multi_users_select', action_id: 'responders' } },
      { type: 'input', block_id: 'customer_block', optional: true, label: pt('Customer facing?'), element: { type: 'checkboxes', action_id: 'customer', options: [option('Yes', 'yes')] } },
      { type: 'input', block_id: 'started_block', label: pt('Started at'), element: { type: 'datetimepicker', action_id: 'started' } },
      { type: 'input', block_id: 'description_block', optional: true, label: pt('Description (optional)'), element: { type: 'plain_text_input', action_id: 'description', multiline: true } },
      {
        type: 'actions',
        block_id: 'guide_block',
        elements: [{ type: 'static_select', action_id: 'severity_guide', placeholder: pt('Severity guide'), options: [option('SEV1 - Critical', 'sev1'), option('SEV2 - Major', 'sev2')] }],
      },
    ],
  };
}

describe('slack emulator: the real Bolt app over Socket Mode', () => {
  let emu: SlackEmulator;
  let app: App;
  let alice: SlackUser;
  let bob: SlackUser;
  let clockOffset = 0;
  let lastTrigger = '';
  const seen: Record<string, unknown[]> = {};
  const record = (key: string, value: unknown) => (seen[key] ??= []).push(value);

  before(async () => {
    emu = await startSlackEmulator({ now: () => Date.now() + clockOffset });
    alice = emu.addUser({ name: 'alice', email: 'alice@example.com' });
    bob = emu.addUser({ name: 'bob' });
    app = new App({
      token: emu.botToken,
      appToken: emu.appToken,
      socketMode: true,
      clientOptions: { slackApiUrl: emu.apiUrl },
      logLevel: LogLevel.ERROR,
    });
    app.command('/incident', async ({ ack, body, client: c }) => {
      await ack();
      lastTrigger = body.trigger_id;
      await c.views.open({ trigger_id: body.trigger_id, view: incidentModal() as never });
    });
    app.command('/remember', async ({ ack, body }) => {
      lastTrigger = body.trigger_id;
      await ack();
    });
    app.command('/hello', async ({ ack, respond }) => {
      await ack({ text: 'hi from the ack' });
      await respond({ text: 'posted for everyone', response_type: 'in_channel' });
    });
    app.command('/slow', async ({ ack }) => {
      await sleep(300);
      await ack();
    });
    app.view('create_incident', async ({ ack, view, body }) => {
      const v = view.state.values;
      const title = v.title_block?.title?.value ?? '';
      if (title.length < 5) {
        await ack({ response_action: 'errors', errors: { title_block: 'Use at least 5 characters' } });
        return;
      }
      record('submitted', { values: v, user: body.user.id, metadata: view.private_metadata });
      await ack({
        response_action: 'update',
        view: { type: 'modal', callback_id: 'incident_declared', title: pt('Incident declared'), close: pt('Done'), blocks: [section(`Declared *${title}*`)] },
      });
    });
    app.view({ callback_id: 'create_incident', type: 'view_closed' }, async ({ ack, body }) => {
      await ack();
      record('closed', body.view.id);
    });
    app.action('severity_guide', async ({ ack, body }) => {
      await ack();
      const action = (body as unknown as { actions: Json[] }).actions[0];
      record('guide', (action?.selected_option as Json | undefined)?.value);
    });
    app.event('app_home_opened', async ({ event, client: c }) => {
      await c.views.publish({
        user_id: event.user,
        view: {
          type: 'home',
          blocks: [
            section('Your incidents'),
            {
              type: 'actions',
              elements: [{ type: 'button', action_id: 'refresh_home', text: pt('Refresh'), style: 'danger', confirm: { title: pt('Sure?'), text: pt('Refresh now?'), confirm: pt('Yes'), deny: pt('No') } }],
            },
          ],
        },
      });
    });
    app.action('refresh_home', async ({ ack, body }) => {
      await ack();
      record('refresh', (body as unknown as { view: View }).view.type);
    });
    app.action('ack_button', async ({ ack, respond }) => {
      await ack();
      await respond({ text: 'acknowledged', replace_original: true });
    });
    app.shortcut('incident_from_message', async ({ ack, body }) => {
      await ack();
      record('shortcut', (body as unknown as { message: { text: string } }).message.text);
    });
    await app.start();
    await emu.waitForConnection();
  });

  after(async () => {
    await app.stop();
    await emu.stop();
  });

  beforeEach(() => {
    clockOffset = 0;
  });

  it('connects like Slack: auth.test, apps.connections.open, hello', () => {
    assert.deepEqual(emu.calls().map((c) => c.method).slice(0, 2), ['auth.test', 'apps.connections.open']);
    assert.equal(emu.connectionCount(), 1);
  });

  it('/incident opens a modal; fill by label; errors, then update', async () => {
    const cmd = await emu.sendSlashCommand({ command: '/incident', text: 'db', userId: alice.id });
    assert.deepEqual(cmd.ackPayload, {});
    assert.ok(cmd.ackMs < 3000);
    await emu.waitForCalls('views.open');
    const [view] = emu.openViews(alice.id);
    assert.ok(view);
    assert.equal(view.callback_id, 'create_incident');
    assert.equal(typeof (emu.calls('views.open')[0]?.args.view as Json).blocks, 'object');

    const form = emu.form(view.id);
    assert.deepEqual(form.labels(), ['Title', 'Severity', 'Responders', 'Customer facing?', 'Started at', 'Description (optional)']);
    form
      .fill('Title', 'db')
      .fill('Severity', 'SEV1 - Critical')
      .fill('Responders', [alice.id, 'bob'])
      .fill('Customer facing', true)
      .fill('Started at', new Date('2024-05-01T10:00:00Z'));
    assert.throws(() => form.fill('Severity', 'SEV9'), /no option 'SEV9'.*SEV1 - Critical/);
    assert.throws(() => form.fill('Nope', 'x'), /no input labelled 'Nope'.*'Title'/);
    assert.throws(() => form.fill('Title', 'x'.repeat(151)), /at most 150 characters/);

    const first = await form.submit();
    assert.equal(first.responseAction, 'errors');
    assert.deepEqual(first.errors, { title_block: 'Use at least 5 characters' });
    assert.equal(first.responseError, undefined);
    assert.deepEqual(first.stack.map((v) => v.id), [view.id]);

    const hashBefore = emu.view(view.id)?.hash;
    const second = await form.fill('Title', 'Database down').submit();
    assert.equal(second.responseAction, 'update');
    assert.equal(second.responseError, undefined);
    const updated = emu.view(view.id);
    assert.equal(updated?.callback_id, 'incident_declared');
    assert.notEqual(updated?.hash, hashBefore);
    const submitted = seen.submitted?.at(-1) as { values: Record<string, Record<string, Json>>; user: string; metadata: string };
    assert.equal(submitted.user, alice.id);
    assert.equal(submitted.metadata, '{"source":"slash"}');
    assert.equal((submitted.values.severity_block?.severity?.selected_option as Json).value, 'sev1');
    assert.deepEqual(submitted.values.responders_block?.responders?.selected_users, [alice.id, bob.id]);
    assert.deepEqual((submitted.values.customer_block?.customer?.selected_options as Json[]).map((o) => o.value), ['yes']);
    assert.equal(submitted.values.started_block?.started?.selected_date_time, 1714557600);
    assert.deepEqual(submitted.values.description_block?.description, { type: 'plain_text_input', value: null });
    await emu.closeView({ viewId: view.id, userId: alice.id });
    assert.deepEqual(emu.openViews(alice.id), []);
  });

  it('the Slack client refuses to submit empty required fields; select in an actions block dispatches block_actions; close notifies', async () => {
    await emu.sendSlashCommand({ command: '/incident', userId: bob.id });
    const view = await emu.waitUntil(() => emu.openViews(bob.id)[0], 3000, 'the modal');
    const refused = await emu.form(view.id).fill('Title', 'Only a title').submit();
    assert.equal(refused.acked, false);
    assert.deepEqual(Object.keys(refused.clientErrors ?? {}).sort(), ['responders_block', 'severity_block', 'started_block']);

    const picked = await emu.form(view.id).selectInSection('severity_guide', 'SEV2 - Major');
    assert.equal(picked.acked, true);
    await emu.waitUntil(() => seen.guide?.includes('sev2'), 3000, 'the block action in the app');
    assert.equal((emu.view(view.id)?.state.values.guide_block?.severity_guide?.selected_option as Json | undefined)?.value, 'sev2');

    const closed = await emu.closeView({ viewId: view.id });
    assert.equal(closed.acked, true);
    await emu.waitUntil(() => seen.closed?.includes(view.id), 3000, 'view_closed in the app');
    assert.deepEqual(emu.openViews(bob.id), []);
  });

  it('a trigger_id is single-use (exchanged_trigger_id) and expires after 3 s (expired_trigger_id)', async () => {
    const web = client(emu);
    const modal = { type: 'modal' as const, title: pt('T'), blocks: [] };
    await emu.sendSlashCommand({ command: '/remember', userId: alice.id });
    const trigger = lastTrigger;
    assert.equal((await web.views.open({ trigger_id: trigger, view: modal })).ok, true);
    assert.equal((await slackError(web.views.open({ trigger_id: trigger, view: modal }))).error, 'exchanged_trigger_id');
    await emu.sendSlashCommand({ command: '/remember', userId: alice.id });
    clockOffset = 3001;
    assert.equal((await slackError(web.views.open({ trigger_id: lastTrigger, view: modal }))).error, 'expired_trigger_id');
    await emu.closeView({ viewId: emu.openViews(alice.id)[0]?.id ?? '' });
  });

  it('an ack with text becomes an ephemeral reply; respond() posts through response_url', async () => {
    const r = await emu.sendSlashCommand({ command: '/hello', userId: alice.id });
    assert.deepEqual(r.ackPayload, { text: 'hi from the ack' });
    assert.ok(emu.ephemerals(alice.id).some((m) => m.text === 'hi from the ack'));
    await emu.waitForCalls('response_url');
    assert.equal(emu.messages(emu.generalChannelId).at(-1)?.text, 'posted for everyone');
  });

  it('a late ack fails the send with a message naming the envelope', async () => {
    await assert.rejects(
      emu.sendSlashCommand({ command: '/slow', userId: alice.id, timeoutMs: 100 }),
      /did not ack the slash_commands envelope \(\/slow\) within 100 ms/,
    );
    await emu.waitUntil(() => emu.envelopes().some((e) => e.label === '/slow' && e.status === 'late_ack'), 3000, 'the late ack');
  });

  it('app_home_opened -> views.publish; a home button reaches app.action', async () => {
    const r = await emu.sendEvent({ type: 'app_home_opened', user: bob.id, tab: 'home' });
    assert.deepEqual(r.ackPayload, {});
    const home = await emu.waitUntil(() => emu.homeView(bob.id), 3000, 'the home view');
    await emu.sendBlockAction({ userId: bob.id, actionId: 'refresh_home', viewId: home.id });
    await emu.waitUntil(() => seen.refresh?.includes('home'), 3000, 'the home action');
  });

  it('message buttons use response_url; message shortcuts carry the stored message', async () => {
    const web = client(emu);
    const posted = await web.chat.postMessage({
      channel: emu.generalChannelId,
      text: 'Incident declared',
      blocks: [section('Incident declared'), { type: 'actions', elements: [{ type: 'button', action_id: 'ack_button', text: pt('Ack'), value: 'inc-1' }] }],
    });
    await emu.sendBlockAction({ userId: alice.id, actionId: 'ack_button', channelId: emu.generalChannelId, messageTs: String(posted.ts) });
    await emu.waitUntil(() => emu.messages(emu.generalChannelId).find((m) => m.ts === posted.ts && m.text === 'acknowledged'), 3000, 'replace_original');
    await emu.sendMessageShortcut({ callbackId: 'incident_from_message', userId: alice.id, channelId: emu.generalChannelId, messageTs: String(posted.ts) });
    await emu.waitUntil(() => seen.shortcut?.includes('acknowledged'), 3000, 'the shortcut');
    await assert.rejects(emu.sendBlockAction({ userId: alice.id, actionId: 'nope', channelId: emu.generalChannelId, messageTs: String(posted.ts) }), /no element with action_id 'nope'/);
  });
});

describe('slack emulator: reconnects, several sockets, emitted events, clean stop', () => {
  it('disconnect -> the client reconnects through apps.connections.open; member_joined_channel is emitted', async () => {
    const emu = await startSlackEmulator({ emitEvents: true });
    const alice = emu.addUser({ name: 'alice' });
    const receiver = new SocketModeReceiver({
      appToken: emu.appToken,
      clientPingTimeout: 200,
      installerOptions: { clientOptions: { slackApiUrl: emu.apiUrl } },
      logLevel: LogLevel.ERROR,
    });
    const app = new App({ token: emu.botToken, receiver, clientOptions: { slackApiUrl: emu.apiUrl }, logLevel: LogLevel.ERROR });
    const joined: string[] = [];
    app.event('member_joined_channel', async ({ event }) => {
      joined.push(event.user);
    });
    try {
      await app.start();
      await emu.waitForConnection();
      const reconnected = emu.nextConnection(5000);
      emu.disconnectAll('refresh_requested');
      await reconnected;
      assert.equal(emu.calls('apps.connections.open').length, 2);
      const web = client(emu);
      const ch = String((await web.conversations.create({ name: 'inc-7' })).channel?.id);
      await web.conversations.invite({ channel: ch, users: alice.id });
      await emu.waitUntil(() => joined.includes(alice.id), 3000, 'member_joined_channel');
      assert.ok(emu.envelopes().some((e) => e.label === 'member_joined_channel' && e.status === 'acked'));
    } finally {
      await app.stop();
      await emu.stop();
    }
  });

  it('refusing connections drops the sockets and refuses new ones until it is lifted; each envelope reaches one socket', async () => {
    const emu = await startSlackEmulator();
    const alice = emu.addUser({ name: 'alice' });
    const raw = await RawSocket.connect(emu);
    assert.equal((await raw.next()).type, 'hello');
    emu.refuseConnections(true);
    await emu.waitUntil(() => emu.connectionCount() === 0 || undefined, 2000, 'the socket to drop');
    await assert.rejects(RawSocket.connect(emu), /503/);
    await assert.rejects(emu.sendSlashCommand({ command: '/who', userId: alice.id }), /no Socket Mode connection/);
    emu.refuseConnections(false);
    const again = await RawSocket.connect(emu);
    assert.equal((await again.next()).type, 'hello');
    const sent = emu.sendSlashCommand({ command: '/who', userId: alice.id });
    await again.ackNext();
    assert.equal((await sent).acked, true);
    await again.close();
    await emu.stop();
  });

  it('spreads envelopes round-robin over several connections', async () => {
    const emu = await startSlackEmulator();
    const alice = emu.addUser({ name: 'alice' });
    const apps = [0, 1].map(() => new App({ token: emu.botToken, appToken: emu.appToken, socketMode: true, clientOptions: { slackApiUrl: emu.apiUrl }, logLevel: LogLevel.ERROR }));
    const hits = [0, 0];
    apps.forEach((a, i) =>
      a.command('/who', async ({ ack }) => {
        hits[i] = (hits[i] ?? 0) + 1;
        await ack();
      }),
    );
    try {
      for (const a of apps) await a.start();
      assert.equal(emu.connectionCount(), 2);
      for (let i = 0; i < 4; i += 1) await emu.sendSlashCommand({ command: '/who', userId: alice.id });
      assert.deepEqual(hits, [2, 2]);
    } finally {
      for (const a of apps) await a.stop();
      await emu.stop();
    }
  });

  it('app.stop() then emu.stop() leaves no sockets or servers open', async () => {
    const count = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
    const before = count();
    const emu = await startSlackEmulator();
    const app = new App({ token: emu.botToken, appToken: emu.appToken, socketMode: true, clientOptions: { slackApiUrl: emu.apiUrl }, logLevel: LogLevel.ERROR });
    await app.start();
    await client(emu).chat.postMessage({ channel: emu.generalChannelId, text: 'x' });
    await app.stop();
    await emu.stop();
    await emu.waitUntil(() => count() <= before || undefined, 2000, 'TCP handles to close').catch(() => undefined);
    assert.ok(count() <= before, `TCP handles: before ${before}, after ${count()} (${process.getActiveResourcesInfo().join(', ')})`);
  });
});

// =================================================================================================== shapes

/** A bare Socket Mode client (no Bolt) to see the frames exactly as sent. */
class RawSocket {
  private readonly frames: Json[] = [];
  private readonly waiting: Array<(f: Json) => void> = [];
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as Json;
      const w = this.waiting.shift();
      if (w) w(f);
      else this.frames.push(f);
    });
  }

  static async connect(emu: SlackEmulator): Promise<RawSocket> {
    const res = await fetch(`${emu.apiUrl}apps.connections.open`, { method: 'POST', headers: { authorization: `Bearer ${emu.appToken}` } });
    const { url } = (await res.json()) as { url: string };
    const ws = new WebSocket(url);
    const raw = new RawSocket(ws);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return raw;
  }

  next(): Promise<Json> {
    const f = this.frames.shift();
    return f ? Promise.resolve(f) : new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Takes the next envelope, acks it with `payload`, returns it. */
  async ackNext(payload: Json = {}): Promise<Json> {
    const env = await this.next();
    this.ws.send(JSON.stringify({ envelope_id: env.envelope_id, payload }));
    return env;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close(1000);
    });
  }
}

describe('slack emulator: generated frames and payloads have the fixtures\' keys', () => {
  let emu: SlackEmulator;
  let raw: RawSocket;
  let alice: SlackUser;
  let hello: Json;
  const ENTERPRISE = ['is_enterprise_install', 'enterprise'];

  before(async () => {
    emu = await startSlackEmulator();
    alice = emu.addUser({ name: 'alice' });
    raw = await RawSocket.connect(emu);
    hello = await raw.next();
  });
  after(async () => {
    await raw.close();
    await emu.stop();
  });

  async function drive<T>(send: () => Promise<T>, ack: Json = {}): Promise<{ env: Json; payload: Json; result: T }> {
    const pending = send();
    const env = await raw.ackNext(ack);
    return { env, payload: env.payload as Json, result: await pending };
  }

  it('hello and apps.connections.open', () => {
    assertKeys(hello, fixture('socket-mode/hello.json'), 'hello');
    assertKeys(hello.debug_info, fixture('socket-mode/hello.json').debug_info, 'hello.debug_info');
    assert.equal(hello.type, 'hello');
  });

  it('slash_commands envelope and payload', async () => {
    const { env, payload } = await drive(() => emu.sendSlashCommand({ command: '/incident', text: 'db down', userId: alice.id }));
    const fx = fixture('socket-mode/envelope.slash_commands.json');
    assertKeys(env, fx, 'slash_commands envelope');
    assert.equal(env.accepts_response_payload, true);
    assertKeys(payload, fixture('payloads/slash_command.json'), 'slash_command payload', ['is_enterprise_install']);
    assert.equal(payload.is_enterprise_install, 'false');
    assert.match(String(payload.trigger_id), /^\d+\.\d+\.[0-9a-f]+$/);
    assert.match(String(payload.response_url), /^http:\/\/127\.0\.0\.1:\d+\/response\/commands\//);
  });

  it('global shortcut and message shortcut', async () => {
    const g = await drive(() => emu.sendGlobalShortcut({ callbackId: 'declare', userId: alice.id }));
    const gfx = fixture('socket-mode/envelope.interactive.shortcut.json');
    assertKeys(g.env, gfx, 'shortcut envelope');
    assertKeys(g.payload, gfx.payload, 'shortcut payload (envelope fixture)');
    assertKeys(g.payload, fixture('payloads/shortcut.global.json'), 'shortcut payload', ENTERPRISE);
    assertKeys(g.payload.user, fixture('payloads/shortcut.global.json').user, 'shortcut user');

    // a person's message (postAsUser sends its `message` event, acked here)
    const userPost = await drive(() => emu.postAsUser({ userId: alice.id, channelId: emu.generalChannelId, text: 'db is down' }));
    const m = await drive(() => emu.sendMessageShortcut({ callbackId: 'from_msg', userId: alice.id, channelId: emu.generalChannelId, messageTs: userPost.result.ts }));
    const mfx = fixture('payloads/message_action.json');
    assertKeys(m.payload, mfx, 'message_action payload', ENTERPRISE);
    assertKeys(m.payload.user, mfx.user, 'message_action user', ['team_id']);
    assertKeys(m.payload.channel, mfx.channel, 'message_action channel');
    assertKeys(m.payload.message, mfx.message, 'message_action message');
    const userEvent = (userPost.payload.event as Json);
    // people's messages carry rich_text blocks (as in fixtures events/message.user_message.json); this sample has none
    assertKeys(userEvent, (fixture('socket-mode/envelope.events_api.message.json').payload as Json).event, 'message event', ['blocks']);
  });

  it('block_actions from a message, a modal and the home tab', async () => {
    const posted = await client(emu).chat.postMessage({
      channel: emu.generalChannelId,
      text: 'x',
      blocks: [{ type: 'actions', block_id: 'b', elements: [{ type: 'button', action_id: 'a', text: pt('Click Me!'), value: 'underlying' }] }],
    });
    const msg = await drive(() => emu.sendBlockAction({ userId: alice.id, actionId: 'a', channelId: emu.generalChannelId, messageTs: String(posted.ts) }));
    const envFx = fixture('socket-mode/envelope.interactive.block_actions.message_button.json');
    const payFx = fixture('payloads/block_actions.message_button.json');
    assertKeys(msg.env, envFx, 'block_actions envelope');
    assertKeys(msg.payload, envFx.payload, 'block_actions payload (envelope fixture)', [...ENTERPRISE, 'state']);
    assertKeys(msg.payload, payFx, 'block_actions payload', [...ENTERPRISE, 'message', 'state']);
    assertKeys(msg.payload.user, payFx.user, 'block_actions user');
    assertKeys(msg.payload.container, payFx.container, 'block_actions container');
    assertKeys((msg.payload.actions as Json[])[0], (payFx.actions as Json[])[0], 'block_actions actions[0]');
    assert.deepEqual(msg.payload.actions, [{ ...(msg.payload.actions as Json[])[0], action_id: 'a', block_id: 'b', value: 'underlying', type: 'button' }]);
    assertKeys(msg.payload.message, (envFx.payload as Json).message, 'block_actions message', ['app_id', 'bot_profile']);

    const trigger = emu.issueTriggerId(alice.id);
    const modal = await client(emu).views.open({
      trigger_id: trigger,
      view: {
        type: 'modal',
        title: pt('M'),
        submit: pt('Go'),
        notify_on_close: true,
        blocks: [
          { type: 'actions', block_id: 'block', elements: [{ type: 'static_select', action_id: 'a', options: [{ text: pt('B'), value: 'b' }] }] },
          { type: 'input', block_id: 'in', label: pt('Label'), element: { type: 'plain_text_input', action_id: 'x' } },
        ],
      },
    });
    const viewId = String(modal.view?.id);
    const inModal = await drive(() => emu.form(viewId).selectInSection('a', 'B'));
    const modalFx = fixture('socket-mode/envelope.interactive.block_actions.modal_static_select.json');
    assertKeys(inModal.env, modalFx, 'modal block_actions envelope');
    assertKeys(inModal.payload, modalFx.payload, 'modal block_actions payload');
    assertKeys(inModal.payload.view, (modalFx.payload as Json).view, 'modal block_actions view', ['submit_disabled']);
    assertKeys((inModal.payload.actions as Json[])[0], ((modalFx.payload as Json).actions as Json[])[0], 'modal block_actions actions[0]');
    assert.deepEqual(((inModal.payload.view as View).state.values.block?.a?.selected_option as unknown as Json).value, 'b');

    emu.form(viewId).fill('Label', 'test');
    const sub = await drive(() => emu.submitView({ viewId, userId: alice.id }), fixture('socket-mode/ack.view_submission.response_action_errors.json').payload as Json);
    const subFx = fixture('payloads/view_submission.json');
    assertKeys(sub.payload, subFx, 'view_submission payload', ENTERPRISE);
    assertKeys(sub.payload.user, subFx.user, 'view_submission user');
    assertKeys(sub.payload.view, subFx.view, 'view_submission view', ['submit_disabled']);
    assert.equal(sub.env.accepts_response_payload, true);
    assert.deepEqual((sub.payload.view as View).state.values.in, { x: { type: 'plain_text_input', value: 'test' } });
    // the fixture ack names block 'title_block', which is not an input block of this view: Slack would refuse it
    assert.match(String(sub.result.responseError), /title_block/);

    const closed = await drive(() => emu.closeView({ viewId }));
    const closedFx = fixture('payloads/view_closed.json');
    assertKeys(closed.payload, closedFx, 'view_closed payload', [...ENTERPRISE, 'is_cleared']);
    assertKeys(closed.payload.view, closedFx.view, 'view_closed view', ['submit_disabled']);

    await client(emu).views.publish({
      user_id: alice.id,
      view: { type: 'home', blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'clear-settings-button', style: 'danger', text: pt('Clear Settings'), confirm: { title: pt('Clear Settings'), text: pt('Are you sure?') } }] }] },
    });
    const home = await drive(() => emu.sendBlockAction({ userId: alice.id, actionId: 'clear-settings-button', viewId: String(emu.homeView(alice.id)?.id) }));
    const homeFx = fixture('payloads/block_actions.home_tab.json');
    assertKeys(home.payload, homeFx, 'home block_actions payload', ENTERPRISE);
    assertKeys(home.payload.view, homeFx.view, 'home block_actions view');
    assertKeys((home.payload.actions as Json[])[0], (homeFx.actions as Json[])[0], 'home block_actions actions[0]');
  });

  it('view_submission acks: push (stack of 2), invalid update refused, clear', async () => {
    const web = client(emu);
    const modal = (title: string, extra: Json = {}) => ({ type: 'modal' as const, title: pt(title), submit: pt('Next'), blocks: [section(title)], ...extra });
    const root = String((await web.views.open({ trigger_id: emu.issueTriggerId(alice.id), view: modal('Step 1') })).view?.id);
    const pushed = await drive(() => emu.submitView({ viewId: root }), { response_action: 'push', view: modal('Step 2') });
    assert.equal(pushed.result.responseAction, 'push');
    assert.deepEqual(pushed.result.stack.map((v) => v.title?.text), ['Step 1', 'Step 2']);
    const top = pushed.result.stack[1] as View;
    assert.equal(top.previous_view_id, root);
    assert.equal(top.root_view_id, root);
    const bad = await drive(() => emu.submitView({ viewId: top.id }), { response_action: 'update', view: modal('x'.repeat(25)) });
    assert.match(String(bad.result.responseError), /^invalid_arguments \[ERROR\] must be less than 25 characters \[json-pointer:\/view\/title\/text\]/);
    assert.equal(emu.view(top.id)?.title?.text, 'Step 2');
    const cleared = await drive(() => emu.submitView({ viewId: top.id }), { response_action: 'clear' });
    assert.deepEqual(cleared.result.stack, []);
    const closedByAck = String((await web.views.open({ trigger_id: emu.issueTriggerId(alice.id), view: modal('Once') })).view?.id);
    const plain = await drive(() => emu.submitView({ viewId: closedByAck }));
    assert.equal(plain.result.responseAction, undefined);
    assert.deepEqual(emu.openViews(alice.id), []);
  });

  it('latencyMs delays every Web API answer', async () => {
    const slow = await startSlackEmulator({ latencyMs: 150 });
    try {
      const t0 = Date.now();
      await client(slow).auth.test();
      assert.ok(Date.now() - t0 >= 140);
    } finally {
      await slow.stop();
    }
  });

  it('events_api envelope, first delivery and retry', async () => {
    const first = await drive(() => emu.sendEvent({ type: 'app_mention', user: alice.id, text: `<@${emu.botUserId}> help`, channel: emu.generalChannelId, ts: '1700000000.000100' }));
    const fx = fixture('socket-mode/envelope.events_api.app_mention.json');
    assertKeys(first.env, fx, 'events_api envelope');
    assertKeys(first.payload, fx.payload, 'events_api payload');
    const auth = (first.payload.authorizations as Json[])[0];
    assertKeys(auth, ((fx.payload as Json).authorizations as Json[])[0], 'authorizations[0]');
    assert.equal(auth?.team_id, emu.teamId);
    assert.equal(first.env.retry_attempt, 0);
    assert.equal(first.env.retry_reason, '');
    const retry = await drive(() => emu.sendEvent({ type: 'app_mention', user: alice.id, text: 'x', channel: emu.generalChannelId }, { retryAttempt: 2, eventId: String(first.payload.event_id) }));
    const rfx = fixture('socket-mode/envelope.events_api.app_mention.retry.json');
    assert.equal(retry.env.retry_attempt, rfx.retry_attempt);
    assert.equal(retry.env.retry_reason, rfx.retry_reason);
    assert.equal(retry.payload.event_id, first.payload.event_id);
  });
});
