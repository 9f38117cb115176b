import type { ModalView } from '@slack/types';
import { plain, truncate } from './text.js';

/** What replaces a submitted form the app does not know (expired, from another version, or not ours). */
export function unknownFormModal(reason: string): ModalView {
  return {
    type: 'modal',
    title: plain('Form not understood'),
    close: plain('Close'),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${truncate(reason, 2900)}` } }],
  };
}
