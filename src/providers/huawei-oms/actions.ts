import type { NormalizedState } from '../../domain/migration-resource.js';
import type { ResourceAction } from '../types.js';

/**
 * Only paused or failed tasks start; a running task must be paused before it can be deleted. Only a
 * migrating task pauses: seed 002 §2 "Stop a migration task that is in the Migrating state", §5.2.4
 * "a migration task that is being migrated", and OMS.0066 "Failed to pause the task. The task is not
 * in progress." A waiting task offers no Pause (its card, a picker, a workflow step, `/migrate pause`).
 */
export function actionsForTaskState(state: NormalizedState): ResourceAction[] {
  switch (state) {
    case 'running':
      return ['pause'];
    case 'queued':
      return ['delete'];
    case 'paused':
      return ['resume', 'delete'];
    case 'failed':
      return ['resume', 'retry', 'delete'];
    case 'succeeded':
      return ['delete'];
    default:
      return [];
  }
}

/**
 * Task-group rules (5.4.4–5.4.7). Pause "in the Creating or Executing state" (5.4.5; S3M.1038: "Running or
 * Monitoring"; OMS.1038: "Executing" only): 1 "executing/creating" and 2 "running monitor task", where a
 * group spends its run (a refusal at 2 comes back with its code, README). Resume only when paused; restart
 * only after creation or migration failed; no delete when Creating, Executing, Paused, nor (inferred) 2,
 * pausing or being deleted.
 */
export function actionsForTaskGroup(rawStatus: string, state: NormalizedState): ResourceAction[] {
  switch (Number(rawStatus)) {
    case 0:
      return ['delete'];
    case 1:
    case 2:
      return ['pause'];
    case 3:
      return ['resume'];
    case 4:
    case 5:
      return ['retry', 'delete'];
    case 6:
      return ['delete'];
    case 7:
    case 8:
    case 9:
      return [];
    default:
      return state === 'failed' ? ['retry'] : [];
  }
}

/** A synchronizing task can only be stopped; a stopped one started again or deleted (5.3.6–5.3.8). */
export function actionsForSyncTaskState(state: NormalizedState): ResourceAction[] {
  switch (state) {
    case 'monitoring':
      return ['pause'];
    case 'paused':
      return ['resume', 'delete'];
    default:
      return [];
  }
}
