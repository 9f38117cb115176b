import assert from 'node:assert/strict';
import type { Harness } from './app-harness.js';
import type { ViewSubmissionResult } from './slack-emulator/index.js';
import type { ModalForm } from './slack-emulator/modal-form.js';

/** Runs `/incident <word>` in a channel and returns the modal it opened (or null when it answered otherwise). */
export async function openIncidentCommand(h: Harness, userId: string, word: string, channelId: string): Promise<ModalForm | null> {
  const opened = h.slack.calls('views.open').length;
  const responses = h.slack.calls('response_url').length;
  const ack = await h.slack.sendSlashCommand({ command: '/incident', text: word, userId, channelId });
  assert.ok(ack.acked && ack.ackMs < 3000, `ack of /incident ${word} in ${ack.ackMs} ms`);
  await h.slack.waitUntil(() => h.slack.calls('views.open').length > opened || h.slack.calls('response_url').length > responses, 5000, `/incident ${word} to answer`);
  if (h.slack.calls('views.open').length === opened) return null;
  const view = h.slack.openViews(userId).at(-1);
  assert.ok(view);
  return h.slack.form(view.id);
}

/** Fills a modal by labels and submits it. */
export async function submitForm(form: ModalForm, userId: string, fields: Record<string, string | string[] | boolean | number | Date>): Promise<ViewSubmissionResult> {
  for (const [label, value] of Object.entries(fields)) form.fill(label, value);
  return form.submit(userId);
}

export function optionTexts(form: ModalForm, label: string): string[] {
  const block = form.input(label) as { element: { options?: Array<{ text: { text: string } }> } };
  return (block.element.options ?? []).map((o) => o.text.text);
}

export function lastEphemeral(h: Harness, userId: string): string {
  const texts = [...h.slack.ephemerals(userId).map((m) => m.text)];
  return texts.at(-1) ?? '';
}
