import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { IncidentDocument } from '../models/incident.js';
import type { Settings } from '../settings/schema.js';
import { computeMetrics, formatDuration, METRICS } from '../services/incidents/metrics.js';
import { allowedTransitions, CLOSURE_REASONS, refuseTransition } from '../services/incidents/status-transitions.js';
import { categoryLabel, statusLabel, type IncidentFacts } from './incident-messages.js';
import { INCIDENT_ACTION, INCIDENT_BLOCK, INCIDENT_CALLBACK } from './ids.js';
import { escapeMrkdwn, plain, quote, truncate } from './text.js';

export type IncidentModalKind = 'update' | 'roles' | 'edit' | 'close' | 'status' | 'timeline';

export interface IncidentModalMetadata {
  incidentId: string;
}

const metadata = (incident: IncidentFacts) => JSON.stringify({ incidentId: incident.id } satisfies IncidentModalMetadata);

const option = (text: string, value: string): PlainTextOption => ({ text: plain(truncate(text, 75)), value });

const header = (settings: Settings, incident: IncidentFacts): KnownBlock => {
  const p = settings.priorities.find((x) => x.value === incident.priority);
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: truncate(`*#${incident.number}* ${escapeMrkdwn(incident.title)} · ${p?.emoji ?? ''} ${p?.name ?? ''} · ${statusLabel(incident.status)}`, 3000) }],
  };
};

function priorityOptions(settings: Settings): PlainTextOption[] {
  return settings.priorities.map((p) => option(`${p.emoji} ${p.name} – ${p.description}`, String(p.value)));
}

function categorySelect(settings: Settings, current: string) {
  const groups = settings.categoryGroups.map((g) => ({ label: plain(truncate(g.name, 75)), options: g.categories.map((c) => option(c.name, c.value)) }));
  const initial = groups.flatMap((g) => g.options).find((o) => o.value === current);
  return { type: 'static_select' as const, action_id: INCIDENT_ACTION.category, option_groups: groups, ...(initial ? { initial_option: initial } : {}) };
}

/** The update form: only the statuses the transition table allows from here (closing early is in the close form). */
export function updateModal(settings: Settings, incident: IncidentFacts): ModalView {
  const statuses = [incident.status, ...allowedTransitions(settings, incident).filter((t) => t.requires !== 'closure_reason').map((t) => t.to)];
  const statusOptions = statuses.map((s) => option(statusLabel(s), s));
  const priorities = priorityOptions(settings);
  return {
    type: 'modal',
    callback_id: INCIDENT_CALLBACK.update,
    title: plain('Update the incident'),
    submit: plain('Update'),
    close: plain('Cancel'),
    private_metadata: metadata(incident),
    blocks: [
      header(settings, incident),
      {
        type: 'input',
        block_id: INCIDENT_BLOCK.status,
        label: plain('Status'),
        hint: plain(statuses.length > 1 ? 'Only the statuses this incident can move to are listed. To close it before it is mitigated, use /incident close.' : 'This incident is closed.'),
        element: { type: 'static_select', action_id: INCIDENT_ACTION.status, options: statusOptions, initial_option: statusOptions[0]! },
      },
      {
        type: 'input',
        block_id: INCIDENT_BLOCK.priority,
        label: plain('Priority'),
        element: { type: 'static_select', action_id: INCIDENT_ACTION.priority, options: priorities, initial_option: priorities.find((o) => o.value === String(incident.priority))! },
      },
      { type: 'input', block_id: INCIDENT_BLOCK.category, label: plain('Category'), element: categorySelect(settings, incident.category) },
      {
        type: 'input',
        block_id: INCIDENT_BLOCK.message,
        optional: true,
        label: plain('Message'),
        hint: plain('What changed, what is being done. Required when reopening a mitigated incident.'),
        element: { type: 'plain_text_input', action_id: INCIDENT_ACTION.message, multiline: true, placeholder: plain('E.g. Fixed with an instance reboot.') },
      },
    ],
  };
}

export function rolesModal(settings: Settings, incident: IncidentFacts): ModalView {
  return {
    type: 'modal',
    callback_id: INCIDENT_CALLBACK.roles,
    title: plain('Incident roles'),
    submit: plain('Save roles'),
    close: plain('Cancel'),
    private_metadata: metadata(incident),
    blocks: [
      header(settings, incident),
      ...settings.roleTypes.map((type): KnownBlock => {
        const holder = incident.roles.find((r) => r.role === type.value)?.slackId;
        return {
          type: 'input',
          block_id: `${INCIDENT_BLOCK.rolePrefix}${type.value}`,
          optional: !type.required,
          label: plain(`${type.emoji} ${type.name}`),
          hint: plain(truncate(type.summary, 2000)),
          element: { type: 'users_select', action_id: INCIDENT_ACTION.role, ...(holder ? { initial_user: holder } : {}) },
        };
      }),
    ],
  };
}

