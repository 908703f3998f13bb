import { APP_ID, BOT_USER_ID, CHANNEL, dmChannelOf, type PlaygroundUser, TEAM } from './people.js';

/**
 * The request bodies Slack sends an app, built from what happened on the page. Field names and
 * shapes follow Slack's payloads, so the bot's listeners cannot tell the playground from Slack.
 */

/** Slack's legacy verification token: sent, never checked (the signature is what counts). */
const TOKEN = 'playground-verification-token';

export type StateValues = Record<string, Record<string, Record<string, unknown>>>;

/** A view as the playground keeps it: what the bot sent plus the id and hash Slack adds. */
export interface StoredView {
  id: string;
  hash: string;
  view: Record<string, unknown>;
  rootViewId?: string;
  previousViewId?: string;
}

function userOf(user: PlaygroundUser) {
  return { id: user.id, username: user.handle, name: user.handle, team_id: TEAM.id };
}

export function slashCommandBody(
  user: PlaygroundUser,
  text: string,
  responseUrl: string,
  triggerId: string,
  channelId: string = CHANNEL.id,
): string {
  return new URLSearchParams({
    token: TOKEN,
    command: '/migrate',
    text,
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: channelId,
    channel_name: channelId === CHANNEL.id ? CHANNEL.name : 'directmessage',
    user_id: user.id,
    user_name: user.handle,
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: triggerId,
  }).toString();
}

/** The view as Slack sends it back in a payload: with its id, hash and the state of its inputs. */
export function viewPayload(stored: StoredView, values: StateValues): Record<string, unknown> {
  return {
    ...stored.view,
    id: stored.id,
    team_id: TEAM.id,
    app_id: APP_ID,
    bot_id: 'B0FAKE001',
    hash: stored.hash,
    private_metadata: stored.view.private_metadata ?? '',
    callback_id: stored.view.callback_id ?? '',
    external_id: stored.view.external_id ?? '',
    root_view_id: stored.rootViewId ?? stored.id,
    previous_view_id: stored.previousViewId ?? null,
    state: { values },
  };
}

export type ActionSource =
  | {
      kind: 'message';
      channel: string;
      ts: string;
      isEphemeral: boolean;
      message: Record<string, unknown>;
      responseUrl: string;
    }
  | { kind: 'view'; view: StoredView };

export function blockActionsPayload(
  user: PlaygroundUser,
  source: ActionSource,
  action: Record<string, unknown>,
  values: StateValues,
  triggerId: string,
): Record<string, unknown> {
  const common = {
    type: 'block_actions',
    user: userOf(user),
    api_app_id: APP_ID,
    token: TOKEN,
    trigger_id: triggerId,
    team: TEAM,
    enterprise: null,
    is_enterprise_install: false,
    actions: [{ ...action, action_ts: (Date.now() / 1000).toFixed(6) }],
  };
  if (source.kind === 'view') {
    return {
      ...common,
      container: { type: 'view', view_id: source.view.id },
      view: viewPayload(source.view, values),
    };
  }
  return {
    ...common,
    container: {
      type: 'message',
      message_ts: source.ts,
      channel_id: source.channel,
      is_ephemeral: source.isEphemeral,
    },
    channel: { id: source.channel, name: source.channel === CHANNEL.id ? CHANNEL.name : 'directmessage' },
    // Slack includes the message only when it is a real (non-ephemeral) one.
    ...(source.isEphemeral ? {} : { message: source.message }),
    state: { values },
    response_url: source.responseUrl,
  };
}

export function viewSubmissionPayload(
  user: PlaygroundUser,
  view: StoredView,
  values: StateValues,
  triggerId: string,
): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: TEAM,
    user: userOf(user),
    api_app_id: APP_ID,
    token: TOKEN,
    trigger_id: triggerId,
    view: viewPayload(view, values),
    response_urls: [],
    enterprise: null,
    is_enterprise_install: false,
  };
}

export function viewClosedPayload(user: PlaygroundUser, view: StoredView, cleared: boolean) {
  return {
    type: 'view_closed',
    team: TEAM,
    user: userOf(user),
    api_app_id: APP_ID,
    token: TOKEN,
    view: viewPayload(view, {}),
    is_cleared: cleared,
    enterprise: null,
    is_enterprise_install: false,
  };
}

/** What Slack asks when an `external_select` needs options: the answer is the options JSON. */
export function blockSuggestionPayload(
  user: PlaygroundUser,
  view: StoredView,
  actionId: string,
  blockId: string,
  value: string,
  values: StateValues,
): Record<string, unknown> {
  return {
    type: 'block_suggestion',
    user: userOf(user),
    container: { type: 'view', view_id: view.id },
    api_app_id: APP_ID,
    token: TOKEN,
    action_id: actionId,
    block_id: blockId,
    value,
    team: TEAM,
    enterprise: null,
    is_enterprise_install: false,
    view: viewPayload(view, values),
  };
}

/** The Events API envelope around an event, sent as JSON like every event. */
function eventEnvelope(event: Record<string, unknown>): string {
  return JSON.stringify({
    token: TOKEN,
    team_id: TEAM.id,
    api_app_id: APP_ID,
    type: 'event_callback',
    event_id: `Ev${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM.id, user_id: BOT_USER_ID, is_bot: true, is_enterprise_install: false }],
    event: { ...event, event_ts: (Date.now() / 1000).toFixed(6) },
  });
}

/** Slack's `user_change` event: a person's profile (here, their language) changed. */
export function userChangeBody(user: PlaygroundUser): string {
  return eventEnvelope({ type: 'user_change', user: { id: user.id, team_id: TEAM.id, name: user.handle } });
}

export function appHomeOpenedBody(user: PlaygroundUser, home: StoredView | undefined): string {
  return eventEnvelope({
    type: 'app_home_opened',
    user: user.id,
    channel: dmChannelOf(user.id),
    tab: 'home',
    ...(home ? { view: viewPayload(home, {}) } : {}),
  });
}
