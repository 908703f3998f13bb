import type { Capability } from '../../contract/capability.js';
import { actOnMigrationStep } from './act-on-migration.js';
import { migrationStatusStep } from './migration-status.js';
import { requestMigrationStep } from './request-migration.js';
import { STEP_CALLBACKS } from './step-definitions.js';

/**
 * Workflow Builder steps (`functions` in manifest.yml): one listener per step's callback_id, each
 * the same use case as its command or button, run as the person running the workflow. It keeps no
 * state: a requested migration's step is completed by the approvals when an approver decides.
 */
export const workflowSteps: Capability = {
  name: 'workflow-steps',
  start: () => ({
    listeners: (routes, deps) => {
      routes.function(STEP_CALLBACKS.status, migrationStatusStep(deps));
      routes.function(STEP_CALLBACKS.pause, actOnMigrationStep(deps, 'pause'));
      routes.function(STEP_CALLBACKS.resume, actOnMigrationStep(deps, 'resume'));
      routes.function(STEP_CALLBACKS.request, requestMigrationStep(deps));
    },
  }),
};
