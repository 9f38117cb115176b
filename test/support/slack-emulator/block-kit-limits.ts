/**
 * Block Kit limits Slack enforces server-side (platform-facts §3.1), as a small validator.
 *
 * Each problem is `{pointer, message}` with a JSON pointer relative to what was validated (`/blocks/3/text/text` for
 * message blocks, `/blocks/...` or `/title/text` for a view). The Web API turns them into Slack's
 * `[ERROR] <message> [json-pointer:<pointer>]` strings. Wordings seen in real Slack answers are used where known
 * ("must be less than N characters", "no more than N items allowed", "failed to match all allowed schemas",
 * "missing required field: x"); the rest are ours.
 */

export interface LimitIssue {
  pointer: string;
  message: string;
}

type Surface = 'message' | 'modal' | 'home';

interface Ctx {
  surface: Surface;
  issues: LimitIssue[];
  blockIds: Set<string>;
}

type Obj = Record<string, unknown>;

const BLOCK_TYPES = new Set(['section', 'header', 'divider', 'context', 'actions', 'input', 'image', 'rich_text', 'markdown']);

const SELECTS = new Set([
  'static_select', 'external_select', 'users_select', 'conversations_select', 'channels_select',
  'multi_static_select', 'multi_external_select', 'multi_users_select', 'multi_conversations_select', 'multi_channels_select',
]);
const ACTIONS_ELEMENTS = new Set([
  ...SELECTS, 'button', 'overflow', 'datepicker', 'timepicker', 'datetimepicker', 'checkboxes', 'radio_buttons',
  'workflow_button', 'rich_text_input',
]);
const ACCESSORY_ELEMENTS = new Set([
  ...SELECTS, 'button', 'overflow', 'datepicker', 'timepicker', 'checkboxes', 'radio_buttons', 'image', 'workflow_button',
]);
const INPUT_ELEMENTS = new Set([
  ...SELECTS, 'plain_text_input', 'checkboxes', 'radio_buttons', 'datepicker', 'timepicker', 'datetimepicker',
  'email_text_input', 'number_input', 'url_text_input', 'rich_text_input', 'file_input',
]);

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Length in characters as a person counts them (code points). */
function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
}

function issue(ctx: Ctx, pointer: string, message: string): void {
  ctx.issues.push({ pointer, message });
}

function checkString(ctx: Ctx, value: unknown, pointer: string, max: number, opts: { required?: boolean; min?: number } = {}): void {
  if (value === undefined || value === null) {
    if (opts.required) issue(ctx, pointer.replace(/\/[^/]*$/, '') || '/', `missing required field: ${pointer.split('/').pop() ?? ''}`);
    return;
  }
  if (typeof value !== 'string') {
    issue(ctx, pointer, 'must be a string');
    return;
  }
  const len = charLength(value);
  if (len > max) issue(ctx, pointer, `must be less than ${max + 1} characters`);
  const min = opts.min ?? 0;
  if (len < min) issue(ctx, pointer, `must be more than ${min - 1} characters`);
}

function checkArray(ctx: Ctx, value: unknown, pointer: string, max: number, opts: { required?: boolean; min?: number } = {}): unknown[] {
  if (value === undefined || value === null) {
    if (opts.required) issue(ctx, pointer.replace(/\/[^/]*$/, '') || '/', `missing required field: ${pointer.split('/').pop() ?? ''}`);
    return [];
  }
  if (!Array.isArray(value)) {
    issue(ctx, pointer, 'must be an array');
    return [];
  }
  if (value.length > max) issue(ctx, pointer, `no more than ${max} items allowed`);
  const min = opts.min ?? 0;
  if (value.length < min) issue(ctx, pointer, `must provide at least ${min} items`);
  return value;
}

/** A text object: `{type: 'plain_text'|'mrkdwn', text}`. */
function checkText(
  ctx: Ctx,
  value: unknown,
  pointer: string,
  max: number,
  opts: { required?: boolean; plainOnly?: boolean } = {},
): void {
  if (value === undefined || value === null) {
    if (opts.required) issue(ctx, pointer.replace(/\/[^/]*$/, '') || '/', `missing required field: ${pointer.split('/').pop() ?? ''}`);
    return;
  }
  if (!isObj(value)) {
    issue(ctx, pointer, 'failed to match all allowed schemas');
    return;
  }
  const type = value.type;
  if (type !== 'plain_text' && type !== 'mrkdwn') {
    issue(ctx, `${pointer}/type`, 'must be a valid enum value');
    return;
  }
  if (opts.plainOnly && type !== 'plain_text') {
    issue(ctx, `${pointer}/type`, 'must be plain_text (mrkdwn is not allowed here)');
  }
  checkString(ctx, value.text, `${pointer}/text`, max, { required: true, min: 1 });
}

