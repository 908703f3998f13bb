import type { Translator } from '../../i18n/translator.js';
import { isProviderId, providerDefinition } from '../../providers/registry.js';
import type { WatchRecord } from '../../watcher/records/watch-store.js';
import { watchKey } from '../../watcher/records/watch-store.js';
import type { CutoverState } from './state.js';
import type { SyncSchedule } from './sync-record.js';
import { CUTOVER_WORDS } from './words.js';

/** One delta as its card last saw it: bytes moved and how long it ran, when the provider says. */
export interface DeltaFigure {
  bytes?: number;
  seconds?: number;
}

/** The cut-over's fact on the migration's card: its keep-in-sync and the deltas' figures. */
export interface SyncFact {
  everyH: number;
  until: number;
  max: number;
  runs: number;
  provider: string;
  /** Oldest first; only those that ended. */
  deltas: DeltaFigure[];
  /** The freeze the final delta must fit in, in minutes, when known. */
  freezeMin?: number;
}

/** How many of the last deltas the line shows and projects from. */
const SHOWN = 3;

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function size(bytes: number): string {
  if (bytes >= GiB) return `${+(bytes / GiB).toFixed(bytes >= 10 * GiB ? 0 : 1)} GiB`;
  return `${+(bytes / MiB).toFixed(bytes >= 10 * MiB ? 0 : 1)} MiB`;
}

/**
 * The convergence line: the last deltas' sizes ("41 GiB → 9 GiB → 2.1 GiB"), the final delta's
 * duration projected from their shrinking (each delta's ratio to the one before, the mean of the
 * last two ratios, applied once more to the last duration), "not converging" when they stopped
 * shrinking, and an honest unknown where the cloud gives no sizes (UpCloud: states only).
 */
export function convergenceLines(fact: SyncFact, tr: Translator): string[] {
  const t = tr.with(CUTOVER_WORDS);
  const head = t.t('cutover.card', {
    every: fact.everyH,
    until: new Date(fact.until).toISOString().slice(0, 16).replace('T', ' '),
    runs: fact.runs,
    max: fact.max,
  });
  const sized = fact.deltas.filter((d) => d.bytes !== undefined);
  if (fact.deltas.length === 0) return [head];
  if (sized.length < fact.deltas.length || sized.length === 0)
    return [head, t.t('cutover.convergence.unknown', { provider: fact.provider, runs: fact.deltas.length })];
  const last = sized.slice(-SHOWN);
  const lines = [
    head,
    t.t('cutover.convergence', { count: last.length, sizes: last.map((d) => size(d.bytes!)).join(' → ') }),
  ];
  if (last.length < 2) return lines;
  const ratios = last.slice(1).map((d, i) => (last[i]!.bytes! > 0 ? d.bytes! / last[i]!.bytes! : 1));
  const ratio = ratios.slice(-2).reduce((a, b) => a + b, 0) / Math.min(2, ratios.length);
  if (ratios.at(-1)! >= 1 || ratio >= 1) return [...lines, t.t('cutover.convergence.not')];
  const seconds = last.at(-1)!.seconds;
  if (seconds === undefined) return lines;
  const minutes = Math.max(1, Math.round((seconds * ratio) / 60));
  if (fact.freezeMin === undefined) return [...lines, t.t('cutover.convergence.projection', { minutes })];
  const key = minutes <= fact.freezeMin ? 'cutover.convergence.fits' : 'cutover.convergence.over';
  return [...lines, t.t(key, { minutes, freeze: fact.freezeMin })];
}

/** The figures of the schedule's deltas that ended, read from their cards' watch records. */
export async function deltaFigures(s: CutoverState, schedule: SyncSchedule): Promise<DeltaFigure[]> {
  const out: DeltaFigure[] = [];
  for (const r of schedule.runs.filter((x) => x.resource).slice(-SHOWN * 2)) {
    const record = await s.core.watcher.store
      .read<WatchRecord>(
        watchKey({
          teamId: schedule.team,
          channelId: schedule.channel,
          connection: schedule.connection,
          kind: schedule.kind,
          id: r.resource!,
        }),
      )
      .catch(() => undefined);
    const snap = record?.snapshot;
    if (snap?.state !== 'succeeded') continue;
    // A provider whose runs report states only (UpCloud): no byte count, the size unknown, not zero.
    const statesOnly = isProviderId(snap.provider) && providerDefinition(snap.provider).runsToEnd === true;
    // What the delta wrote: OMS counts the objects `migrate_since` skipped in `complete_size` too
    // (the whole source, every run), so its written bytes (`real_size`) are the delta's size.
    const bytes = snap.reconciliation?.bytesWritten ?? snap.bytes.done ?? snap.bytes.total;
    out.push({
      ...(bytes !== undefined && !statesOnly ? { bytes } : {}),
      ...(snap.elapsedSeconds !== undefined ? { seconds: snap.elapsedSeconds } : {}),
    });
  }
  return out;
}

/** The fact written on the migration's card after each pass (undefined: none to show). */
export async function syncFact(s: CutoverState, schedule: SyncSchedule): Promise<SyncFact | undefined> {
  if (schedule.status !== 'active') return undefined;
  return {
    everyH: schedule.everyH,
    until: schedule.until,
    max: schedule.max,
    runs: schedule.runs.length,
    provider: schedule.provider,
    deltas: await deltaFigures(s, schedule),
  };
}
