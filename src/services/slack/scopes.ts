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
  'users.lookupByEmail': ['users:read.email'],
  'chat.getPermalink': [],
  'conversations.replies': ['channels:history', 'groups:history', 'im:history'],
  'views.open': [],
  'views.update': [],
  'views.publish': [],
};

/**
 * The bot scopes each subscribed event needs (Slack's event docs); the manifest's scopes include them too. Events a
 * scope of a called method already covers still list it, so dropping a method never silently drops an event.
 */
export const SCOPES_BY_EVENT: Record<string, string[]> = {
  app_home_opened: [],
  reaction_added: ['reactions:read'],
  member_joined_channel: ['channels:read', 'groups:read'],
  member_left_channel: ['channels:read', 'groups:read'],
};

/** Methods listeners call through Bolt's client (the services call the rest through the Slack gateway). */
export const LISTENER_METHODS = ['views.open', 'views.update', 'chat.update', 'chat.postEphemeral', 'views.publish'] as const;