function checkId(ctx: Ctx, value: unknown, pointer: string): void {
  if (value === undefined) return;
  checkString(ctx, value, pointer, 255, { min: 1 });
}

function checkConfirm(ctx: Ctx, value: unknown, pointer: string): void {
  if (value === undefined) return;
  if (!isObj(value)) {
    issue(ctx, pointer, 'failed to match all allowed schemas');
    return;
  }
  checkText(ctx, value.title, `${pointer}/title`, 100, { plainOnly: true });
  checkText(ctx, value.text, `${pointer}/text`, 300, { required: true });
  checkText(ctx, value.confirm, `${pointer}/confirm`, 30, { plainOnly: true });
  checkText(ctx, value.deny, `${pointer}/deny`, 30, { plainOnly: true });
}

function checkOption(ctx: Ctx, value: unknown, pointer: string, plainOnly: boolean): void {
  if (!isObj(value)) {
    issue(ctx, pointer, 'failed to match all allowed schemas');
    return;
  }
  checkText(ctx, value.text, `${pointer}/text`, 75, { required: true, plainOnly });
  checkString(ctx, value.value, `${pointer}/value`, 150, { required: true });
  checkText(ctx, value.description, `${pointer}/description`, 75, { plainOnly });
  checkString(ctx, value.url, `${pointer}/url`, 3000);
}

function optionValues(options: unknown[]): Set<unknown> {
  return new Set(options.filter(isObj).map((o) => o.value));
}

function checkStaticOptions(ctx: Ctx, el: Obj, pointer: string): void {
  const hasOptions = el.options !== undefined;
  const hasGroups = el.option_groups !== undefined;
  if (hasOptions && hasGroups) issue(ctx, pointer, 'must provide options or option_groups, not both');
  if (!hasOptions && !hasGroups) issue(ctx, pointer, 'missing required field: options');
  const all: unknown[] = [];
  checkArray(ctx, el.options, `${pointer}/options`, 100, { min: 1 }).forEach((o, i) => {
    checkOption(ctx, o, `${pointer}/options/${i}`, true);
    all.push(o);
  });
  checkArray(ctx, el.option_groups, `${pointer}/option_groups`, 100, { min: 1 }).forEach((g, i) => {
    const gp = `${pointer}/option_groups/${i}`;
    if (!isObj(g)) {
      issue(ctx, gp, 'failed to match all allowed schemas');
      return;
    }
    checkText(ctx, g.label, `${gp}/label`, 75, { required: true, plainOnly: true });
    checkArray(ctx, g.options, `${gp}/options`, 100, { required: true, min: 1 }).forEach((o, j) => {
      checkOption(ctx, o, `${gp}/options/${j}`, true);
      all.push(o);
    });
  });
  const values = optionValues(all);
  if (isObj(el.initial_option) && !values.has(el.initial_option.value)) {
    issue(ctx, `${pointer}/initial_option`, 'must match one of the provided options');
  }
  if (Array.isArray(el.initial_options)) {
    el.initial_options.forEach((o, i) => {
      if (isObj(o) && !values.has(o.value)) issue(ctx, `${pointer}/initial_options/${i}`, 'must match one of the provided options');
    });
  }
}

