import { type Occurrence, type Weekday, type WindowTimes, windowAt } from '../../time/zoned-time.js';
import type { TimeWindow } from './window-store.js';

/**
 * The edge a window says applies at `now`: inside an occurrence, its start (or, when that
 * occurrence is skipped, the skip, which acts as an end); outside, the last end. Acting on the
 * edge named here, once, puts everything in the state the window says, however long the bot was
 * away: a restart in the middle of an occurrence finds its start edge still to do (or done).
 */
export interface DueEdge {
  /** Unique per window and occurrence: `start:<ms>`, `end:<ms>`, `skip:<ms>`. */
  edge: string;
  kind: 'start' | 'end';
  /** When the edge was due (the watcher's clock). */
  at: number;
  /** The occurrence it belongs to. */
  occurrence: Occurrence;
}

export function timesOf(w: Pick<TimeWindow, 'days' | 'start' | 'end' | 'zone'>): WindowTimes {
  return { days: w.days as Weekday[], start: w.start, end: w.end, zone: w.zone };
}

export function dueEdge(w: TimeWindow, now: number): DueEdge | undefined {
  const { current, last } = windowAt(timesOf(w), now);
  if (current) {
    return current.start === w.skip
      ? { edge: `skip:${current.start}`, kind: 'end', at: current.start, occurrence: current }
      : { edge: `start:${current.start}`, kind: 'start', at: current.start, occurrence: current };
  }
  if (last) return { edge: `end:${last.end}`, kind: 'end', at: last.end, occurrence: last };
  return undefined;
}

/**
 * The edge a new window starts from: outside an occurrence, the last end counts as done (a new
 * window resumes nothing); inside one, nothing is done yet, so the next pass applies it.
 */
export function initialEdge(w: TimeWindow, now: number): string | undefined {
  const due = dueEdge(w, now);
  return due?.kind === 'end' ? due.edge : undefined;
}

/** The occurrence `skip` skips: the one under way, else the next. */
export function occurrenceToSkip(w: TimeWindow, now: number): Occurrence | undefined {
  const { current, next } = windowAt(timesOf(w), now);
  return current ?? next;
}

/** When the window next changes anything: the end of the occurrence under way, else the next start. */
export function nextChange(w: TimeWindow, now: number): { kind: 'start' | 'end'; at: number } | undefined {
  const { current, next } = windowAt(timesOf(w), now);
  if (current && current.start !== w.skip) return { kind: 'end', at: current.end };
  const upcoming = next && next.start === w.skip ? windowAt(timesOf(w), next.end).next : next;
  return upcoming ? { kind: 'start', at: upcoming.start } : undefined;
}
