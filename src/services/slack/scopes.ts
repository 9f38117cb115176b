/**
 * The bot scopes each Web API method needs (Slack's method docs). The manifest's scopes must be exactly the union
 * for the methods the app calls, plus `commands` for the slash command and shortcuts.
 */
export const SCOPES_BY_METHOD: Record<string, string[]> = {
  'auth.test': [],
  'conversations.create': ['channels:manage', 'groups:write'],
  'conversations.list': ['channels:read', 'groups:read'],
  'conversations.setTopic': ['channels:manage', 'groups:write'],
  'conversations.rename': ['channels:manage', 'groups:write'],
  'conversations.archive': ['channels:manage', 'groups:write'],
  'chat.postEphemeral': ['chat:write'],
  'conversations.invite': ['channels:manage', 'groups:write'],
  'conversations.history': ['channels:history', 'groups:history', 'im:history'],
  'chat.postMessage': ['chat:write', 'chat:write.public'],
  'chat.update': ['chat:write'],
  'pins.add': ['pins:write'],
  'bookmarks.add': ['bookmarks:write'],
  'bookmarks.list': ['bookmarks:read'],
  'users.info': ['users:read', 'users:read.email'],
  'views.open': [],
  'views.update': [],
};

/** Methods listeners call through Bolt's client (the services call the rest through the Slack gateway). */
export const LISTENER_METHODS = ['views.open', 'views.update'] as const;
