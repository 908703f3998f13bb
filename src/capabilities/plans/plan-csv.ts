import { csvLine } from '../../reports/csv-cell.js';
import type { PlanView, ResourceLine, WaveView } from './plan-view.js';

const HEADER = [
  'row',
  'wave',
  'connection',
  'migration',
  'state',
  'failure',
  'opened_at',
  'done_at',
  'duration_seconds',
  'migrations',
  'succeeded',
  'failed',
  'bytes_moved',
  'bytes_left',
  'objects_moved',
  'objects_left',
  'verification',
  'verified_matching',
  'verified_mismatch',
  'signed_off_by',
] as const;

type Cell = string | number | undefined;

/** Moved and left of some lines; undefined when none of them counts (UpCloud's jobs: states only). */
function figures(
  lines: readonly ResourceLine[],
  pick: (l: ResourceLine) => { done?: number; total?: number } | undefined,
) {
  const counted = lines.filter((l) => pick(l)?.done !== undefined || pick(l)?.total !== undefined);
  if (counted.length === 0) return { moved: undefined, left: undefined };
  const moved = counted.reduce((t, l) => t + (pick(l)?.done ?? 0), 0);
  const total = counted.reduce((t, l) => t + (pick(l)?.total ?? 0), 0);
  return { moved, left: Math.max(0, total - moved) };
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function summary(lines: readonly ResourceLine[]): Cell[] {
  const bytes = figures(lines, (l) => l.bytes);
  const objects = figures(lines, (l) => l.objects);
  const signers = [...new Set(lines.flatMap((l) => (l.signedBy ? [l.signedBy] : [])))];
  return [
    lines.length,
    lines.filter((l) => l.state === 'succeeded').length,
    lines.filter((l) => l.state === 'failed').length,
    bytes.moved,
    bytes.left,
    objects.moved,
    objects.left,
    undefined,
    lines.filter((l) => l.verification === 'matches').length,
    lines.filter((l) => l.verification === 'mismatch').length,
    signers.join(' '),
  ];
}

const span = (from: number | undefined, to: number | undefined) =>
  from !== undefined && to !== undefined ? Math.round((to - from) / 1000) : undefined;

function waveRow(w: WaveView): Cell[] {
  return [
    'wave',
    w.n,
    '',
    '',
    '',
    '',
    iso(w.openedAt),
    iso(w.doneAt),
    span(w.openedAt, w.doneAt),
    ...summary(w.resources),
  ];
}

function migrationRow(w: WaveView, l: ResourceLine): Cell[] {
  const bytes = figures([l], (x) => x.bytes);
  const objects = figures([l], (x) => x.objects);
  return [
    'migration',
    w.n,
    l.connection,
    l.name,
    l.state,
    l.code,
    '',
    '',
    undefined,
    undefined,
    undefined,
    undefined,
    bytes.moved,
    bytes.left,
    objects.moved,
    objects.left,
    l.verification,
    undefined,
    undefined,
    l.signedBy,
  ];
}

/**
 * The plan report as CSV, from the same view the report and the card are drawn from, so its
 * figures are theirs, exact (bytes in bytes) where the post rounds for reading: one row per wave
 * (when it opened and was done, its duration, what it moved and left, failures, verification
 * results, who signed), each followed by its migrations' rows, then the plan's total. Every cell
 * goes through `csvCell`: a name someone typed never opens as a formula. Times are UTC.
 */
export function planReportCsv(view: PlanView): string {
  const lines = view.waves.flatMap((w) => w.resources);
  const t = view.totals;
  const total: Cell[] = [
    'total',
    '',
    '',
    view.name,
    view.status,
    '',
    iso(view.waves[0]?.openedAt),
    iso(view.waves.at(-1)?.doneAt),
    span(view.waves[0]?.openedAt, view.waves.at(-1)?.doneAt),
    ...summary(lines),
  ];
  // The totals row carries the card's own figures (the card leaves out what gives no counts too).
  total.splice(12, 4, t.bytesDone, t.bytesLeft, t.objectsDone, t.objectsLeft);
  const rows: Cell[][] = [[...HEADER]];
  for (const w of view.waves) rows.push(waveRow(w), ...w.resources.map((l) => migrationRow(w, l)));
  rows.push(total);
  return `${rows.map(csvLine).join('\r\n')}\r\n`;
}
