import type { HomeView, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { Settings } from '../settings/schema.js';
import type { HomeData, HomeIncident, MonthFigures } from '../services/home/build-home-data.js';
import { formatDuration } from '../services/incidents/metrics.js';
import { statusLabel } from './incident-messages.js';
import { HOME_ACTION, HOME_BLOCK } from './ids.js';
import { escapeMrkdwn, plain, truncate } from './text.js';

/** What the overflow menu of an incident offers: the modal it opens (see listeners/incident-modals.ts). */
export const HOME_MENU_KINDS = ['update', 'close', 'status'] as const;
export type HomeMenuKind = (typeof HOME_MENU_KINDS)[number];
const MENU_LABELS: Record<HomeMenuKind, string> = { update: 'Update', close: 'Close', status: 'Status' };

/**
 * Slack shows at most 100 blocks in a Home tab: each list is capped and says how many it left out. 30 open incidents
 * as in FireFighter's Home; more would also make every publish heavier (about 600 bytes each).
 */
export const HOME_LIMITS = { mine: 5, open: 30, maxBlocks: 100 } as const;

export const homeMenuValue = (kind: HomeMenuKind, incidentId: string): string => `${kind}:${incidentId}`;

const unix = (date: Date) => Math.floor(date.getTime() / 1000);

/** Slack renders `{ago}` in the reader's client, so the age stays right between refreshes; the fallback is as of `now`. */
const ago = (date: Date, now: Date) => `<!date^${unix(date)}^{ago}|${formatDuration(Math.max(0, now.getTime() - date.getTime()))} ago>`;

function priorityOf(settings: Settings, value: number) {
  return settings.priorities.find((p) => p.value === value) ?? { value, name: `P${value}`, emoji: '', description: '' };
}

function jiraLink(incident: HomeIncident): string | null {
  return incident.jira ? `<${incident.jira.url}|${escapeMrkdwn(incident.jira.key)}>` : null;
}

function incidentText(settings: Settings, incident: HomeIncident, now: Date): string {
  const p = priorityOf(settings, incident.priority);
  const title = `${incident.private ? ':lock: ' : ''}*#${incident.number}* ${p.emoji} ${escapeMrkdwn(truncate(incident.title, 200))}`;
  const facts = [
    `*${statusLabel(incident.status)}*`,
    `declared ${ago(incident.declaredAt, now)}`,
    incident.commanderSlackId ? `commander <@${incident.commanderSlackId}>` : 'no commander',
    incident.channelId ? `<#${incident.channelId}>` : null,
    jiraLink(incident),
  ].filter((f): f is string => Boolean(f));
  return truncate(`${title}\n${facts.join(' · ')}`, 3000);
}

function incidentBlock(settings: Settings, incident: HomeIncident, now: Date, blockPrefix: string): KnownBlock {
  const options: PlainTextOption[] = HOME_MENU_KINDS.map((kind) => ({ text: plain(MENU_LABELS[kind]), value: homeMenuValue(kind, incident.id) }));
  return {
    type: 'section',
    block_id: `${blockPrefix}${incident.id}`,
    text: { type: 'mrkdwn', text: incidentText(settings, incident, now) },
    accessory: { type: 'overflow', action_id: HOME_ACTION.incidentMenu, options },
  };
}

const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }] });
const header = (text: string): KnownBlock => ({ type: 'header', text: plain(truncate(text, 150)) });
const divider: KnownBlock = { type: 'divider' };
const more = (n: number, what: string) => context(`…and ${n} more ${what}${n === 1 ? '' : 's'}.`);

function mineSection(settings: Settings, data: HomeData, now: Date): KnownBlock[] {
  const blocks: KnownBlock[] = [header('My open incidents')];
  if (data.mine.length === 0) {
    blocks.push(context('None: you hold no role in an open incident and are in none of their channels.'));
    return blocks;
  }
  for (const incident of data.mine.slice(0, HOME_LIMITS.mine)) blocks.push(incidentBlock(settings, incident, now, HOME_BLOCK.minePrefix));
  if (data.mine.length > HOME_LIMITS.mine) blocks.push(more(data.mine.length - HOME_LIMITS.mine, 'of your incident'));
  return blocks;
}

