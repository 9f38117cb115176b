/**
 * views.open / push / update / publish with trigger ids, the modal stack, hashes and Block Kit limits.
 */
import { MAX_VIEW_BYTES, formatIssues, validateView, viewByteSize } from '../block-kit-limits.js';
import type { TriggerRecord, Workspace } from '../state.js';
import type { Json, View } from '../types.js';
import { SlackApiError, invalidArguments, type MethodContext, type MethodHandler } from './context.js';

export const MAX_MODAL_STACK = 3;

/** A view the app sent (argument or response_action), checked as Slack does. Throws SlackApiError. */
export function checkViewInput(raw: unknown, expectedType?: 'modal' | 'home'): Json {
  if (raw === undefined || raw === null || raw === '') throw invalidArguments(['[ERROR] missing required field: view']);
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalidArguments(['[ERROR] failed to match all allowed schemas [json-pointer:/view]']);
  }
  if (viewByteSize(raw) > MAX_VIEW_BYTES) throw new SlackApiError('view_too_large');
  const view = raw as Json;
  if (expectedType !== undefined && view.type !== expectedType) {
    throw invalidArguments([`[ERROR] must be a valid enum value (${expectedType}) [json-pointer:/view/type]`]);
  }
  const issues = validateView(view);
  if (issues.length > 0) throw invalidArguments(formatIssues(issues, '/view'));
  return view;
}

/** Checks a trigger_id without spending it (a failed call must not change state). */
function checkTrigger(ctx: MethodContext): { id: string; trigger: TriggerRecord } {
  const id = ctx.args.str('trigger_id') ?? ctx.args.str('interactivity_pointer');
  if (id === undefined || id === '') throw invalidArguments(['[ERROR] missing required field: trigger_id']);
  const trigger = ctx.ws.triggers.get(id);
  if (!/^\d+\.\d+\.[0-9a-zA-Z]+$/.test(id) || !trigger) throw new SlackApiError('invalid_trigger_id');
  if (trigger.used) throw new SlackApiError('exchanged_trigger_id');
  if (ctx.now() - trigger.issuedAt > ctx.triggerTtlMs) throw new SlackApiError('expired_trigger_id');
  return { id, trigger };
}

function checkExternalId(ws: Workspace, view: Json, exceptViewId?: string): void {
  const ext = view.external_id;
  if (typeof ext !== 'string' || ext === '') return;
  const other = ws.viewByExternalId(ext);
  if (other && other.id !== exceptViewId && ws.isLive(other.id)) throw new SlackApiError('duplicate_external_id');
}

function respond(view: View): Json {
  return { ok: true, view: structuredClone(view) };
}

/** Stores a new top view for a user's modal stack. Used by views.open/push and response_action push. */
export function pushView(ws: Workspace, userId: string, input: Json, replaceStack: boolean): View {
  const stack = replaceStack ? [] : [...(ws.modalStacks.get(userId) ?? [])];
  const id = ws.ids.id('V');
  const top = stack[stack.length - 1];
  const root = stack[0] ?? id;
  const view = ws.materializeView(input, { id, rootViewId: root, previousViewId: top ?? null });
  ws.views.set(id, view);
  ws.viewOwner.set(id, userId);
  stack.push(id);
  ws.modalStacks.set(userId, stack);
  return view;
}

/** Replaces the content of a stored view in place (same id, new hash). views.update and response_action update. */
export function replaceView(ws: Workspace, current: View, input: Json): View {
  const next = ws.materializeView(input, {
    id: current.id,
    rootViewId: current.root_view_id,
    previousViewId: current.previous_view_id,
    previous: current,
  });
  ws.views.set(current.id, next);
  return next;
}

const open: MethodHandler = (ctx) => {
  const input = checkViewInput(ctx.args.json('view'), 'modal');
  const { trigger } = checkTrigger(ctx);
  checkExternalId(ctx.ws, input);
  trigger.used = true;
  return respond(pushView(ctx.ws, trigger.userId, input, true));
};

const push: MethodHandler = (ctx) => {
  const input = checkViewInput(ctx.args.json('view'), 'modal');
  const { trigger } = checkTrigger(ctx);
  const stack = ctx.ws.modalStacks.get(trigger.userId) ?? [];
  if (stack.length === 0) throw new SlackApiError('not_found');
  if (stack.length >= MAX_MODAL_STACK) throw new SlackApiError('push_limit_reached');
  checkExternalId(ctx.ws, input);
  trigger.used = true;
  return respond(pushView(ctx.ws, trigger.userId, input, false));
};

const update: MethodHandler = (ctx) => {
  const viewId = ctx.args.str('view_id');
  const externalId = ctx.args.str('external_id');
  if (!viewId && !externalId) throw invalidArguments(['[ERROR] missing required field: view_id']);
  const current = viewId ? ctx.ws.views.get(viewId) : ctx.ws.viewByExternalId(externalId ?? '');
  if (!current || !ctx.ws.isLive(current.id)) throw new SlackApiError('not_found');
  const input = checkViewInput(ctx.args.json('view'), current.type);
  const hash = ctx.args.str('hash');
  if (hash !== undefined && hash !== '' && hash !== current.hash) throw new SlackApiError('hash_conflict');
  checkExternalId(ctx.ws, input, current.id);
  return respond(replaceView(ctx.ws, current, input));
};

const publish: MethodHandler = (ctx) => {
  const userId = ctx.args.str('user_id');
  if (userId === undefined || userId === '') throw invalidArguments(['[ERROR] missing required field: user_id']);
  const user = ctx.ws.users.get(userId);
  if (!user || user.isBot) throw invalidArguments(['invalid `user_id`']);
  const input = checkViewInput(ctx.args.json('view'), 'home');
  const currentId = ctx.ws.homeViews.get(userId);
  const current = currentId === undefined ? undefined : ctx.ws.views.get(currentId);
  const hash = ctx.args.str('hash');
  if (current && hash !== undefined && hash !== '' && hash !== current.hash) throw new SlackApiError('hash_conflict');
  checkExternalId(ctx.ws, input, current?.id);
  if (current) return respond(replaceView(ctx.ws, current, input));
  const id = ctx.ws.ids.id('V');
  const view = ctx.ws.materializeView(input, { id, rootViewId: id, previousViewId: null });
  ctx.ws.views.set(id, view);
  ctx.ws.viewOwner.set(id, userId);
  ctx.ws.homeViews.set(userId, id);
  return respond(view);
};

export const viewMethods: Record<string, MethodHandler> = {
  'views.open': open,
  'views.push': push,
  'views.update': update,
  'views.publish': publish,
};
