import type { App } from '@slack/bolt';
import type { AppDeps } from '../../context.js';
import { migrateCommand } from './migrate.js';

export function register(app: App, deps: AppDeps): void {
  app.command('/migrate', migrateCommand(deps));
}