export function editModal(settings: Settings, incident: IncidentFacts): ModalView {
  const envOptions = settings.environments.map((e) => option(`${e.value} – ${e.name}`, e.value));
  return {
    type: 'modal',
    callback_id: INCIDENT_CALLBACK.edit,
    title: plain('Edit the incident'),
    submit: plain('Save'),
    close: plain('Cancel'),
    private_metadata: metadata(incident),
    blocks: [
      header(settings, incident),
      { type: 'input', block_id: INCIDENT_BLOCK.title, label: plain('Title'), element: { type: 'plain_text_input', action_id: INCIDENT_ACTION.title, initial_value: incident.title } },
      {
        type: 'input',
        block_id: INCIDENT_BLOCK.description,
        label: plain('Description'),
        element: { type: 'plain_text_input', action_id: INCIDENT_ACTION.description, multiline: true, initial_value: truncate(incident.description, 3000) },
      },
      {
        type: 'input',
        block_id: INCIDENT_BLOCK.environments,
        label: plain('Environments'),
        element: { type: 'multi_static_select', action_id: INCIDENT_ACTION.environments, options: envOptions, initial_options: envOptions.filter((o) => incident.environments.includes(o.value ?? '')) },
      },
    ],
  };
}

/** Closing: early (with a reason), refused (with the reasons and no submit button), or a confirmation. */
export function closeModal(settings: Settings, incident: IncidentFacts & { milestones: IncidentDocument['milestones'] }): ModalView {
  const base = { type: 'modal' as const, callback_id: INCIDENT_CALLBACK.close, title: plain('Close the incident'), close: plain('Cancel'), private_metadata: metadata(incident) };
  if (incident.status === 'CLOSED') {
    return { ...base, blocks: [header(settings, incident), { type: 'section', text: { type: 'mrkdwn', text: 'This incident is already closed.' } }] };
  }
  if (incident.status === 'OPEN' || incident.status === 'INVESTIGATING') {
    const reasons = CLOSURE_REASONS.map((r) => option(r.label, r.value));
    return {
      ...base,
      submit: plain('Close incident'),
      blocks: [
        header(settings, incident),
        { type: 'section', text: { type: 'mrkdwn', text: 'This incident is not mitigated yet: closing it now needs a reason. The channel will be archived.' } },
        { type: 'input', block_id: INCIDENT_BLOCK.closureReason, label: plain('Closure reason'), element: { type: 'static_select', action_id: INCIDENT_ACTION.closureReason, options: reasons } },
        {
          type: 'input',
          block_id: INCIDENT_BLOCK.closureReference,
          optional: true,
          label: plain('Reference'),
          hint: plain('The duplicate or superseding incident (#1234) or a URL.'),
          element: { type: 'plain_text_input', action_id: INCIDENT_ACTION.closureReference, max_length: 100 },
        },
        { type: 'input', block_id: INCIDENT_BLOCK.message, label: plain('Message'), element: { type: 'plain_text_input', action_id: INCIDENT_ACTION.message, multiline: true } },
      ],
    };
  }
  const milestones = {
    started: incident.milestones?.started ?? null,
    detected: incident.milestones?.detected ?? null,
    recovered: incident.milestones?.recovered ?? null,
  };
  const refusals = refuseTransition(settings, { status: incident.status, priority: incident.priority, environments: incident.environments, milestones }, { to: 'CLOSED' });
  if (refusals.length) {
    return {
      ...base,
      blocks: [
        header(settings, incident),
        { type: 'section', text: { type: 'mrkdwn', text: '*This incident cannot be closed yet:*' } },
        ...refusals.slice(0, 10).map((r): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncate(`• ${escapeMrkdwn(r)}`, 3000) } })),
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Key events are set in the channel message "Key events", or with `/incident timeline`.' }] },
      ],
    };
  }
  return {
    ...base,
    submit: plain('Close incident'),
    blocks: [
      header(settings, incident),
      { type: 'section', text: { type: 'mrkdwn', text: ':warning: Closing the incident archives its channel.' } },
      {
        type: 'input',
        block_id: INCIDENT_BLOCK.message,
        optional: true,
        label: plain('Closing message'),
        element: { type: 'plain_text_input', action_id: INCIDENT_ACTION.message, multiline: true },
      },
    ],
  };
}

export function timelineModal(settings: Settings, incident: IncidentFacts, nowSeconds: number): ModalView {
  const kinds = [option('A note', 'note'), option('Started: when the impact began', 'started'), option('Detected: when we noticed', 'detected'), option('Recovered: when the impact ended', 'recovered')];
  return {
    type: 'modal',
    callback_id: INCIDENT_CALLBACK.timeline,
    title: plain('Add to the timeline'),
    submit: plain('Add'),
    close: plain('Cancel'),
    private_metadata: metadata(incident),
    blocks: [
      header(settings, incident),
      { type: 'input', block_id: INCIDENT_BLOCK.timelineKind, label: plain('What'), element: { type: 'static_select', action_id: INCIDENT_ACTION.timelineKind, options: kinds, initial_option: kinds[0]! } },
      { type: 'input', block_id: INCIDENT_BLOCK.timelineAt, label: plain('When'), element: { type: 'datetimepicker', action_id: INCIDENT_ACTION.timelineAt, initial_date_time: nowSeconds } },
      {
        type: 'input',
        block_id: INCIDENT_BLOCK.message,
        optional: true,
        label: plain('Text'),
        hint: plain('Required for a note.'),
        element: { type: 'plain_text_input', action_id: INCIDENT_ACTION.message, multiline: true },
      },
    ],
  };
}

