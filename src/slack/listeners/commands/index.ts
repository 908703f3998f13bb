import type { ListenerRoutes } from '../../../contract/listeners.js';
import type { AppDeps } from '../../context.js';
import { migrateCommand } from './migrate.js';

export function register(routes: ListenerRoutes, _deps: AppDeps): void {
  routes.command('/migrate', migrateCommand());
}
