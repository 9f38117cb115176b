import type { KnownBlock, ModalView, Option, PlainTextOption } from '@slack/types';
import type { Settings } from '../settings/schema.js';
import { declarationShape } from '../services/incidents/validate-declaration.js';
import { noImpactLevel } from '../services/incidents/compute-priority.js';
import { ACTION, BLOCK, CALLBACK, impactBlockId } from './ids.js';
import { escapeMrkdwn, plain, truncate } from './text.js';

export interface DeclareModalState {
  /** Selected level per impact type; missing types show their "none" level. */
  impacts: Record<string, string | undefined>;
  /** Text to start the description with (from a message shortcut). */
  initialDescription?: string;
  /** Where the form was opened; carried to the submission. */
  originChannelId?: string;
}

/**
 * The declare form: impacts first (they decide the priority, shown live), then the details. The customer and seller
 * fields appear only when those impacts are set, and the feature team only for P4–P5.
 */
export function declareModal(settings: Settings, state: DeclareModalState): ModalView {
  const impacts = Object.fromEntries(settings.impactTypes.map((t) => [t.value, state.impacts[t.value] ?? noImpactLevel(settings, t.value)]));
  const shape = declarationShape(settings, impacts);
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      block_id: BLOCK.intro,
      text: { type: 'mrkdwn', text: 'Thanks for reporting an incident! :beetle: Set the impacts first: they decide the priority and the process.' },
    },
  ];

  for (const type of settings.impactTypes) {
    const options = type.levels.map((level) => option(level.name, level.value, level.description));
    const selected = options.find((o) => o.value === impacts[type.value]);
    blocks.push({
      type: 'input',
      block_id: impactBlockId(type.value),
      dispatch_action: true,
      label: plain(`${type.emoji} ${type.name}`),
      ...(type.help ? { hint: plain(type.help) } : {}),
      element: {
        type: 'static_select',
        action_id: ACTION.impactLevel,
        options,
        ...(selected ? { initial_option: selected } : {}),
      },
    });
  }

  const p = shape.priority;
  blocks.push({
    type: 'context',
    block_id: BLOCK.priorityPreview,
    elements: [
      {
        type: 'mrkdwn',
        text: p
          ? `🎯 Priority: *${p.emoji} ${p.name} – ${p.description}*\n⚙️ Process: ${p.responseType === 'critical' ? 'a Slack channel and a Jira ticket' : 'a Jira ticket; you and the alert channels are notified'}`
          : '🎯 Priority: _set at least one impact to get a priority_',
      },
    ],
  });
  blocks.push({ type: 'divider' });

  blocks.push({
    type: 'input',
    block_id: BLOCK.category,
    label: plain('Category'),
    element: {
      type: 'static_select',
      action_id: ACTION.category,
      placeholder: plain('What is affected?'),
      option_groups: settings.categoryGroups.map((g) => ({ label: plain(truncate(g.name, 75)), options: g.categories.map((c) => option(c.name, c.value)) })),
    },
  });

  const envOptions = settings.environments.map((e) => option(`${e.value} – ${e.name}`, e.value));
  const envDefaults = envOptions.filter((o) => settings.environments.find((e) => e.value === o.value)?.default);
  blocks.push({
    type: 'input',
    block_id: BLOCK.environments,
    label: plain('Environments'),
    element: { type: 'multi_static_select', action_id: ACTION.environments, options: envOptions, ...(envDefaults.length ? { initial_options: envDefaults } : {}) },
  });

  const platformOptions = settings.platforms.map((pl) => option(pl.name, pl.value));
  const platformDefaults = platformOptions.filter((o) => settings.platforms.find((pl) => pl.value === o.value)?.default);
  blocks.push({
    type: 'input',
    block_id: BLOCK.platforms,
    label: plain('Platforms'),
    element: { type: 'multi_static_select', action_id: ACTION.platforms, options: platformOptions, ...(platformDefaults.length ? { initial_options: platformDefaults } : {}) },
  });

  // No max_length on title and description: the form answers with the limit and the current length instead of
  // silently stopping the typing.
  blocks.push({
    type: 'input',
    block_id: BLOCK.title,
    label: plain('Title'),
    hint: plain(`${settings.declare.titleMin}–${settings.declare.titleMax} characters.`),
    element: { type: 'plain_text_input', action_id: ACTION.title, placeholder: plain("Short, punchy description of what's happening.") },
  });
  blocks.push({
    type: 'input',
    block_id: BLOCK.description,
    label: plain('Description'),
    hint: plain('What is happening, since when, who is affected. It goes to the incident channel and the Jira ticket.'),
    element: {
      type: 'plain_text_input',
      action_id: ACTION.description,
      multiline: true,
      ...(state.initialDescription ? { initial_value: truncate(state.initialDescription, settings.declare.descriptionMax) } : {}),
    },
  });

  if (shape.showsCustomerFields) {
    blocks.push(optionalText(BLOCK.zendeskTicketId, ACTION.zendeskTicketId, 'Zendesk ticket id', 128));
  }
  if (shape.showsSellerFields) {
    blocks.push(optionalText(BLOCK.sellerContractId, ACTION.sellerContractId, 'Seller contract id', 128));
    blocks.push(optionalText(BLOCK.zohoDeskTicketId, ACTION.zohoDeskTicketId, 'Zoho desk ticket id', 256));
    blocks.push({
      type: 'input',
      block_id: BLOCK.sellerFlags,
      optional: true,
      label: plain('Seller flags'),
      element: { type: 'checkboxes', action_id: ACTION.sellerFlags, options: [option('Key account', 'key_account'), option('Golden list seller', 'golden_list')] },
    });
  }
  if (shape.needsFeatureTeam && settings.featureTeams.length > 0) {
    blocks.push({
      type: 'input',
      block_id: BLOCK.featureTeam,
      label: plain('Feature team'),
      hint: plain('The team the Jira ticket is routed to (required for P4–P5).'),
      element: { type: 'static_select', action_id: ACTION.featureTeam, options: settings.featureTeams.slice(0, 100).map((t) => option(t.name, t.name)) },
    });
  }

  return {
    type: 'modal',
    callback_id: CALLBACK.declareModal,
    title: plain('Declare an incident'),
    submit: plain('Declare'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ originChannelId: state.originChannelId ?? null }),
    blocks,
  };
}

