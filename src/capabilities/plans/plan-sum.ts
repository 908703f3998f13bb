import type { PreflightRecord } from '../preflight-record.js';
import type { PlannedCreate } from './plan-types.js';

const GIB = 1024 ** 3;

/** The pre-flight of some planned migrations added up: what is known, and how many say nothing. */
export interface PreflightSum {
  count: number;
  objects: number;
  bytes: number;
  /** How many have no size (a listing that failed, or none offered): the figures leave them out. */
  unsized: number;
  /** Seconds at the caps: a wave's longest (its migrations run side by side), the plan's its waves' sum. */
  seconds?: number;
  /** How many have no cap (no time at the caps can be said for them). */
  uncapped: number;
  /** Egress cost in dollars, where the connection has a price. */
  cost?: number;
}

export interface PlanSums {
  waves: ({ n: number } & PreflightSum)[];
  total: PreflightSum;
}

/** One planned migration's pre-flight as figures (the same the approval card shows for a single request). */
export function figuresOf(p: PreflightRecord | undefined): {
  objects?: number;
  bytes?: number;
  seconds?: number;
  cost?: number;
} {
  const size = p?.size;
  if (!size || size.basis === 'unknown') return {};
  return {
    objects: size.objects,
    bytes: size.bytes,
    ...(p.bandwidth ? { seconds: size.bytes / p.bandwidth } : {}),
    ...(p.egressPricePerGiB ? { cost: (size.bytes / GIB) * p.egressPricePerGiB } : {}),
  };
}

function sumOf(planned: readonly PlannedCreate[], time: (seconds: number[]) => number): PreflightSum {
  const figures = planned.map((x) => figuresOf(x.preflight));
  const seconds = figures.flatMap((f) => (f.seconds !== undefined ? [f.seconds] : []));
  const costs = figures.flatMap((f) => (f.cost !== undefined ? [f.cost] : []));
  return {
    count: planned.length,
    objects: figures.reduce((t, f) => t + (f.objects ?? 0), 0),
    bytes: figures.reduce((t, f) => t + (f.bytes ?? 0), 0),
    unsized: figures.filter((f) => f.bytes === undefined).length,
    uncapped: figures.length - seconds.length,
    ...(seconds.length > 0 ? { seconds: time(seconds) } : {}),
    ...(costs.length > 0 ? { cost: costs.reduce((t, c) => t + c, 0) } : {}),
  };
}

/** The pre-flight summed over the plan's planned migrations, per wave and in total (pure). */
export function sumPlanned(planned: readonly PlannedCreate[]): PlanSums {
  const numbers = [...new Set(planned.map((x) => x.wave))].sort((a, b) => a - b);
  const waves = numbers.map((n) => ({
    n,
    ...sumOf(
      planned.filter((x) => x.wave === n),
      (s) => Math.max(...s),
    ),
  }));
  const total = sumOf(planned, () => 0);
  const timed = waves.flatMap((w) => (w.seconds !== undefined ? [w.seconds] : []));
  if (timed.length > 0) total.seconds = timed.reduce((t, s) => t + s, 0);
  else delete total.seconds;
  return { waves, total };
}
