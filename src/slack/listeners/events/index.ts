import type { App } from '@slack/bolt';
import type { AppDeps } from '../../context.js';
import { appHomeOpened } from './app-home-opened.js';
import * as installationEvents from './installation-events.js';
import { memberJoinedChannel } from './member-joined-channel.js';
import { userChange } from './user-change.js';

export function register(app: App, deps: AppDeps): void {
  app.event('app_home_opened', appHomeOpened(deps));
  app.event('member_joined_channel', memberJoinedChannel(deps));
  app.event('user_change', userChange(deps));
  installationEvents.register(app, deps);
}