function checkElement(ctx: Ctx, value: unknown, pointer: string, allowed: Set<string>): void {
  if (!isObj(value) || typeof value.type !== 'string') {
    issue(ctx, pointer, 'failed to match all allowed schemas');
    return;
  }
  const el = value;
  const type = value.type;
  if (!allowed.has(type)) {
    issue(ctx, `${pointer}/type`, `failed to match all allowed schemas (element type '${type}' is not allowed here)`);
    return;
  }
  checkId(ctx, el.action_id, `${pointer}/action_id`);
  checkText(ctx, el.placeholder, `${pointer}/placeholder`, 150, { plainOnly: true });
  checkConfirm(ctx, el.confirm, `${pointer}/confirm`);

  switch (type) {
    case 'button':
      checkText(ctx, el.text, `${pointer}/text`, 75, { required: true, plainOnly: true });
      checkString(ctx, el.value, `${pointer}/value`, 2000);
      checkString(ctx, el.url, `${pointer}/url`, 3000);
      checkString(ctx, el.accessibility_label, `${pointer}/accessibility_label`, 75);
      if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') {
        issue(ctx, `${pointer}/style`, 'must be a valid enum value');
      }
      break;
    case 'workflow_button':
      checkText(ctx, el.text, `${pointer}/text`, 75, { required: true, plainOnly: true });
      break;
    case 'static_select':
    case 'multi_static_select':
      checkStaticOptions(ctx, el, pointer);
      break;
    case 'overflow':
      checkArray(ctx, el.options, `${pointer}/options`, 5, { required: true, min: 1 }).forEach((o, i) =>
        checkOption(ctx, o, `${pointer}/options/${i}`, true),
      );
      break;
    case 'checkboxes':
    case 'radio_buttons': {
      const options = checkArray(ctx, el.options, `${pointer}/options`, 10, { required: true, min: 1 });
      options.forEach((o, i) => checkOption(ctx, o, `${pointer}/options/${i}`, false));
      const values = optionValues(options);
      if (isObj(el.initial_option) && !values.has(el.initial_option.value)) {
        issue(ctx, `${pointer}/initial_option`, 'must match one of the provided options');
      }
      break;
    }
    case 'plain_text_input': {
      const { min_length: minLength, max_length: maxLength } = el;
      if (maxLength !== undefined && (typeof maxLength !== 'number' || maxLength < 1 || maxLength > 3000)) {
        issue(ctx, `${pointer}/max_length`, 'must be between 1 and 3000');
      }
      if (minLength !== undefined && (typeof minLength !== 'number' || minLength < 0 || minLength > 3000)) {
        issue(ctx, `${pointer}/min_length`, 'must be between 0 and 3000');
      }
      if (typeof minLength === 'number' && typeof maxLength === 'number' && minLength > maxLength) {
        issue(ctx, `${pointer}/min_length`, 'must be less than or equal to max_length');
      }
      if (typeof el.initial_value === 'string' && typeof maxLength === 'number' && charLength(el.initial_value) > maxLength) {
        issue(ctx, `${pointer}/initial_value`, `must be less than ${maxLength + 1} characters`);
      }
      break;
    }
    case 'datepicker':
      if (el.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(el.initial_date))) {
        issue(ctx, `${pointer}/initial_date`, 'must match format YYYY-MM-DD');
      }
      break;
    case 'timepicker':
      if (el.initial_time !== undefined && !/^\d{2}:\d{2}$/.test(String(el.initial_time))) {
        issue(ctx, `${pointer}/initial_time`, 'must match format HH:mm');
      }
      break;
    case 'datetimepicker':
      if (el.initial_date_time !== undefined && typeof el.initial_date_time !== 'number') {
        issue(ctx, `${pointer}/initial_date_time`, 'must be an integer');
      }
      break;
    case 'number_input':
      if (typeof el.is_decimal_allowed !== 'boolean') issue(ctx, pointer, 'missing required field: is_decimal_allowed');
      break;
    case 'image':
      checkString(ctx, el.image_url, `${pointer}/image_url`, 3000, { required: el.slack_file === undefined });
      checkString(ctx, el.alt_text, `${pointer}/alt_text`, 2000, { required: true });
      break;
    default:
      break;
  }
}

