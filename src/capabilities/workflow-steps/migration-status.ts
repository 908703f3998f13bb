import type { MigrationResource } from '../../domain/migration-resource.js';
import type { AppDeps } from '../../slack/context.js';
import { showResource } from '../../use-cases/show-resource.js';
import { STEP_CALLBACKS } from './step-definitions.js';
import { refInput, stepHandler } from './step-runner.js';

/** "Get migration status": the same use case as `/migrate status` and a card's Refresh. */
export function migrationStatusStep(deps: AppDeps) {
  return stepHandler(deps, STEP_CALLBACKS.status, async (ctx, inputs) => {
    const shown = await showResource(ctx, { ref: refInput(inputs) });
    return statusOutputs(shown.resource);
  });
}

/**
 * A resource as step outputs. Figures the provider did not give are left out (Workflow Builder
 * shows them empty) rather than sent as 0, which would read as "nothing moved".
 */
export function statusOutputs(resource: MigrationResource): Record<string, string | number> {
  const outputs: Record<string, string | number> = {
    connection: resource.connection,
    id: resource.id,
    name: resource.name,
    state: resource.state,
  };
  if (resource.progress !== undefined) outputs.percent = Math.round(resource.progress * 1000) / 10;
  if (resource.bytes.done !== undefined) outputs.bytes_done = resource.bytes.done;
  if (resource.bytes.total !== undefined) outputs.bytes_total = resource.bytes.total;
  return outputs;
}
