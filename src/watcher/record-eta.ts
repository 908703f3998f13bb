import { type EtaEstimate, estimateEta, type Observed, type PauseSpan } from '../reports/eta.js';
import type { WatchRecord } from './records/watch-store.js';

/** At most this many spans are read from one record's facts (the ETA steps through each). */
const MAX_PAUSES = 10;

function isPauseSpan(value: unknown): value is PauseSpan {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.action === 'pause' &&
    Array.isArray(v.days) &&
    typeof v.start === 'number' &&
    typeof v.end === 'number' &&
    typeof v.zone === 'string'
  );
}

/**
 * The weekly spans in which a capability expects the resource to stand paused, from its facts on
 * the record: any fact that lists schedules marked `action: 'pause'` (a time window's does), so
 * the ETA leaves their hours out without naming who wrote them.
 */
export function pausesOf(record: Pick<WatchRecord, 'facts'>): PauseSpan[] {
  const spans = Object.values(record.facts ?? {}).flatMap((fact) =>
    Array.isArray(fact) ? fact.filter(isPauseSpan) : [],
  );
  return spans.slice(0, MAX_PAUSES);
}

/** What the ETA is made from: the pace observed, and the paused hours from when it was read. */
export function observedOf(record: Pick<WatchRecord, 'samples' | 'stalled' | 'facts' | 'movedAt'>): Observed {
  const windows = pausesOf(record);
  return {
    samples: record.samples,
    stalled: record.stalled,
    ...(windows.length > 0 ? { windows, now: record.samples?.at(-1)?.at ?? record.movedAt } : {}),
  };
}

/** A card's ETA through the paused hours its facts announce (part of `CardFacts`). */
export interface EtaCard {
  /** When it will be done, from the pace the watcher observed (or why that cannot be said). */
  eta?: EtaEstimate;
}

export function etaCard(
  record: Pick<WatchRecord, 'snapshot' | 'samples' | 'stalled' | 'facts' | 'movedAt'>,
): EtaCard {
  return { eta: estimateEta(record.snapshot, observedOf(record)) };
}
