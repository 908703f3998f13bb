import type { MigrationResource } from '../domain/migration-resource.js';
import type { ThroughputSample } from './throughput-samples.js';
import { pausedEnd, type WindowSpans } from './window-spans.js';

/**
 * When a migration will be done, or why that cannot be said. From the pace the
 * watcher observed over its recent polls, not from the start of the run (a task whose counters
 * started at 30 % looked nearly done); else from the provider's own estimate or speed. Unknown,
 * with the reason, while the provider is still listing what to move, when nothing moved over the
 * recent polls, or when the provider gives no pace at all.
 */
export type EtaEstimate =
  | { known: true; seconds: number; basis: 'observed' | 'provider'; paused?: PausedEta }
  | { known: false; why: 'listing' | 'no-progress' | 'no-pace' };

/**
 * The time windows' paused hours an estimate leaves out ("ETA Tue 03:00 KST, paused
 * 09:00–18:00 on weekdays"): when it ends (watcher clock ms), and the windows that paused it on the
 * way, said in the first one's zone. `seconds` then counts the paused hours too.
 */
export interface PausedEta {
  at: number;
  windows: WindowSpans[];
}

/** What an estimate is made from beyond the resource: the watcher's samples, and its windows. */
export interface Observed {
  samples?: readonly ThroughputSample[];
  stalled?: boolean;
  /** The spans it is expected to stand paused in (watch records' facts): left out of the pace. */
  windows?: readonly PauseSpan[];
  /** When the figures were read (the watcher's clock): the projection through windows starts there. */
  now?: number;
}

/** A weekly span a capability acts in; only a `pause` one is left out of the ETA. */
export interface PauseSpan extends WindowSpans {
  action: string;
}

/** The recent pace is measured over this much of the newest samples. */
const RECENT_MS = 15 * 60_000;
/** Shorter than this, two samples say little about a pace. */
const MIN_SPAN_MS = 30_000;

/** Bytes per second over the newest samples, when they span enough time; 0 when nothing moved. */
export function recentPace(samples: readonly ThroughputSample[] | undefined): number | undefined {
  const last = samples?.at(-1);
  if (!samples || !last) return undefined;
  const first = samples.find((s) => s.at >= last.at - RECENT_MS) ?? last;
  const span = last.at - first.at;
  if (span < MIN_SPAN_MS) return undefined;
  return Math.max(0, last.bytes - first.bytes) / (span / 1000);
}

/** The estimate for a resource that moves (undefined for any other state, or when it is done). */
export function estimateEta(
  r: Pick<MigrationResource, 'state' | 'bytes' | 'etaSeconds' | 'speed' | 'scanning'>,
  observed?: Observed,
): EtaEstimate | undefined {
  const eta = estimateActive(r, observed);
  return eta?.known ? throughWindows(eta, observed) : eta;
}

/** Through the windows' paused hours: the same work, ending later when a window pauses it on the way. */
function throughWindows(eta: Extract<EtaEstimate, { known: true }>, observed?: Observed): EtaEstimate {
  const windows = observed?.windows?.filter((w) => w.action === 'pause') ?? [];
  if (windows.length === 0 || observed?.now === undefined) return eta;
  const now = observed.now;
  const { at, pausedBy } = pausedEnd(now, eta.seconds * 1000, windows);
  if (pausedBy.length === 0) return eta;
  return { ...eta, seconds: Math.round((at - now) / 1000), paused: { at, windows: pausedBy } };
}

/** The estimate of the time it works (no window counted). */
function estimateActive(
  r: Pick<MigrationResource, 'state' | 'bytes' | 'etaSeconds' | 'speed' | 'scanning'>,
  observed?: Observed,
): EtaEstimate | undefined {
  if (r.state !== 'running' && r.state !== 'retrying') return undefined;
  const { done, total } = r.bytes;
  // Totals are not final while the provider scans the source (or it has none yet): nothing to divide.
  if (r.scanning || !total) return { known: false, why: 'listing' };
  const moved = done ?? observed?.samples?.at(-1)?.bytes;
  if (moved !== undefined && moved >= total) return undefined;
  if (observed?.stalled) return { known: false, why: 'no-progress' };
  const pace = recentPace(observed?.samples);
  if (pace !== undefined && moved !== undefined)
    return pace > 0
      ? { known: true, seconds: Math.round((total - moved) / pace), basis: 'observed' }
      : { known: false, why: 'no-progress' };
  if (r.etaSeconds !== undefined && r.etaSeconds >= 0)
    return { known: true, seconds: r.etaSeconds, basis: 'provider' };
  if (r.speed && moved !== undefined)
    return { known: true, seconds: Math.round((total - moved) / r.speed), basis: 'provider' };
  return { known: false, why: 'no-pace' };
}
