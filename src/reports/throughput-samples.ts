/**
 * Bytes done over time, as the watcher sees them once per poll: a bounded series per watched
 * resource, from which the completion report computes throughput and draws its chart. Bounded by
 * thinning (every other sample dropped when full), so a week-long task keeps its whole shape in
 * `MAX_SAMPLES` points at the cost of resolution, and memory per watch stays fixed.
 */
export interface ThroughputSample {
  /** Watcher clock, ms. */
  at: number;
  /** Bytes done at that moment. */
  bytes: number;
}

export const MAX_SAMPLES = 240;

/** The series with `sample` added: ignores a sample that goes back in time or repeats the last one. */
export function addSample(
  series: readonly ThroughputSample[],
  sample: ThroughputSample,
  max = MAX_SAMPLES,
): ThroughputSample[] {
  const last = series.at(-1);
  if (last && (sample.at <= last.at || !Number.isFinite(sample.bytes))) return [...series];
  const next = [...series, sample];
  if (next.length <= max) return next;
  // Keep the first and the newest; drop every other one in between.
  const thinned = next.filter((_, i) => i === 0 || i === next.length - 1 || i % 2 === 0);
  return thinned.length <= max ? thinned : thinned.slice(thinned.length - max);
}

export interface RatePoint {
  /** Seconds since the first sample. */
  elapsedSeconds: number;
  bytesPerSecond: number;
  /**
   * Nobody measured this interval (the watcher or the provider was down): it is many times the
   * usual one between polls and bytes moved in it, so its average would flatten an outage into a
   * slow stretch.
   */
  gap?: true;
}

/** An interval this many times the usual one between samples, and at least GAP_MIN_MS, is a gap. */
const GAP_FACTOR = 4;
const GAP_MIN_MS = 5 * 60_000;

/** Throughput between consecutive samples, placed at the end of each interval; gaps marked. */
export function ratesOf(series: readonly ThroughputSample[]): RatePoint[] {
  const first = series[0];
  if (!first) return [];
  const steps = series
    .slice(1)
    .map((b, i) => b.at - series[i]!.at)
    .filter((ms) => ms > 0);
  const usual = steps.length > 0 ? [...steps].sort((x, y) => x - y)[Math.floor(steps.length / 2)]! : 0;
  const rates: RatePoint[] = [];
  for (let i = 1; i < series.length; i++) {
    const a = series[i - 1]!;
    const b = series[i]!;
    const ms = b.at - a.at;
    if (ms <= 0) continue;
    // Nothing moved over a long interval is a measured stall (0 B/s), not a gap.
    const gap = steps.length >= 3 && ms >= GAP_MIN_MS && ms > GAP_FACTOR * usual && b.bytes > a.bytes;
    rates.push({
      elapsedSeconds: (b.at - first.at) / 1000,
      bytesPerSecond: Math.max(0, (b.bytes - a.bytes) / (ms / 1000)),
      ...(gap ? { gap: true as const } : {}),
    });
  }
  return rates;
}
