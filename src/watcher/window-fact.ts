import { type EtaEstimate, estimateEta, type Observed } from '../reports/eta.js';
import type { WatchRecord } from './records/watch-store.js';

/**
 * A time window that covers a watched resource, as its card shows it: written onto the
 * watch record by the window pass when it changes, so the watcher's one editor draws it on the card like
 * any other fact. Its schedule travels with it, so the ETA can leave the window's paused hours out.
 */
export interface WindowFact {
  id: string;
  name: string;
  /** The schedule, as window-time.ts reads it: weekdays (0 is Sunday), minutes after midnight. */
  days: number[];
  start: number;
  end: number;
  zone: string;
  /** The start (ms) of an occurrence skipped (`window skip`): it pauses nothing. */
  skip?: number;
  action: 'pause' | 'limit';
  /** A `limit` window's cap. */
  bytesPerSecond?: number;
  /** Inside an occurrence it acts in (a cap: one it capped this resource in), as of the pass that wrote it. */
  holding: boolean;
  /** When it next changes anything (watcher clock ms). */
  next?: { kind: 'start' | 'end'; at: number };
}

/**
 * Said once in a card's thread: a time window did not act on the resource at an edge because the
 * policy refused the person who set it (their role was taken away since).
 */
export interface WindowRefusedNote {
  kind: 'window-refused';
  window: { id: string; name: string };
  /** Who set the window (a Slack user id). */
  by: string;
  /** What it did not do: pause or cap at its start, resume at its end. */
  action: 'pause' | 'cap' | 'resume';
}

/** At most this many windows are kept on one record (the ones that change soonest). */
export const MAX_WINDOW_FACTS = 3;

/**
 * The windows covering a watched resource, from the windows capability's fact (`facts.windows`):
 * the ETA leaves their paused hours out. The one place the core reads a capability's fact by name;
 * next, the ETA asks the capabilities for paused spans instead.
 */
export function windowFactsOf(record: Pick<WatchRecord, 'facts'>): WindowFact[] | undefined {
  const facts = record.facts?.windows;
  return Array.isArray(facts) ? (facts as WindowFact[]) : undefined;
}

/** What the ETA is made from: the pace observed, and the windows' paused hours from when it was read. */
export function observedOf(record: Pick<WatchRecord, 'samples' | 'stalled' | 'facts' | 'movedAt'>): Observed {
  const windows = windowFactsOf(record);
  return {
    samples: record.samples,
    stalled: record.stalled,
    ...(windows ? { windows, now: record.samples?.at(-1)?.at ?? record.movedAt } : {}),
  };
}

/** A card's ETA through the windows that cover it (part of `CardFacts`). */
export interface WindowedCard {
  /** When it will be done, from the pace the watcher observed (or why that cannot be said). */
  eta?: EtaEstimate;
}

export function windowedCard(
  record: Pick<WatchRecord, 'snapshot' | 'samples' | 'stalled' | 'facts' | 'movedAt'>,
): WindowedCard {
  return { eta: estimateEta(record.snapshot, observedOf(record)) };
}
