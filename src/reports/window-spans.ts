import { type Occurrence, type Weekday, windowAt } from '../time/zoned-time.js';

/** A pause window's schedule, as a watch record's window fact carries it (window-fact.ts). */
export interface WindowSpans {
  name: string;
  /** Weekdays it acts on (0 is Sunday), in `zone`. */
  days: number[];
  /** Minutes after local midnight; `end <= start` crosses midnight. */
  start: number;
  end: number;
  zone: string;
  /** The start (ms) of an occurrence skipped: it pauses nothing. */
  skip?: number;
}

/** At most this many paused spans are stepped through (fourteen weeks of weekday windows). */
const MAX_SPANS = 100;

/** The first paused span of `w` at or after `t`, leaving out a skipped one and one holding at `now`. */
function nextSpan(w: WindowSpans, t: number, now: number): Occurrence | undefined {
  const times = { days: w.days as Weekday[], start: w.start, end: w.end, zone: w.zone };
  let { current, next } = windowAt(times, t);
  // One under way as the figures were read did not pause it (a person resumed it, or it started
  // inside): the pace already says how it moves there.
  const passes = (o: Occurrence | undefined) =>
    o !== undefined && (o.start === w.skip || (o.start <= now && now < o.end));
  if (passes(current)) current = undefined;
  for (let i = 0; i < 3 && !current && passes(next); i++) next = windowAt(times, next!.end).next;
  if (current) return { start: t, end: current.end };
  return passes(next) ? undefined : next;
}

/**
 * When `activeMs` of work started at `now` ends if it stops during each window's occurrences (the
 * windows' own zones and days, across midnight and DST as window-time.ts reads them), and which
 * windows it stopped for. Bounded: past MAX_SPANS paused spans the rest is counted without pauses.
 */
export function pausedEnd(
  now: number,
  activeMs: number,
  windows: readonly WindowSpans[],
): { at: number; pausedBy: WindowSpans[] } {
  let t = now;
  let left = Math.max(0, activeMs);
  const pausedBy = new Set<WindowSpans>();
  for (let i = 0; i < MAX_SPANS; i++) {
    let soonest: { span: Occurrence; w: WindowSpans } | undefined;
    for (const w of windows) {
      const span = nextSpan(w, t, now);
      if (span && (!soonest || span.start < soonest.span.start)) soonest = { span, w };
    }
    if (!soonest || t + left <= soonest.span.start) break;
    left -= Math.max(0, soonest.span.start - t);
    t = Math.max(t, soonest.span.end);
    pausedBy.add(soonest.w);
  }
  return { at: t + left, pausedBy: [...pausedBy] };
}
