import type { WindowSpans } from '../../reports/window-spans.js';
/**
 * A time window that covers a watched resource, as its card shows it: written onto the
 * watch record by the window pass when it changes, so the watcher's one editor draws it on the card like
 * any other fact. Its schedule travels with it, so the ETA can leave the window's paused hours out
 * (`record-eta.ts` reads a fact's `action: 'pause'` spans, whichever capability wrote them).
 */
export interface WindowFact extends WindowSpans {
  id: string;
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
