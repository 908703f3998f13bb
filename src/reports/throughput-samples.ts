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
}

/** Throughput between consecutive samples, placed at the end of each interval. */
export function ratesOf(series: readonly ThroughputSample[]): RatePoint[] {
  const first = series[0];
  if (!first) return [];
  const rates: RatePoint[] = [];
  for (let i = 1; i < series.length; i++) {
    const a = series[i - 1]!;
    const b = series[i]!;
    const seconds = (b.at - a.at) / 1000;
    if (seconds <= 0) continue;
    rates.push({
      elapsedSeconds: (b.at - first.at) / 1000,
      bytesPerSecond: Math.max(0, (b.bytes - a.bytes) / seconds),
    });
  }
  return rates;
}
