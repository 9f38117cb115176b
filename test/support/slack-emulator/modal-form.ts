/**
 * Filling a stored modal the way a person does: by the labels they read. `fill` writes into the view's state as
 * typing/picking does in the Slack client (no envelope is sent; inputs with `dispatch_action` would also send a
 * block_actions in Slack — send it with `selectInSection`/`sendBlockAction` when the app relies on it).
 */
import { elementOptions, matchOption } from './interactions.js';
import { submissionState } from './state.js';
import type { EnvelopeResult, Json, OptionObject, StateValue, View, ViewStateValues, ViewSubmissionResult } from './types.js';

export type FillValue = string | string[] | boolean | number | Date;

export interface FormHost {
  view(viewId: string): View | undefined;
  ownerOf(viewId: string): string | undefined;
  /** A user id from an id or a user name. */
  resolveUser(idOrName: string): string;
  /** A conversation id from an id or a channel name (`#name` or `name`). */
  resolveChannel(idOrName: string): string;
  submitView(p: { viewId: string; userId?: string; timeoutMs?: number }): Promise<ViewSubmissionResult>;
  sendBlockAction(p: {
    userId: string;
    actionId: string;
    blockId?: string;
    viewId?: string;
    value?: string;
    selectedOption?: { value: string };
    selectedOptions?: { value: string }[];
    selectedUser?: string;
  }): Promise<EnvelopeResult>;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asList(value: FillValue): string[] {
  if (Array.isArray(value)) return value;
  return [String(value)];
}

export class ModalForm {
  constructor(
    private readonly host: FormHost,
    readonly viewId: string,
  ) {}

  /** The stored view as it is now. */
  get view(): View {
    const v = this.host.view(this.viewId);
    if (!v) throw new Error(`Slack emulator: no view '${this.viewId}'`);
    return v;
  }

  private inputBlocks(): Json[] {
    return this.view.blocks.filter((b) => b.type === 'input' && isObj(b.label) && isObj(b.element));
  }

  /** Labels of the input blocks, in order. */
  labels(): string[] {
    return this.inputBlocks().map((b) => String((b.label as Json).text));
  }

  /** The input block whose label is `label`, or else the only one whose label starts with it. */
  input(label: string): Json {
    const blocks = this.inputBlocks();
    const text = (b: Json): string => String((b.label as Json).text);
    const exact = blocks.find((b) => text(b) === label);
    if (exact) return exact;
    const prefixed = blocks.filter((b) => text(b).startsWith(label));
    if (prefixed.length === 1 && prefixed[0]) return prefixed[0];
    const why = prefixed.length > 1 ? `several inputs start with '${label}'` : `no input labelled '${label}'`;
    throw new Error(`Slack emulator: ${why} in view ${this.viewId} (${this.view.callback_id}); labels: ${this.labels().map((l) => `'${l}'`).join(', ')}`);
  }

  /** Sets the input labelled `label` as a person would; returns this for chaining. */
  fill(label: string, value: FillValue): this {
    const block = this.input(label);
    const el = block.element as Json;
    const where = `input '${label}'`;
    const state = this.stateFor(el, value, where);
    const view = this.view;
    (view.state.values[String(block.block_id)] ??= {})[String(el.action_id)] = state;
    return this;
  }

