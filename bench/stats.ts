/** Percentiles and a markdown table row, shared by the benchmarks. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** "median (min–max)" of per-burst figures (a slow burst moves the pooled p99, not the median); "–" when none. */
export function spread(values: readonly number[] | undefined): string {
  if (!values || values.length === 0) return '–';
  return `${median(values)} (${Math.min(...values)}–${Math.max(...values)})`;
}

/** `a ÷ b` to 2 decimals, as every ratio in the report is given. */
export function ratio(a: number, b: number): number {
  return Math.round((a / b) * 100) / 100;
}

/** The ratio of two sets' medians to 2 decimals (a typical burst against a typical burst); undefined without both. */
export function medianRatio(
  values: readonly number[] | undefined,
  base: readonly number[] | undefined,
): number | undefined {
  if (!values?.length || !base?.length) return undefined;
  return ratio(median(values), median(base));
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}
