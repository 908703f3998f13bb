import type { AppDeps } from '../../context.js';
import type { ListenerRoutes } from '../router.js';
import { migrateCommand } from './migrate.js';

export function register(routes: ListenerRoutes, _deps: AppDeps): void {
  routes.command('/migrate', migrateCommand());
}
