import type { App } from '@slack/bolt';
import type { AppDeps } from '../../context.js';
import { appHomeOpened } from './app-home-opened.js';
import * as installationEvents from './installation-events.js';

export function register(app: App, deps: AppDeps): void {
  app.event('app_home_opened', appHomeOpened(deps));
  installationEvents.register(app, deps);
}