  private stateFor(el: Json, value: FillValue, where: string): StateValue {
    const type = String(el.type);
    const one = (): string => {
      if (Array.isArray(value) || typeof value === 'boolean') throw new Error(`Slack emulator: ${where} (${type}) takes one value`);
      return value instanceof Date ? value.toISOString() : String(value);
    };
    switch (type) {
      case 'plain_text_input':
      case 'email_text_input':
      case 'url_text_input':
      case 'number_input': {
        const text = one();
        const max = el.max_length;
        if (typeof max === 'number' && [...text].length > max) {
          throw new Error(`Slack emulator: ${where} accepts at most ${max} characters (got ${[...text].length}); the Slack client stops typing there`);
        }
        return { type, value: text };
      }
      case 'rich_text_input':
        return { type, rich_text_value: { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: one() }] }] } };
      case 'static_select':
      case 'external_select':
      case 'radio_buttons':
        return { type, selected_option: matchOption(el, one(), where) };
      case 'multi_static_select':
      case 'multi_external_select':
      case 'checkboxes': {
        let selected: OptionObject[];
        if (typeof value === 'boolean') {
          const options = elementOptions(el);
          const only = options[0];
          if (options.length !== 1 || !only) throw new Error(`Slack emulator: ${where} has ${options.length} options; pass the option texts or values`);
          selected = value ? [structuredClone(only)] : [];
        } else {
          selected = asList(value).map((v) => matchOption(el, v, where));
        }
        const max = el.max_selected_items;
        if (typeof max === 'number' && selected.length > max) throw new Error(`Slack emulator: ${where} allows at most ${max} selections`);
        return { type, selected_options: selected };
      }
      case 'users_select':
        return { type, selected_user: this.host.resolveUser(one()) };
      case 'multi_users_select':
        return { type, selected_users: asList(value).map((v) => this.host.resolveUser(v)) };
      case 'conversations_select':
        return { type, selected_conversation: this.host.resolveChannel(one()) };
      case 'multi_conversations_select':
        return { type, selected_conversations: asList(value).map((v) => this.host.resolveChannel(v)) };
      case 'channels_select':
        return { type, selected_channel: this.host.resolveChannel(one()) };
      case 'multi_channels_select':
        return { type, selected_channels: asList(value).map((v) => this.host.resolveChannel(v)) };
      case 'datepicker': {
        const d = value instanceof Date ? value.toISOString().slice(0, 10) : one();
        if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error(`Slack emulator: ${where} takes a date YYYY-MM-DD`);
        return { type, selected_date: d };
      }
      case 'timepicker': {
        const t = one();
        if (!/^\d{2}:\d{2}$/.test(t)) throw new Error(`Slack emulator: ${where} takes a time HH:mm`);
        return { type, selected_time: t };
      }
      case 'datetimepicker': {
        const seconds =
          value instanceof Date ? Math.floor(value.getTime() / 1000) : typeof value === 'number' ? value : Math.floor(Date.parse(one()) / 1000);
        if (!Number.isFinite(seconds)) throw new Error(`Slack emulator: ${where} takes unix seconds, a Date or an ISO string`);
        return { type, selected_date_time: seconds };
      }
      default:
        throw new Error(`Slack emulator: ${where} has an element of type '${type}' that fill() does not handle`);
    }
  }

  /** `view.state.values` as Slack would submit it now (every input present, empty ones null / []). */
  values(): ViewStateValues {
    return submissionState(this.view);
  }

  /** Clicks Submit (as the view's owner unless another user is given). */
  submit(userId?: string, options: { timeoutMs?: number } = {}): Promise<ViewSubmissionResult> {
    return this.host.submitView({
      viewId: this.viewId,
      ...(userId !== undefined ? { userId } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
  }

  private owner(): string {
    const owner = this.host.ownerOf(this.viewId);
    if (owner === undefined) throw new Error(`Slack emulator: view '${this.viewId}' has no owner`);
    return owner;
  }

  private element(actionId: string): { block: Json; el: Json } {
    for (const block of this.view.blocks) {
      const els: unknown[] = block.type === 'actions' && Array.isArray(block.elements) ? block.elements : [block.accessory, block.element];
      for (const el of els) if (isObj(el) && el.action_id === actionId) return { block, el };
    }
    throw new Error(`Slack emulator: no element with action_id '${actionId}' in view ${this.viewId}`);
  }

  /**
   * Picks an option in a select that dispatches block_actions (in an `actions` block or a section accessory):
   * the state is updated and the block_actions envelope is sent, as Slack does.
   */
  selectInSection(actionId: string, optionTextOrValue: string): Promise<EnvelopeResult> {
    const { block, el } = this.element(actionId);
    const option = matchOption(el, optionTextOrValue, `element '${actionId}'`);
    return this.host.sendBlockAction({
      userId: this.owner(),
      actionId,
      blockId: String(block.block_id),
      viewId: this.viewId,
      selectedOption: { value: option.value },
    });
  }

  /** Clicks a button in the view. */
  click(actionId: string): Promise<EnvelopeResult> {
    const { block } = this.element(actionId);
    return this.host.sendBlockAction({ userId: this.owner(), actionId, blockId: String(block.block_id), viewId: this.viewId });
  }
}
