import type { AppDeps } from '../../context.js';
import type { ListenerRoutes } from '../router.js';
import { appHomeOpened } from './app-home-opened.js';
import * as installationEvents from './installation-events.js';
import { memberJoinedChannel } from './member-joined-channel.js';
import { userChange } from './user-change.js';

export function register(routes: ListenerRoutes, deps: AppDeps): void {
  routes.event('app_home_opened', appHomeOpened(deps));
  routes.event('member_joined_channel', memberJoinedChannel(deps));
  routes.event('user_change', userChange(deps));
  installationEvents.register(routes, deps);
}
