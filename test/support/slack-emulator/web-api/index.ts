import { chatMethods } from './chat.js';
import type { MethodHandler } from './context.js';
import { conversationMethods } from './conversations.js';
import { miscMethods } from './misc.js';
import { viewMethods } from './views.js';

/** Every emulated Web API method except apps.connections.open (handled by the server: it needs the socket). */
export const methods: Record<string, MethodHandler> = {
  ...miscMethods,
  ...conversationMethods,
  ...chatMethods,
  ...viewMethods,
};
