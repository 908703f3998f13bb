import type { AppDeps } from '../../slack/context.js';
import { actOnResource } from '../../use-cases/act-on-resource.js';
import { STEP_CALLBACKS } from './step-definitions.js';
import { refInput, stepHandler } from './step-runner.js';

/**
 * "Pause migration" / "Resume migration": the same use case as `/migrate pause|resume` and the
 * card's buttons, so the operator role is checked for the person running the workflow and the
 * action is audited and attributed ("Paused by @Ana") the same way.
 */
export function actOnMigrationStep(deps: AppDeps, action: 'pause' | 'resume') {
  return stepHandler(deps, STEP_CALLBACKS[action], async (ctx, inputs) => {
    const acted = await actOnResource(ctx, { ref: refInput(inputs) }, action);
    const now = acted.after ?? acted.resource;
    return { connection: now.connection, id: now.id, name: now.name, state: now.state };
  });
}
