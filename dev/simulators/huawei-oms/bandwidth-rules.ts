/**
 * Traffic-limiting rules as seed 002 states them (Tables 5-43/5-63/5-68/5-135/5-175 and 5.2.3): at
 * most five windows, `start` and `end` as `hh:mm`, windows that do not overlap (a window may wrap
 * past midnight), `max_bandwidth` from 1,048,576 to 209,715,200 bytes/s; each refusal with its
 * catalogue code (OMS.0083 too many, OMS.0084 bandwidth out of range, OMS.0085 overlap, OMS.0087
 * a bad time). Written for the simulator from the seed; the client keeps its own copy.
 */
const MAX_WINDOWS = 5;
const MIN_BYTES_PER_SECOND = 1_048_576;
const MAX_BYTES_PER_SECOND = 209_715_200;
const DAY = 24 * 60;

export function bandwidthProblem(
  policies: readonly unknown[],
): { code: string; message: string } | undefined {
  if (policies.length > MAX_WINDOWS)
    return { code: 'OMS.0083', message: `at most ${MAX_WINDOWS} traffic-limiting rules are allowed` };
  const minutes: [number, number][] = [];
  for (const [i, raw] of policies.entries()) {
    const policy = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const start = hhmm(policy.start);
    const end = hhmm(policy.end);
    if (start === undefined || end === undefined || start === end)
      return { code: 'OMS.0087', message: `rule ${i + 1}: start and end must be different hh:mm times` };
    const max = policy.max_bandwidth;
    if (
      typeof max !== 'number' ||
      !Number.isInteger(max) ||
      max < MIN_BYTES_PER_SECOND ||
      max > MAX_BYTES_PER_SECOND
    )
      return {
        code: 'OMS.0084',
        message: `rule ${i + 1}: max_bandwidth must be 1048576 to 209715200 bytes/s`,
      };
    // A window that wraps past midnight is two pieces of the day.
    if (start < end) minutes.push([start, end]);
    else minutes.push([start, DAY], [0, end]);
  }
  minutes.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < minutes.length; i++)
    if (minutes[i]![0] < minutes[i - 1]![1])
      return { code: 'OMS.0085', message: 'the time segments overlap' };
  return undefined;
}

function hhmm(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}
