import type { App } from '@slack/bolt';
import type { AppDeps } from '../../context.js';
import { actOnMigrationStep } from './act-on-migration.js';
import { migrationStatusStep } from './migration-status.js';
import { requestMigrationStep } from './request-migration.js';
import { STEP_CALLBACKS } from './step-definitions.js';

/** Workflow Builder steps (`functions` in manifest.yml): one listener per step's callback_id. */
export function register(app: App, deps: AppDeps): void {
  app.function(STEP_CALLBACKS.status, migrationStatusStep(deps));
  app.function(STEP_CALLBACKS.pause, actOnMigrationStep(deps, 'pause'));
  app.function(STEP_CALLBACKS.resume, actOnMigrationStep(deps, 'resume'));
  app.function(STEP_CALLBACKS.request, requestMigrationStep(deps));
}
