/**
 * When a window is open, in its own time zone, on the watcher's clock (pure: no clock is read here).
 * Wall times are turned into instants day by day with `Intl.DateTimeFormat`, so a window at 01:30
 * in a zone that moves its clocks opens at 01:30 on both sides of the change, and a time the change
 * skips (02:30 on a spring-forward night) opens as late as the clocks jumped (03:30).
 */

/** Days of the week as `Date#getUTCDay` counts them: 0 is Sunday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface WindowTimes {
  /** The days an occurrence starts on (one crossing midnight ends the next day). */
  days: readonly Weekday[];
  /** Minutes after local midnight. `end <= start` crosses midnight. */
  start: number;
  end: number;
  /** IANA time zone. */
  zone: string;
}

export interface Occurrence {
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether `zone` is a time zone this runtime knows (a typo must be refused, not read as UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's name as its runtime spells it (`asia/seoul` → `Asia/Seoul`). */
export function canonicalZone(zone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}

/** The wall clock in `zone` at `ms`, as if it were UTC (its offset is the difference). */
function wallAsUtc(ms: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

function offsetAt(ms: number, zone: string): number {
  return wallAsUtc(Math.floor(ms / 1000) * 1000, zone) - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant the wall clock in `zone` reads `localMs` (a wall time written as UTC). Two offsets are
 * tried, the one before and the one after: in a skipped hour the later instant is taken (the
 * window opens when the clock resumes), in a repeated hour the first.
 */
export function instantOf(localMs: number, zone: string): number {
  const first = localMs - offsetAt(localMs, zone);
  const second = localMs - offsetAt(first, zone);
  if (wallAsUtc(second, zone) === localMs) return Math.min(first, second);
  if (wallAsUtc(first, zone) === localMs) return first;
  // Skipped: the wall time does not exist; the first instant after the change.
  return Math.max(first, second);
}

/** The local calendar day (as UTC midnight of that date) `ms` falls on in `zone`. */
function localDay(ms: number, zone: string): number {
  const wall = wallAsUtc(ms, zone);
  return wall - (((wall % DAY_MS) + DAY_MS) % DAY_MS);
}

/**
 * Occurrences starting within a few days of `at`, in order. A week and a day back: a window on one
 * day a week still finds its last end after any downtime (its end is the edge that applies then).
 */
export function occurrencesAround(
  times: WindowTimes,
  at: number,
  daysBefore = 8,
  daysAfter = 8,
): Occurrence[] {
  const today = localDay(at, times.zone);
  const found: Occurrence[] = [];
  for (let d = -daysBefore; d <= daysAfter; d++) {
    const day = today + d * DAY_MS;
    if (!times.days.includes(new Date(day).getUTCDay() as Weekday)) continue;
    const endDay = times.end <= times.start ? day + DAY_MS : day;
    found.push({
      start: instantOf(day + times.start * 60_000, times.zone),
      end: instantOf(endDay + times.end * 60_000, times.zone),
    });
  }
  return found;
}

export interface WindowNow {
  /** The occurrence `at` is inside, if any. */
  current?: Occurrence;
  /** The last occurrence that ended at or before `at` (none only for a window with no days). */
  last?: Occurrence;
  /** The next occurrence to start after `at`. */
  next?: Occurrence;
}

export function windowAt(times: WindowTimes, at: number): WindowNow {
  const all = occurrencesAround(times, at);
  const now: WindowNow = {};
  for (const o of all) {
    if (o.start <= at && at < o.end) now.current = o;
    if (o.end <= at && (!now.last || o.end > now.last.end)) now.last = o;
    if (o.start > at && !now.next) now.next = o;
  }
  return now;
}

const DAY_NAMES: Record<string, Weekday> = {
  sun: 0,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
};

/** `daily`, `weekdays`, `weekends`, `mon-fri`, `fri-mon`, `sat,sun`, `mon,wed-fri`; undefined if not that. */
export function parseDays(typed: string): Weekday[] | undefined {
  const word = typed.toLowerCase();
  if (word === 'daily' || word === 'everyday' || word === 'every-day') return [0, 1, 2, 3, 4, 5, 6];
  if (word === 'weekdays') return [1, 2, 3, 4, 5];
  if (word === 'weekends') return [0, 6];
  const days = new Set<Weekday>();
  for (const part of word.split(',')) {
    const m = /^([a-z]{3})[a-z]*(?:-([a-z]{3})[a-z]*)?$/.exec(part);
    const from = m ? DAY_NAMES[m[1]!] : undefined;
    const to = m?.[2] === undefined ? from : DAY_NAMES[m[2]];
    if (from === undefined || to === undefined) return undefined;
    // A range may wrap the week: `fri-mon` is Friday to Monday.
    for (let d = from; ; d = ((d + 1) % 7) as Weekday) {
      days.add(d);
      if (d === to) break;
    }
  }
  return [...days].sort();
}

/** `22:00-06:00` → minutes after midnight; undefined if not that. Equal ends are refused (no length). */
export function parseSpan(typed: string): { start: number; end: number } | undefined {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)-+([01]?\d|2[0-3]|24):([0-5]\d)$/.exec(typed);
  if (!m) return undefined;
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = (Number(m[3]) * 60 + Number(m[4])) % (24 * 60);
  if (Number(m[3]) === 24 && Number(m[4]) !== 0) return undefined;
  return start === end ? undefined : { start, end };
}

/** `09:05`. */
export function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** How the days read back, in the words they can be typed with (`weekdays`, `mon,wed-fri`). */
export function daysWord(days: readonly Weekday[]): string {
  const key = [...days].sort().join('');
  if (key === '0123456') return 'daily';
  if (key === '12345') return 'weekdays';
  if (key === '06') return 'weekends';
  const names = Object.keys(DAY_NAMES);
  return [...days]
    .sort()
    .map((d) => names[d])
    .join(',');
}
