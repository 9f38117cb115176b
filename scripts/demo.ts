/**
 * `npm run demo`: the app at work in about a minute, with no Slack workspace, no Jira and no database. It starts the
 * embedded FerretDB, the project's Slack and Jira emulators (test/support/) and the real app against them, plays a P1
 * incident from declaration to closing and a P4 ticket filed through the ticket API, and prints what Slack and Jira
 * received at each step.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedFerretDb } from '../src/db/embedded-ferretdb.js';
import mongoose from 'mongoose';
import { Incident } from '../src/models/incident.js';
import { createApiToken } from '../src/services/tokens/api-tokens.js';
import { startHarness, stepsSettled, eventually, type Harness } from '../test/support/app-harness.js';
import { declareThroughSlack } from '../test/support/declare-driver.js';
import { openIncidentCommand, submitForm } from '../test/support/incident-driver.js';

/** Slack calls that only read or keep the app running: left out of the transcript. */
const QUIET_SLACK = new Set(['auth.test', 'apps.connections.open', 'users.info', 'users.lookupByEmail', 'conversations.info', 'conversations.list', 'views.publish', 'bots.info']);
const QUIET_JIRA = /^GET /;

interface Cursor {
  slack: number;
  jira: number;
  webhooks: number;
}

const out = (line = '') => process.stdout.write(`${line}\n`);
const oneLine = (text: unknown, max = 110) => {
  const flat = String(text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** `<@U…>` and `<#C…>` as names, so the transcript reads like the channel. */
function readable(h: Harness, text: string): string {
  return text
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<([@#])([A-Z0-9]+)(?:\|[^>]*)?>/g, (_, kind: string, id: string) => (kind === '#' ? slackTarget(h, id) : `@${Object.entries(h.users).find(([, u]) => u.id === id)?.[0] ?? id}`));
}

function slackTarget(h: Harness, id: unknown): string {
  const key = String(id ?? '');
  const channel = h.slack.channel(key);
  if (channel) return `#${channel.name}`;
  const person = Object.entries(h.users).find(([, u]) => u.id === key)?.[0];
  return person ? `DM @${person}` : key;
}

function describeSlackCall(h: Harness, method: string, args: Record<string, unknown>): string {
  switch (method) {
    case 'chat.postMessage':
    case 'chat.postEphemeral':
    case 'chat.update':
      return `${method} ${slackTarget(h, args.channel)}: ${oneLine(readable(h, String(args.text ?? '')))}`;
    case 'conversations.create':
      return `conversations.create #${String(args.name)}`;
    case 'conversations.setTopic':
      return `conversations.setTopic ${slackTarget(h, args.channel)}: ${oneLine(args.topic)}`;
    case 'conversations.rename':
      return `conversations.rename ${slackTarget(h, args.channel)} -> #${String(args.name)}`;
    case 'views.open':
    case 'views.update':
    case 'views.push': {
      const view = (typeof args.view === 'string' ? JSON.parse(args.view) : args.view) as { title?: { text?: string } } | undefined;
      return `${method}: modal "${view?.title?.text ?? '?'}"`;
    }
    default:
      return `${method} ${args.channel ? slackTarget(h, args.channel) : ''}`.trim();
  }
}

function describeJiraRequest(method: string, urlPath: string, body: unknown, status: number): string {
  const route = urlPath.replace('/rest/api/3', '');
  const b = (body ?? {}) as { fields?: Record<string, unknown>; transition?: { id?: string }; object?: { url?: string } };
  let detail = '';
  if (b.fields) detail = `fields ${Object.keys(b.fields).sort().join(', ')}${typeof b.fields.summary === 'string' ? ` — "${oneLine(b.fields.summary, 60)}"` : ''}`;
  else if (b.transition?.id) detail = `transition ${b.transition.id}`;
  else if (b.object?.url) detail = `link ${b.object.url}`;
  return `${method} ${route} -> ${status}${detail ? `  ${detail}` : ''}`;
}

/** Prints what Slack and Jira received since the cursor, then moves it. */
async function printReceived(h: Harness, cursor: Cursor): Promise<void> {
  await h.jira.waitForDeliveries();
  const slack = h.slack.calls().slice(cursor.slack).filter((c) => !QUIET_SLACK.has(c.method));
  const jira = h.jira.requests().slice(cursor.jira).filter((r) => !QUIET_JIRA.test(`${r.method} `));
  const webhooks = h.jira.deliveries().slice(cursor.webhooks);
  cursor.slack = h.slack.calls().length;
  cursor.jira = h.jira.requests().length;
  cursor.webhooks = h.jira.deliveries().length;
  for (const c of slack) out(`    Slack  ${describeSlackCall(h, c.method, c.args)}${c.ok ? '' : `  (error: ${c.error})`}`);
  for (const r of jira) out(`    Jira   ${describeJiraRequest(r.method, r.path, r.body, r.status)}`);
  for (const w of webhooks) out(`    Jira -> app webhook ${w.event}: answered ${w.status ?? w.error}`);
  if (!slack.length && !jira.length && !webhooks.length) out('    (nothing)');
}

async function main(): Promise<void> {
  const started = Date.now();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'incident-app-demo-'));
  const ferret = await startEmbeddedFerretDb({ dataDir });
  process.env.TEST_MONGODB_URI = ferret.uri;
  const h = await startHarness('demo', { env: { LOG_LEVEL: 'warn' } });
  const cursor: Cursor = { slack: h.slack.calls().length, jira: h.jira.requests().length, webhooks: 0 };
  const carol = h.jira.addUser({ email: 'carol@example.com', displayName: 'Carol Jones' }).accountId;
  h.jira.configureWebhook({ url: `http://127.0.0.1:${h.app!.httpPort}/webhooks/jira`, secret: h.env.JIRA_WEBHOOK_SECRET! });
  const alice = h.users.alice.id;
  let step = 0;
  const act = async (title: string, run: () => Promise<void>) => {
    out(`\n${++step}. ${title}`);
    await run();
    await quiet();
    await printReceived(h, cursor);
  };
  // An act is over when no one-off job is queued or running any more (what it caused has reached Slack and Jira).
  const jobs = mongoose.connection.collection('agendaJobs');
  const quiet = () =>
    eventually(
      async () => (await jobs.countDocuments({ repeatInterval: null, $or: [{ lockedAt: { $ne: null } }, { nextRunAt: { $ne: null, $lte: new Date(Date.now() + 1000) } }] })) === 0,
      'the jobs to finish',
      30_000,
    );

  try {
    out('The app runs against emulated Slack and Jira and an embedded FerretDB. Alice is on call.');
    let channel = '';
    let key = '';
    await act('Alice types /incident, picks "Highest" business impact, fills the form and submits (P1 in production)', async () => {
      await declareThroughSlack(h, alice, { impacts: { business: 'Highest' }, fields: { Category: 'Checkout', Title: 'Checkout returns 500 for everyone', Description: 'Every checkout attempt fails since 14:05.' } });
      const incident = await stepsSettled(1, 60_000);
      channel = incident.channel!.id!;
      key = incident.jira!.key!;
    });
    const update = async (values: Record<string, string>) => {
      const form = (await openIncidentCommand(h, alice, 'update', channel))!;
      const result = await submitForm(form, alice, values);
      if (result.responseAction) throw new Error(`the update was refused: ${JSON.stringify(result.errors)}`);
    };
    const settled = (what: string, check: () => Promise<boolean>) => eventually(async () => (await check()) || null, what, 30_000);
    await act('Alice moves it to Investigating with a message (/incident update in the channel)', async () => {
      await update({ Status: 'Investigating', Message: 'Looking at the payment gateway logs.' });
      await settled('the Jira status', async () => h.jira.issue(key)?.status === 'Pending resolution');
    });
    await act('Carol lowers the priority to P2 in Jira; Jira sends the webhook', async () => {
      await h.jira.updateIssueAsUser(key, carol, { priorityId: '2' });
      await settled('the incident priority', async () => (await Incident.findOne({ number: 1 }))?.priority === 2);
      await settled('the channel message', async () => h.slack.messages(channel).some((m) => /from Jira/.test(m.text)));
    });
    await act('Mitigating, then Mitigated: the post-mortem issue is created, linked and pinned', async () => {
      await update({ Status: 'Mitigating' });
      await update({ Status: 'Mitigated', Message: 'Rolled back the 14:00 deploy.' });
      await settled('the post-mortem', async () => Boolean((await Incident.findOne({ number: 1 }))?.postmortem?.key));
    });
    await act('Alice records the key events in the message that asks for them (a P1 needs them before it closes)', async () => {
      const ts = await eventually(async () => (await Incident.findOne({ number: 1 }))?.effects?.keyEventsTs, 'the key events message');
      const minutesAgo = (m: number) => Math.floor(Date.now() / 1000) - m * 60;
      for (const [event, m] of [['started', 50], ['detected', 45], ['recovered', 5]] as const) {
        await h.slack.sendBlockAction({ userId: alice, actionId: `key_event_${event}`, blockId: 'key_events', channelId: channel, messageTs: ts, selectedDateTime: minutesAgo(m) });
      }
      await settled('the key events', async () => Boolean((await Incident.findOne({ number: 1 }))?.milestones?.recovered));
    });
    await act('Post-mortem written: Alice moves it to Post-mortem, then closes it; the channel is archived', async () => {
      await update({ Status: 'Post-mortem' });
      const form = (await openIncidentCommand(h, alice, 'close', channel))!;
      const result = await submitForm(form, alice, { 'Closing message': 'Post-mortem written, actions tracked in Jira.' });
      if (result.responseAction) throw new Error(`the close was refused: ${JSON.stringify(result.errors)}`);
      await settled('the archive', async () => h.slack.channel(channel)?.isArchived === true);
      await settled('the Jira ticket to close', async () => h.jira.issue(key)?.status === h.settings.jira.statuses.closed);
    });
    let landbotKey = '';
    await act('A customer-support bot (Landbot) files a P4 ticket through the ticket API, with a token made by `npm run token`', async () => {
      const { token } = await createApiToken('demo-landbot');
      const res = await fetch(`http://127.0.0.1:${h.app!.httpPort}/api/raid/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          summary: 'Seller cannot upload product pictures',
          description: 'Uploads fail with "file too large" for 200 KB pictures since this morning.',
          platform: 'FR',
          reporter_email: h.users.alice.email,
          business_impact: 'Low',
          priority: 4,
          issue_type: 'Incident',
          suggested_team_routing: 'Catalog',
        }),
      });
      const answer = (await res.json()) as { key?: string };
      out(`    -> ${res.status} ${JSON.stringify(answer)}`);
      if (res.status !== 201 || !answer.key) throw new Error(`the ticket API answered ${res.status}`);
      landbotKey = answer.key;
      await settled('the DM to the reporter', async () => h.slack.messages(alice).some((m) => m.text.includes(landbotKey)));
      await settled('the alert channel post', async () => h.slack.messages(h.channels.alertsNormal).some((m) => m.text.includes(landbotKey)));
    });
    const incident = (await Incident.findOne({ number: 1 }))!;
    out(`\nIncident #${incident.number} is ${incident.status}; Jira ${key} is "${h.jira.issue(key)?.status}"; post-mortem ${incident.postmortem?.key ?? 'none'}.`);
    out(`The ticket API made ${landbotKey} (${h.jira.issue(landbotKey)?.issueType}, priority ${h.jira.issue(landbotKey)?.priorityId}).`);
    out(`Done in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  } finally {
    await h.stop();
    await ferret.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
