import type { App } from '@slack/bolt';
import type { AppDeps } from '../../context.js';
import { appHomeOpened } from './app-home-opened.js';
import * as installationEvents from './installation-events.js';
import { memberJoinedChannel } from './member-joined-channel.js';

export function register(app: App, deps: AppDeps): void {
  app.event('app_home_opened', appHomeOpened(deps));
  app.event('member_joined_channel', memberJoinedChannel(deps));
  installationEvents.register(app, deps);
}