function checkBlock(ctx: Ctx, value: unknown, pointer: string): void {
  if (!isObj(value) || typeof value.type !== 'string') {
    issue(ctx, pointer, 'failed to match all allowed schemas');
    return;
  }
  const block = value;
  const type = value.type;
  if (!BLOCK_TYPES.has(type)) {
    issue(ctx, `${pointer}/type`, `failed to match all allowed schemas (unknown block type '${type}')`);
    return;
  }
  if (block.block_id !== undefined) {
    checkId(ctx, block.block_id, `${pointer}/block_id`);
    if (typeof block.block_id === 'string') {
      if (ctx.blockIds.has(block.block_id)) issue(ctx, `${pointer}/block_id`, `duplicate block_id '${block.block_id}'`);
      ctx.blockIds.add(block.block_id);
    }
  }

  switch (type) {
    case 'section': {
      if (block.text === undefined && block.fields === undefined) issue(ctx, pointer, 'missing required field: text or fields');
      checkText(ctx, block.text, `${pointer}/text`, 3000);
      checkArray(ctx, block.fields, `${pointer}/fields`, 10, { min: 1 }).forEach((f, i) =>
        checkText(ctx, f, `${pointer}/fields/${i}`, 2000),
      );
      if (block.accessory !== undefined) checkElement(ctx, block.accessory, `${pointer}/accessory`, ACCESSORY_ELEMENTS);
      break;
    }
    case 'header':
      checkText(ctx, block.text, `${pointer}/text`, 150, { required: true, plainOnly: true });
      break;
    case 'divider':
      break;
    case 'context':
      checkArray(ctx, block.elements, `${pointer}/elements`, 10, { required: true, min: 1 }).forEach((e, i) => {
        const ep = `${pointer}/elements/${i}`;
        if (isObj(e) && e.type === 'image') checkElement(ctx, e, ep, new Set(['image']));
        else checkText(ctx, e, ep, 3000, { required: true });
      });
      break;
    case 'actions': {
      const elements = checkArray(ctx, block.elements, `${pointer}/elements`, 25, { required: true, min: 1 });
      const actionIds = new Set<string>();
      elements.forEach((e, i) => {
        checkElement(ctx, e, `${pointer}/elements/${i}`, ACTIONS_ELEMENTS);
        if (isObj(e) && typeof e.action_id === 'string') {
          if (actionIds.has(e.action_id)) issue(ctx, `${pointer}/elements/${i}/action_id`, `duplicate action_id '${e.action_id}'`);
          actionIds.add(e.action_id);
        }
      });
      break;
    }
    case 'input':
      if (ctx.surface === 'message') {
        issue(ctx, `${pointer}/type`, 'failed to match all allowed schemas (input blocks are only allowed in modals and Home tabs)');
      }
      checkText(ctx, block.label, `${pointer}/label`, 2000, { required: true, plainOnly: true });
      checkText(ctx, block.hint, `${pointer}/hint`, 2000, { plainOnly: true });
      if (block.element === undefined) issue(ctx, pointer, 'missing required field: element');
      else checkElement(ctx, block.element, `${pointer}/element`, INPUT_ELEMENTS);
      if (block.optional !== undefined && typeof block.optional !== 'boolean') issue(ctx, `${pointer}/optional`, 'must be a boolean');
      break;
    case 'image':
      checkString(ctx, block.image_url, `${pointer}/image_url`, 3000, { required: block.slack_file === undefined });
      checkString(ctx, block.alt_text, `${pointer}/alt_text`, 2000, { required: true });
      checkText(ctx, block.title, `${pointer}/title`, 2000, { plainOnly: true });
      break;
    case 'rich_text':
      checkArray(ctx, block.elements, `${pointer}/elements`, Number.MAX_SAFE_INTEGER, { required: true });
      break;
    case 'markdown':
      checkString(ctx, block.text, `${pointer}/text`, 12000, { required: true, min: 1 });
      break;
    default:
      break;
  }
}

function checkBlocks(ctx: Ctx, blocks: unknown, pointer: string, max: number, required: boolean): void {
  checkArray(ctx, blocks, pointer, max, { required }).forEach((b, i) => checkBlock(ctx, b, `${pointer}/${i}`));
}

/** Blocks of a message (chat.postMessage / update / postEphemeral, response_url). Pointers start with `/blocks`. */
export function validateMessageBlocks(blocks: unknown): LimitIssue[] {
  const ctx: Ctx = { surface: 'message', issues: [], blockIds: new Set() };
  checkBlocks(ctx, blocks, '/blocks', 50, false);
  return ctx.issues;
}

/** A modal or Home tab view (views.open/push/update/publish, response_action update/push). Pointers are relative to the view. */
export function validateView(view: unknown): LimitIssue[] {
  const issues: LimitIssue[] = [];
  if (!isObj(view)) return [{ pointer: '/', message: 'failed to match all allowed schemas' }];
  const type = view.type;
  if (type !== 'modal' && type !== 'home') {
    return [{ pointer: '/type', message: 'must be a valid enum value (modal or home)' }];
  }
  const ctx: Ctx = { surface: type, issues, blockIds: new Set() };
  if (type === 'modal') {
    checkText(ctx, view.title, '/title', 24, { required: true, plainOnly: true });
    checkText(ctx, view.submit, '/submit', 24, { plainOnly: true });
    checkText(ctx, view.close, '/close', 24, { plainOnly: true });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
    if (hasInput && (view.submit === undefined || view.submit === null)) {
      issue(ctx, '/', 'missing required field: submit (a modal with input blocks needs a submit button)');
    }
  } else {
    checkText(ctx, view.title, '/title', 24, { plainOnly: true });
  }
  checkBlocks(ctx, view.blocks, '/blocks', 100, true);
  checkString(ctx, view.private_metadata, '/private_metadata', 3000);
  checkString(ctx, view.callback_id, '/callback_id', 255);
  checkString(ctx, view.external_id, '/external_id', 255);
  return issues;
}

/** Slack refuses views larger than 250 kB with `view_too_large`. */
export const MAX_VIEW_BYTES = 250 * 1024;

export function viewByteSize(view: unknown): number {
  return Buffer.byteLength(JSON.stringify(view) ?? '', 'utf8');
}

/** `[ERROR] <message> [json-pointer:<prefix><pointer>]`, the strings Slack puts in `response_metadata.messages`. */
export function formatIssues(issues: LimitIssue[], prefix = ''): string[] {
  return issues.map((i) => `[ERROR] ${i.message} [json-pointer:${prefix}${i.pointer === '/' && prefix ? '' : i.pointer}]`);
}
