import type { AppDeps } from '../../context.js';
import type { ListenerRoutes } from '../router.js';
import { actOnMigrationStep } from './act-on-migration.js';
import { migrationStatusStep } from './migration-status.js';
import { requestMigrationStep } from './request-migration.js';
import { STEP_CALLBACKS } from './step-definitions.js';

/** Workflow Builder steps (`functions` in manifest.yml): one listener per step's callback_id. */
export function register(routes: ListenerRoutes, deps: AppDeps): void {
  routes.function(STEP_CALLBACKS.status, migrationStatusStep(deps));
  routes.function(STEP_CALLBACKS.pause, actOnMigrationStep(deps, 'pause'));
  routes.function(STEP_CALLBACKS.resume, actOnMigrationStep(deps, 'resume'));
  routes.function(STEP_CALLBACKS.request, requestMigrationStep(deps));
}
