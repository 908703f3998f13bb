import type { ResourceKind } from '../../domain/migration-resource.js';
import type { PreflightRecord } from '../preflight-record.js';

/** The capability's name: its fact on watches, its posts, its jobs' prefix. */
export const CAPABILITY = 'plans';

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
  /** Its planned migrations still to be created (keys), each taken off before it is handed to approvals. */
  creates?: string[];
}

/**
 * A planned migration: a create request kept with the plan (New migration in this plan), approved
 * with the whole plan, and created when its wave opens, through the approvals' scheduled start.
 */
export interface PlannedCreate {
  /** `n` and six hex digits. */
  key: string;
  connection: string;
  provider: string;
  kind: ResourceKind;
  /** As typed (the request's name or its source). */
  name: string;
  /** The provider's validated create request (never a key). */
  request: Record<string, unknown>;
  wave: number;
  by: string;
  at: number;
  /** Its pre-flight, run when it was added (summed over the plan when it is submitted). */
  preflight?: PreflightRecord;
  /** The approved request it was handed to when its wave opened: created from there, once. */
  approval?: string;
  /** Creating it failed (the approved request says why): it holds its wave. */
  failed?: boolean;
}

/** The plan's own approval: submitted by its owner, approved by someone else, or withdrawn by an edit. */
export interface PlanApproval {
  state: 'pending' | 'approved' | 'rejected' | 'withdrawn';
  /** Who submitted it (never its approver), and when. */
  by: string;
  at: number;
  /** Each submission's number: a click on an older one's post is refused. */
  round: number;
  decidedBy?: string;
  decidedAt?: number;
  /** Approvers counted so far, when a rule asks for more than one. */
  votes?: string[];
  /** How many approvers the rules ask for (at least one). */
  needs?: number;
  /** What withdrew it (an edit after submission), and who made it. */
  withdrawn?: { by: string; at: number; what: string };
  /** The approvals channel its request went to. */
  channel?: string;
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
  signedOff?: { by: string; at: number; note?: string };
  /** Who ended it and when (cancelled), for the card. */
  closed?: { by: string; at: number };
  /** New migrations planned in it, created once approved and their wave opens. */
  planned?: PlannedCreate[];
  approval?: PlanApproval;
}

/** A resource as the plan names it across its records: `connection/kind/id`. */
export function refOf(r: Pick<PlanResource, 'connection' | 'kind' | 'id'>): string {
  return `${r.connection}/${r.kind}/${r.id}`;
}

/** The waves that hold resources, in order. */
export function wavesOf(plan: Pick<Plan, 'resources'> & Pick<Partial<Plan>, 'planned'>): number[] {
  const waves = [...plan.resources.map((r) => r.wave), ...waiting(plan).map((p) => p.wave)];
  return [...new Set(waves)].sort((a, b) => a - b);
}

/** Planned migrations not yet created (once created, they are the plan's resources). */
export function waiting(plan: Pick<Partial<Plan>, 'planned'>): PlannedCreate[] {
  return plan.planned ?? [];
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
