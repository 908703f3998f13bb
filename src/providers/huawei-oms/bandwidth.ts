import type { BandwidthWindow } from '../types.js';

/**
 * Traffic-limiting rules (BandwidthPolicyDto, seed 002 Tables 5-43, 5-63, 5-68, 5-135, 5-175): at most
 * five `hh:mm` periods that do not overlap, each limited to 1,048,576..209,715,200 bytes/s. The client
 * checks them before sending and the simulator answers with the matching OMS.008x code, so both use
 * this one implementation.
 */
export const MAX_BANDWIDTH_WINDOWS = 5;
export const MIN_MAX_BANDWIDTH = 1_048_576;
export const MAX_MAX_BANDWIDTH = 209_715_200;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MINUTES = 24 * 60;

export interface BandwidthPolicyLike {
  start?: unknown;
  end?: unknown;
  max_bandwidth?: unknown;
}

/** The OMS error code the service gives for each kind of bad rule (§6.2). */
export type BandwidthProblemCode = 'OMS.0083' | 'OMS.0084' | 'OMS.0085' | 'OMS.0087';

export interface BandwidthProblem {
  code: BandwidthProblemCode;
  /** Path below the `bandwidth_policy` array (`[1, 'start']`), empty for the array itself. */
  path: (string | number)[];
  message: string;
  /** The message's words (`form.huawei-oms.error.bandwidth.*`), for the create form's readers. */
  words: { key: string; values: Record<string, string | number> };
}

/** Minutes since midnight, or undefined when not `hh:mm`. */
export function parseHhMm(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = HH_MM.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * Half-open minute ranges covered by a window. A window whose end is before its start runs past
 * midnight (22:00–06:00); the seed does not say whether OMS allows that, so it is accepted and split
 * in two for the overlap check (inferred, see README).
 */
function segments(start: number, end: number): [number, number][] {
  return end > start
    ? [[start, end]]
    : [
        [start, DAY_MINUTES],
        [0, end],
      ];
}

function said(rule: string, values: Record<string, string | number>): BandwidthProblem['words'] {
  return { key: `form.huawei-oms.error.bandwidth.${rule}`, values };
}

/** The first problem with these rules, or undefined when OMS would accept them. */
export function bandwidthProblem(policies: readonly BandwidthPolicyLike[]): BandwidthProblem | undefined {
  if (policies.length > MAX_BANDWIDTH_WINDOWS) {
    return {
      code: 'OMS.0083',
      path: [],
      message: `at most ${MAX_BANDWIDTH_WINDOWS} traffic-limiting windows are allowed (got ${policies.length})`,
      words: said('tooMany', { max: MAX_BANDWIDTH_WINDOWS, got: policies.length }),
    };
  }
  const ranges: { index: number; label: string; parts: [number, number][] }[] = [];
  for (const [index, policy] of policies.entries()) {
    const start = parseHhMm(policy.start);
    const end = parseHhMm(policy.end);
    for (const [field, value] of [
      ['start', start],
      ['end', end],
    ] as const) {
      if (value === undefined) {
        return {
          code: 'OMS.0087',
          path: [index, field],
          message: `window ${index + 1}: ${field} must be a time in hh:mm format, for example 12:03`,
          words: said('time', { n: index + 1, field }),
        };
      }
    }
    if (start === end) {
      return {
        code: 'OMS.0087',
        path: [index, 'end'],
        message: `window ${index + 1}: start and end must differ`,
        words: said('same', { n: index + 1 }),
      };
    }
    const max = policy.max_bandwidth;
    if (
      typeof max !== 'number' ||
      !Number.isInteger(max) ||
      max < MIN_MAX_BANDWIDTH ||
      max > MAX_MAX_BANDWIDTH
    ) {
      return {
        code: 'OMS.0084',
        path: [index, 'max_bandwidth'],
        // Said as the form's grammar says it (`=200MB/s`): `max_bandwidth` is OMS's name, not theirs.
        message:
          `window ${index + 1}: the rate must be from 1 MB/s to 200 MB/s ` +
          `(${MIN_MAX_BANDWIDTH} to ${MAX_MAX_BANDWIDTH} bytes/s)`,
        words: said('speed', {
          n: index + 1,
          min: String(MIN_MAX_BANDWIDTH),
          max: String(MAX_MAX_BANDWIDTH),
        }),
      };
    }
    ranges.push({
      index,
      label: `${String(policy.start)}–${String(policy.end)}`,
      parts: segments(start as number, end as number),
    });
  }
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const a = ranges[i]!;
      const b = ranges[j]!;
      const overlap = a.parts.some(([as, ae]) => b.parts.some(([bs, be]) => as < be && bs < ae));
      if (overlap) {
        return {
          code: 'OMS.0085',
          path: [b.index],
          message: `windows ${a.index + 1} (${a.label}) and ${b.index + 1} (${b.label}) overlap`,
          words: said('overlap', { a: a.index + 1, aLabel: a.label, b: b.index + 1, bLabel: b.label }),
        };
      }
    }
  }
  return undefined;
}

/** The bot's `BandwidthWindow` as OMS's BandwidthPolicyDto. */
/** The rules a task or group shows (ShowTask / ShowTaskGroup `bandwidth_policy`), as windows. */
export function fromBandwidthPolicies(
  policies:
    | readonly { start?: string | null; end?: string | null; max_bandwidth?: number | null }[]
    | null
    | undefined,
): BandwidthWindow[] {
  return (policies ?? []).flatMap((p) =>
    p.start && p.end && p.max_bandwidth
      ? [{ start: p.start, end: p.end, maxBytesPerSecond: p.max_bandwidth }]
      : [],
  );
}

export function toBandwidthPolicy(window: BandwidthWindow): {
  start: string;
  end: string;
  max_bandwidth: number;
} {
  return { start: window.start, end: window.end, max_bandwidth: window.maxBytesPerSecond };
}
