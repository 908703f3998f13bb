import type { ResourceKind } from '../../domain/migration-resource.js';

/** A plan holds at most this many resources (sized for an estate of 200 buckets). */
export const MAX_PLAN_RESOURCES = 200;
/** And at most this many waves. */
export const MAX_WAVES = 20;
/** Plans a workspace keeps (open or ended, until cancelled ones are forgotten). */
export const MAX_PLANS = 50;

/** A resource of a plan, as it was resolved when added. */
export interface PlanResource {
  connection: string;
  kind: ResourceKind;
  id: string;
  name: string;
  /** The provider it is on (`upcloud` jobs have states only and cannot be paused). */
  provider: string;
  wave: number;
  by: string;
  at: number;
}

/**
 * When a wave may start: after the wave before it has succeeded (or been signed off), `hours`
 * later; or at an instant (epoch ms) typed with its time zone.
 */
export type Gate =
  | { kind: 'after'; of: 'succeeded' | 'signed-off'; hours: number }
  | { kind: 'at'; at: number; zone: string };

/** A wave's gate and where it stands; a wave with no entry has the default gate and is closed. */
export interface WaveMark {
  gate?: Gate;
  /** When the condition of an `after` gate was first seen met (the wait counts from here). */
  metAt?: number;
  /** When it opened: once, by one compare-and-set on the plan record. */
  openedAt?: number;
  /** Its resources still to be started (resumed), each taken off before it is started. */
  pending?: string[];
  /** When every resource in it was first seen succeeded (its duration ends here). */
  doneAt?: number;
  /** The rules refused to start what it has pending (a freeze): said once, tried again each pass. */
  held?: { key: string; values: Record<string, string | number>; at: number };
}

export type PlanStatus = 'draft' | 'running' | 'paused' | 'cancelled' | 'ended';

/** What the plan paused (Pause plan): only these are resumed by Resume plan. */
export interface PlanPaused {
  refs: string[];
  by: string;
  from: number;
  to: number;
}

export interface Plan {
  /** `p` and six hex digits. */
  id: string;
  teamId: string;
  channel: string;
  name: string;
  owner: string;
  createdAt: number;
  status: PlanStatus;
  resources: PlanResource[];
  waves: Record<string, WaveMark>;
  paused?: PlanPaused;
  /** Who signed the ended plan off (never its owner), once. */
  signedOff?: { by: string; at: number };
  /** Who ended it and when (cancelled), for the card. */
  closed?: { by: string; at: number };
}

/** A resource as the plan names it across its records: `connection/kind/id`. */
export function refOf(r: Pick<PlanResource, 'connection' | 'kind' | 'id'>): string {
  return `${r.connection}/${r.kind}/${r.id}`;
}

/** The waves that hold resources, in order. */
export function wavesOf(plan: Pick<Plan, 'resources'>): number[] {
  return [...new Set(plan.resources.map((r) => r.wave))].sort((a, b) => a - b);
}

/** The gate that applies to wave `n`: its own, else wave 1 at the start and the others after the one before. */
export function gateOf(plan: Pick<Plan, 'waves'>, n: number): Gate | undefined {
  const own = plan.waves[String(n)]?.gate;
  if (own) return own;
  return n === 1 ? undefined : { kind: 'after', of: 'succeeded', hours: 0 };
}

/** True while the plan may still change what it runs. */
export function isOpen(plan: Pick<Plan, 'status'>): boolean {
  return plan.status === 'draft' || plan.status === 'running' || plan.status === 'paused';
}
