import assert from 'node:assert/strict';
import type { Settings } from '../../src/settings/schema.js';
import { ACTION } from '../../src/views/ids.js';
import type { Harness } from './app-harness.js';
import type { EnvelopeResult, ViewSubmissionResult } from './slack-emulator/index.js';
import type { ModalForm } from './slack-emulator/modal-form.js';

/** Drives the declare form the way a person does: `/incident`, pick impacts, fill the details by their labels. */
export async function openDeclareForm(h: Harness, userId: string, text = ''): Promise<{ ack: EnvelopeResult; form: ModalForm }> {
  // Waits for this person's new view, not any views.open: several people may be declaring at once.
  const before = new Set(h.slack.openViews(userId).map((v) => v.id));
  const ack = await h.slack.sendSlashCommand({ command: '/incident', text, userId, channelId: h.channels.general });
  const view = await h.slack.waitUntil(() => h.slack.openViews(userId).find((v) => !before.has(v.id)), 10_000, 'the declare form to open');
  assert.ok(view, 'the declare form is open');
  return { ack, form: h.slack.form(view.id) };
}

export function impactLabel(settings: Settings, impactType: string): string {
  const type = settings.impactTypes.find((t) => t.value === impactType);
  assert.ok(type, `impact type ${impactType}`);
  return `${type.emoji} ${type.name}`;
}

/** Picks an impact level; the select dispatches an action and the app re-renders the form. */
export async function setImpact(h: Harness, form: ModalForm, userId: string, settings: Settings, impactType: string, levelName: string): Promise<void> {
  const label = impactLabel(settings, impactType);
  form.fill(label, levelName);
  const block = form.input(label);
  const blockId = String(block.block_id);
  const value = form.values()[blockId]?.[ACTION.impactLevel]?.selected_option?.value;
  assert.ok(value, `level ${levelName} selected`);
  // Waits for the update of this form, not any views.update: several people may be declaring at once.
  const updatesOfThisForm = () => h.slack.calls('views.update').filter((c) => c.ok && c.args.view_id === form.viewId).length;
  const updates = updatesOfThisForm();
  await h.slack.sendBlockAction({ userId, actionId: ACTION.impactLevel, blockId, viewId: form.viewId, selectedOption: { value } });
  await h.slack.waitUntil(() => updatesOfThisForm() > updates, 10_000, 'the form to be re-rendered');
}

export interface DeclareInput {
  impacts: Record<string, string>;
  fields: Record<string, string | string[] | boolean>;
}

export async function declareThroughSlack(
  h: Harness,
  userId: string,
  input: DeclareInput,
): Promise<{ commandAck: EnvelopeResult; submission: ViewSubmissionResult; form: ModalForm }> {
  const settings = h.settings;
  const { ack, form } = await openDeclareForm(h, userId);
  for (const [type, level] of Object.entries(input.impacts)) await setImpact(h, form, userId, settings, type, level);
  for (const [label, value] of Object.entries(input.fields)) form.fill(label, value);
  const submission = await form.submit(userId);
  return { commandAck: ack, submission, form };
}

export function sectionTexts(blocks: unknown[] | undefined): string {
  return JSON.stringify(blocks ?? []);
}
