import { ForbiddenError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ResourceTarget, TimeWindow, WindowStore } from './window-store.js';

/** What a window was refused: pausing or capping at a start, resuming at an end. */
export type RefusedAction = 'pause' | 'cap' | 'resume';

/** Told of a refusal once per edge: audits it and says it in each resource's thread. */
export type RefusalTeller = (
  window: TimeWindow,
  teamId: string,
  edge: string,
  action: RefusedAction,
  left: readonly ResourceTarget[],
  why: ForbiddenError,
) => Promise<void>;

/**
 * The policy's answer to a window's setter at one edge. It is one person's in one scope, so once
 * it refuses, the rest of what the edge covers is left as it is without asking again.
 */
export class EdgeRefusal {
  why: ForbiddenError | undefined;
  readonly left: ResourceTarget[] = [];

  /** Whether `error` is the policy's refusal: then `r` is left as it is. */
  caught(r: ResourceTarget, error: unknown): boolean {
    if (!(error instanceof ForbiddenError)) return false;
    this.why = error;
    this.left.push(r);
    return true;
  }

  /** Once refused, `r` is left as it is too (true) and nothing more is asked. */
  skips(r: ResourceTarget): boolean {
    if (this.why) this.left.push(r);
    return this.why !== undefined;
  }

  /**
   * Tells the refusal once per edge, however many passes are refused it: `WindowStore.refuse`
   * marks the edge for exactly one caller across passes and replicas.
   */
  async tell(
    d: { windows: WindowStore; refused?: RefusalTeller; logger: Logger },
    teamId: string,
    w: TimeWindow,
    edge: string,
    action: RefusedAction,
  ): Promise<void> {
    if (!this.why) return;
    if (!d.refused || !(await d.windows.refuse(teamId, w.id, edge))) return;
    d.logger.warn({ window: w.id, edge, by: w.by, action }, 'window refused by the policy; told once');
    await d.refused(w, teamId, edge, action, this.left, this.why);
  }
}
