import type { ListenerRoutes } from '../../../contract/listeners.js';
import type { AppDeps } from '../../context.js';
import { appHomeOpened } from './app-home-opened.js';
import * as installationEvents from './installation-events.js';
import { memberJoinedChannel } from './member-joined-channel.js';
import { userChange } from './user-change.js';

/**
 * Slack's own notices, not a person asking for something: the bot was invited to a channel, a
 * profile changed, the app was removed or its tokens revoked. No role applies to them (each changes
 * only what Slack told); every other entry point asks the policy, as the seam test checks.
 */
export const SLACK_NOTICES = [
  'member_joined_channel',
  'user_change',
  'app_uninstalled',
  'tokens_revoked',
] as const;

export function register(routes: ListenerRoutes, deps: AppDeps): void {
  routes.event('app_home_opened', appHomeOpened(deps));
  routes.event('member_joined_channel', memberJoinedChannel(deps));
  routes.event('user_change', userChange(deps));
  installationEvents.register(routes, deps);
}