function openSection(settings: Settings, data: HomeData, now: Date): KnownBlock[] {
  const blocks: KnownBlock[] = [header(`Open incidents (${data.openTotal})`)];
  if (data.openTotal === 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'No open incidents. Enjoy :tada:' } });
    return blocks;
  }
  // Most urgent first: the cap cuts the least urgent groups.
  const priorities = [...new Set(data.open.map((i) => i.priority))].sort((a, b) => a - b);
  let budget = HOME_LIMITS.open;
  for (const value of priorities) {
    const group = data.open.filter((i) => i.priority === value);
    const p = priorityOf(settings, value);
    blocks.push(context(`${p.emoji} *${escapeMrkdwn(p.name)}* · ${group.length} open${p.description ? ` · ${escapeMrkdwn(p.description)}` : ''}`));
    const shown = group.slice(0, Math.max(0, budget));
    budget -= shown.length;
    for (const incident of shown) blocks.push(incidentBlock(settings, incident, now, HOME_BLOCK.openPrefix));
    if (shown.length < group.length) blocks.push(more(group.length - shown.length, `${p.name} incident`));
  }
  // The board keeps the most urgent ones only; say so if some were never loaded.
  const listed = data.open.length;
  if (data.openTotal > listed) blocks.push(context(`${data.openTotal - listed} more open incidents are not listed here.`));
  return blocks;
}

function lowSection(settings: Settings, data: HomeData, now: Date): KnownBlock[] {
  const low = settings.priorities.filter((p) => p.responseType === 'normal').sort((a, b) => a.value - b.value);
  if (low.length === 0) return [];
  const names = low.length === 1 ? low[0]!.name : `${low[0]!.name}–${low.at(-1)!.name}`;
  const lines = data.latestLow.map((i) => {
    const p = priorityOf(settings, i.priority);
    const ticket = jiraLink(i) ?? '_no Jira ticket yet_';
    return `${ticket} · ${p.emoji} *#${i.number}* ${escapeMrkdwn(truncate(i.title, 120))} · ${statusLabel(i.status)} · ${ago(i.declaredAt, now)}`;
  });
  return [
    header(`Latest ${names} tickets`),
    lines.length
      ? { type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3000) } }
      : context(`No ${names} incident yet.`),
  ];
}

function monthText(settings: Settings, figures: MonthFigures): string {
  const p = priorityOf(settings, figures.priority);
  const ttm = figures.medianTimeToMitigateMs === null ? 'none mitigated yet' : `median time to mitigate *${formatDuration(figures.medianTimeToMitigateMs)}* (${figures.mitigated} mitigated)`;
  return truncate(`*${p.emoji} ${escapeMrkdwn(p.name)}*\n${figures.declared} declared · ${ttm}`, 2000);
}

function monthSection(settings: Settings, data: HomeData): KnownBlock[] {
  const monthName = data.month.start.toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const fields = data.month.figures.slice(0, 10).map((f) => ({ type: 'mrkdwn' as const, text: monthText(settings, f) }));
  return [
    header(`This month: ${monthName}`),
    fields.length ? { type: 'section', fields } : context('No priorities are configured.'),
    context('Incidents declared since the 1st (UTC), by priority. Time to mitigate: from declared to mitigated.'),
  ];
}

/** The app's Home tab: declare, my open incidents, all open ones by priority, the latest low-priority tickets, the month. */
export function homeTab(settings: Settings, data: HomeData, now: Date): HomeView {
  const blocks: KnownBlock[] = [
    header(`${settings.appName} – Incidents`),
    {
      type: 'section',
      block_id: HOME_BLOCK.declare,
      text: { type: 'mrkdwn', text: '*Something is broken?* Declare an incident: its channel, Jira ticket and alerts follow.' },
      accessory: { type: 'button', action_id: HOME_ACTION.declare, text: plain('Declare an incident'), style: 'primary', value: 'declare' },
    },
    divider,
    ...mineSection(settings, data, now),
    divider,
    ...openSection(settings, data, now),
    divider,
    ...lowSection(settings, data, now),
    divider,
    ...monthSection(settings, data),
    context(`Updated <!date^${unix(now)}^{date_short_pretty} at {time}|${now.toISOString()}>.`),
  ];
  // Every section above is capped, so this never cuts; it guards Slack's limit if the caps and the settings drift.
  return { type: 'home', blocks: blocks.slice(0, HOME_LIMITS.maxBlocks) };
}

/** Opened from the Home tab's menu instead of a form the user may not submit: says why, as the command would. */
export function homeRefusalModal(reason: string): ModalView {
  return {
    type: 'modal',
    title: plain('Not allowed'),
    close: plain('OK'),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(`:no_entry: ${reason}`, 3000) } }],
  };
}
