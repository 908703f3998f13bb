import type { NextStepAction } from '../../catalogue/code-classes.js';
import type { MigrationResource } from '../../domain/migration-resource.js';
import type { ResourceAction } from '../../providers/types.js';
import { explainFailure, failureMainAction } from './failure-explanation.js';

/**
 * Which buttons a card or a failure post shows and which one leads. Apart from the drawing of the
 * buttons (resource-card.ts) so that the failure's fix can name exactly the buttons drawn beside it.
 */
export interface ButtonPlan {
  /** The one main button (first; `primary` when it moves the migration), or none. */
  main?: NextStepAction;
  /** The resource's actions shown, in order: the main one first when it is one of them. */
  actions: ResourceAction[];
}

export function planButtons(
  r: Pick<MigrationResource, 'state' | 'lastError'>,
  actions: readonly ResourceAction[],
  canFixConnection?: boolean,
  steps: readonly NextStepAction[] = [],
): ButtonPlan {
  // After a failure the failure's class picks the one main button: refused keys are fixed first, by
  // an admin; a fix that needs a change first is taken on ("I'm on it", `steps`) before anyone resumes, since
  // resuming as it is fails the same way. Otherwise Resume and Retry lead, as the next step.
  const failure =
    r.lastError && explainFailure({ code: r.lastError.code, providerMessage: r.lastError.message });
  const offered: string[] = [...actions];
  if (canFixConnection) offered.push('fix-connection-keys');
  // The capabilities' buttons that offer a next step (I'm on it, on a failure).
  offered.push(...steps);
  const main = failure
    ? failureMainAction(failure, offered)
    : actions.find((a) => a === 'resume' || a === 'retry');
  // Retrying the failed objects cannot help a failure whose class says so (refused keys, a missing
  // bucket): not offered, on the card and in the post alike, where Resume restarts it once fixed. A
  // failure of no known class keeps it, and so does a failed task group: its only restart is Retry.
  const useless = (a: ResourceAction) =>
    a === 'retry' &&
    r.state === 'failed' &&
    actions.includes('resume') &&
    !!failure &&
    failure.codeClass !== 'unknown' &&
    !failure.nextStep.retryHelps;
  const kept = actions.filter((a) => !useless(a));
  const leads = kept.find((a) => a === main);
  return { main, actions: leads ? [leads, ...kept.filter((a) => a !== leads)] : kept };
}
