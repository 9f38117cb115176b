/**
 * Wire shapes of Slack objects, as in fixtures/slack/web-api/*.success.json (conversation, user, message).
 */
import type { Workspace } from '../state.js';
import type { Json, SlackChannel, SlackMessage, SlackUser } from '../types.js';

export function channelObject(ws: Workspace, c: SlackChannel, opts: { numMembers?: boolean } = {}): Json {
  if (c.isIm) {
    return {
      id: c.id,
      created: c.created,
      is_archived: false,
      is_im: true,
      is_org_shared: false,
      context_team_id: ws.teamId,
      updated: c.created * 1000,
      user: c.imUser,
      is_user_deleted: false,
      priority: 0,
      is_open: true,
    };
  }
  const out: Json = {
    id: c.id,
    name: c.name,
    is_channel: !c.isPrivate,
    is_group: c.isPrivate,
    is_im: false,
    is_mpim: false,
    is_private: c.isPrivate,
    created: c.created,
    is_archived: c.isArchived,
    is_general: c.isGeneral,
    unlinked: 0,
    name_normalized: c.name,
    is_read_only: false,
    is_shared: false,
    is_frozen: false,
    is_org_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    context_team_id: ws.teamId,
    updated: c.created * 1000,
    parent_conversation: null,
    creator: c.creator,
    is_ext_shared: false,
    shared_team_ids: [ws.teamId],
    pending_connected_team_ids: [],
    is_member: ws.botIsMember(c),
    last_read: '0000000000.000000',
    topic: { value: c.topic, creator: c.topic ? ws.botUserId : '', last_set: c.topic ? c.created : 0 },
    purpose: { value: c.purpose, creator: c.purpose ? ws.botUserId : '', last_set: c.purpose ? c.created : 0 },
    previous_names: [...c.previousNames],
  };
  if (opts.numMembers) out.num_members = c.members.length;
  return out;
}

export function userObject(ws: Workspace, u: SlackUser): Json {
  const image = `https://secure.gravatar.com/avatar/${u.id}.jpg`;
  const profile: Json = {
    avatar_hash: 'g0000000000',
    status_text: '',
    status_emoji: '',
    real_name: u.realName,
    display_name: u.name,
    real_name_normalized: u.realName,
    display_name_normalized: u.name,
    image_24: image,
    image_32: image,
    image_48: image,
    image_72: image,
    image_192: image,
    image_512: image,
    team: ws.teamId,
  };
  if (u.email !== undefined) profile.email = u.email;
  if (u.isBot) {
    profile.bot_id = ws.botId;
    profile.api_app_id = ws.appId;
    profile.always_active = true;
  }
  return {
    id: u.id,
    team_id: ws.teamId,
    name: u.name,
    deleted: u.deleted,
    color: '9f69e7',
    real_name: u.realName,
    tz: u.tz,
    tz_label: 'Central European Summer Time',
    tz_offset: 7200,
    profile,
    is_admin: u.isAdmin,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: u.isBot,
    is_app_user: false,
    updated: 1700000000,
    has_2fa: false,
  };
}

export function messageObject(ws: Workspace, m: SlackMessage): Json {
  const out: Json = {};
  if (m.clientMsgId !== undefined) out.client_msg_id = m.clientMsgId;
  out.type = 'message';
  if (m.subtype !== undefined) out.subtype = m.subtype;
  if (m.botId !== undefined) {
    out.bot_id = m.botId;
    out.app_id = ws.appId;
  }
  out.text = m.text;
  out.user = m.user;
  out.ts = m.ts;
  out.team = ws.teamId;
  if (m.botId !== undefined) {
    out.bot_profile = {
      id: ws.botId,
      deleted: false,
      name: ws.botName,
      updated: 1700000000,
      app_id: ws.appId,
      icons: { image_36: 'https://a.slack-edge.com/80588/img/plugins/app/bot_36.png' },
      team_id: ws.teamId,
    };
  }
  if (m.blocks !== undefined) out.blocks = structuredClone(m.blocks);
  if (m.attachments !== undefined) out.attachments = structuredClone(m.attachments);
  if (m.metadata !== undefined) out.metadata = structuredClone(m.metadata);
  if (m.threadTs !== undefined) out.thread_ts = m.threadTs;
  if (m.replyCount !== undefined && m.replyCount > 0) {
    out.reply_count = m.replyCount;
    out.thread_ts = m.ts;
  }
  if (m.edited) out.edited = { user: m.user, ts: m.ts };
  if (m.reactions !== undefined && m.reactions.length > 0) {
    out.reactions = m.reactions.map((r) => ({ name: r.name, users: [...r.users], count: r.users.length }));
  }
  return out;
}