/** The read-only recap: key details, participants, last update, metrics. */
export interface LastUpdate {
  eventAt: Date;
  actorSlackId: string | null;
  message: string | null;
}

export function statusModal(settings: Settings, incident: IncidentFacts, doc: IncidentDocument, lastUpdate: LastUpdate | null, now: Date): ModalView {
  const p = settings.priorities.find((x) => x.value === incident.priority);
  const declared = doc.milestones?.declared ?? now;
  const end = doc.milestones?.resolved ?? now;
  const last = lastUpdate;
  const metrics = computeMetrics(doc.milestones ?? {});
  const metricLines = METRICS.filter((m) => metrics[m.key] !== undefined).map((m) => `${m.label}: *${formatDuration(metrics[m.key]!)}*`);
  const participants = [
    ...settings.roleTypes.map((t) => {
      const holder = incident.roles.find((r) => r.role === t.value)?.slackId;
      return `${t.emoji} ${escapeMrkdwn(t.name)}: ${holder ? `<@${holder}>` : '_unassigned_'}`;
    }),
    `📣 Reporter: <@${incident.reporterSlackId}>`,
  ];
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(truncate(`#${incident.number} ${incident.title}`, 150)) },
    { type: 'section', text: { type: 'mrkdwn', text: '*📝 Key details*' } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Status*\n${statusLabel(incident.status)}` },
        { type: 'mrkdwn', text: `*Priority*\n${p?.emoji ?? ''} ${p?.name ?? ''}` },
        { type: 'mrkdwn', text: `*Category*\n${escapeMrkdwn(categoryLabel(settings, incident.category))}` },
        { type: 'mrkdwn', text: `*Environments*\n${incident.environments.join(', ')}` },
        { type: 'mrkdwn', text: `*Declared*\n<!date^${Math.floor(declared.getTime() / 1000)}^{date_short_pretty} {time}|${declared.toISOString()}>` },
        { type: 'mrkdwn', text: `*Duration*\n${formatDuration(end.getTime() - declared.getTime())}` },
        { type: 'mrkdwn', text: `*Jira*\n${incident.jira ? `<${incident.jira.url}|${incident.jira.key}>` : '_none yet_'}` },
        { type: 'mrkdwn', text: `*Channel*\n${incident.channelId ? `<#${incident.channelId}>` : '_none (P4–P5)_'}` },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`*👥 Key participants*\n${participants.join('\n')}`, 3000) } },
  ];
  if (last) {
    const ago = formatDuration(now.getTime() - last.eventAt.getTime());
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`*📰 Last update (${ago} ago)*${last.actorSlackId ? ` by <@${last.actorSlackId}>` : ''}\n${quote(escapeMrkdwn(last.message ?? ''))}`, 3000) },
    });
  }
  if (metricLines.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*⏱️ Metrics*\n${metricLines.join('\n')}` } });
  return { type: 'modal', callback_id: INCIDENT_CALLBACK.status, title: plain(`Incident #${incident.number}`.slice(0, 24)), close: plain('Close'), blocks };
}

/** Asks which open incident a command is about, when it was not typed in an incident channel. */
export function selectIncidentModal(kind: IncidentModalKind, incidents: Array<{ id: string; number: number; title: string }>): ModalView {
  const base = { type: 'modal' as const, callback_id: INCIDENT_CALLBACK.select, title: plain('Which incident?'), close: plain('Cancel'), private_metadata: JSON.stringify({ kind }) };
  if (incidents.length === 0) {
    return { ...base, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: ':x: There is no open incident. Declare one with `/incident`.' } }] };
  }
  return {
    ...base,
    submit: plain('Next'),
    blocks: [
      {
        type: 'input',
        block_id: INCIDENT_BLOCK.selectIncident,
        label: plain('Open incident'),
        element: { type: 'static_select', action_id: INCIDENT_ACTION.selectIncident, options: incidents.slice(0, 100).map((i) => option(`#${i.number}: ${i.title}`, i.id)) },
      },
    ],
  };
}

export function incidentModal(
  settings: Settings,
  kind: IncidentModalKind,
  facts: IncidentFacts,
  ctx: { incident: IncidentDocument; lastUpdate: LastUpdate | null; now?: Date },
): ModalView {
  const now = ctx.now ?? new Date();
  switch (kind) {
    case 'update':
      return updateModal(settings, facts);
    case 'roles':
      return rolesModal(settings, facts);
    case 'edit':
      return editModal(settings, facts);
    case 'close':
      return closeModal(settings, { ...facts, milestones: ctx.incident.milestones });
    case 'timeline':
      return timelineModal(settings, facts, Math.floor(now.getTime() / 1000));
    case 'status':
      return statusModal(settings, facts, ctx.incident, ctx.lastUpdate, now);
  }
}