/** Shown in place of the form as soon as it is submitted. */
export function declaringModal(title: string): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK.declareModal,
    title: plain('Declare an incident'),
    close: plain('Close'),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:hourglass_flowing_sand: Declaring *${escapeMrkdwn(truncate(title, 200))}*…` } }],
  };
}

export function declaredModal(options: { number: number; title: string; priorityLabel: string; critical: boolean }): ModalView {
  const next = options.critical
    ? 'A dedicated channel is being created and you will be invited to it. A Jira ticket is being created too.'
    : 'A Jira ticket is being created; you will get a direct message with its link.';
  return {
    type: 'modal',
    callback_id: CALLBACK.declareModal,
    title: plain(`Incident #${options.number}`.slice(0, 24)),
    close: plain('Close'),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:white_check_mark: *Incident #${options.number} is declared* (${options.priorityLabel}).\n>${escapeMrkdwn(truncate(options.title, 200))}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: next }] },
    ],
  };
}

/** The form was accepted while the database was away: kept, and saved when it is back. */
export function declareQueuedModal(explanation: string): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK.declareModal,
    title: plain('Declare an incident'),
    close: plain('Close'),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:inbox_tray: ${truncate(explanation, 2900)}` } }],
  };
}

/** The direct message to the reporter once a queued declaration is saved. */
export function declarationSavedLaterMessage(options: { number: number; title: string }): { text: string } {
  return { text: `:white_check_mark: The database is back: your declaration is saved as *incident #${options.number}* (${escapeMrkdwn(truncate(options.title, 200))}).` };
}

/** The direct message when a queued declaration no longer passes the rules (the settings changed meanwhile). */
export function declarationRefusedLaterMessage(options: { title: string; reasons: string[] }): { text: string } {
  return { text: `:x: Your declaration "${escapeMrkdwn(truncate(options.title, 200))}" could not be saved: ${options.reasons.join(' ')} Please declare it again.` };
}

export function declareFailedModal(reason: string): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK.declareModal,
    title: plain('Declare an incident'),
    close: plain('Close'),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:x: ${truncate(reason, 2900)}` } }],
  };
}

function option(text: string, value: string, description?: string): PlainTextOption {
  return {
    text: plain(truncate(text, 75)),
    value,
    ...(description ? { description: plain(truncate(description, 75)) } : {}),
  } satisfies Option as PlainTextOption;
}

function optionalText(blockId: string, actionId: string, label: string, max: number): KnownBlock {
  return { type: 'input', block_id: blockId, optional: true, label: plain(label), element: { type: 'plain_text_input', action_id: actionId, max_length: max } };
}
