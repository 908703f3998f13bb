import type { NormalizedState } from '../../domain/migration-resource.js';
import type { Translator } from '../../i18n/translator.js';
import type { LastAction } from '../../resources/last-actions.js';
import { code, escapeMrkdwn } from '../../slack/blocks/mrkdwn.js';
import { daysIn, zonedTime } from '../../slack/blocks/zoned-words.js';
import { hhmm } from '../../time/zoned-time.js';
import { type WindowActed, windowActed } from './window-acted.js';
import { nextChange } from './window-edges.js';
import type { WindowFact } from './window-fact.js';
import type { TimeWindow } from './window-store.js';
import { WINDOW_WORDS } from './words.js';

/**
 * The card's line for a window's own action: "⏸ Paused by window *weeknights only* · resumes Fri
 * 18:00 KST" while it holds; otherwise what it did and when. Undefined when no window acted last.
 */
export function windowActedLine(state: string, last: LastAction, tr: Translator): string | undefined {
  const w = windowActed(last);
  if (!w) return undefined;
  const name = `*${escapeMrkdwn(w.name)}*`;
  if (last.action === 'pause' && state === 'paused')
    return w.until !== undefined
      ? tr.with(WINDOW_WORDS).t('window.card.paused', { name, when: zonedTime(w.until, w.zone, tr) })
      : tr.with(WINDOW_WORDS).t('window.card.pausedOnly', { name });
  if (last.action === 'pause' && state === 'pausing')
    return tr.with(WINDOW_WORDS).t('window.card.pausing', { name });
  if (last.action === 'resume') return tr.with(WINDOW_WORDS).t('window.card.resumed', { name });
  return undefined;
}

/** The thread's attribution: " by window *night* (set by @Bob)", and when it was applied late. */
export function windowBy(w: WindowActed, by: string, tr: Translator): string {
  const said = tr
    .with(WINDOW_WORDS)
    .t('window.watch.by', { name: `*${escapeMrkdwn(w.name)}*`, user: `<@${by}>` });
  return w.lateFrom === undefined
    ? said
    : `${said}${tr.with(WINDOW_WORDS).t('window.watch.byLate', { when: zonedTime(w.lateFrom, w.zone, tr) })}`;
}

const MB = 1024 * 1024;

/** A cap as it was typed (`50 MB/s`, OMS's MB being 1,048,576 bytes), else in the reader's units. */
export function rateWords(bytesPerSecond: number, tr: Translator): string {
  const mb = bytesPerSecond / MB;
  return Number.isInteger(mb) ? `${mb} MB/s` : `${tr.bytes(bytesPerSecond)}/s`;
}

/** States a window's next change is worth telling on the card (not an ended or failed one). */
const TOLD: ReadonlySet<NormalizedState> = new Set([
  'running',
  'queued',
  'retrying',
  'monitoring',
  'paused',
  'pausing',
]);

/** States in which a cap matters: what moves. A paused or queued task is capped at nothing. */
const MOVING: ReadonlySet<NormalizedState> = new Set(['running', 'retrying', 'monitoring']);

/**
 * The card's lines for the windows covering a resource (the window pass's facts): a cap, only while
 * the resource moves ("Capped at 50 MB/s by window *x* · until Fri 18:00 KST"), and each window's
 * next change ("Window *x* pauses it Fri 22:00 KST"). A window's own pause is told by
 * `windowActedLine`, above these on every surface: the window that holds a task comes first.
 */
export function windowFactLines(
  state: NormalizedState,
  facts: readonly WindowFact[] | undefined,
  tr: Translator,
): string[] {
  if (!facts || !TOLD.has(state)) return [];
  return facts
    .map((f) => (f.action === 'limit' ? capLine(state, f, tr) : pauseLine(state, f, tr)))
    .filter((line): line is string => line !== undefined)
    .slice(0, 2);
}

/**
 * A row's one window line (`/migrate list`, the Home tab), the first the card shows: the window
 * that holds the resource ("Paused by window *x* · resumes …"), else a cap that holds while it moves.
 */
export function heldLine(
  state: NormalizedState,
  windows: { last?: LastAction; facts: readonly WindowFact[] } | undefined,
  tr: Translator,
): string | undefined {
  if (!windows) return undefined;
  const held = windows.last ? windowActedLine(state, windows.last, tr) : undefined;
  if (held) return held;
  for (const f of windows.facts) if (f.action === 'limit' && f.holding) return capLine(state, f, tr);
  return undefined;
}

/** A limit window's line: the cap that holds, or when it starts; nothing unless the resource moves. */
function capLine(state: NormalizedState, f: WindowFact, tr: Translator): string | undefined {
  if (!MOVING.has(state) || f.bytesPerSecond === undefined) return undefined;
  const name = `*${escapeMrkdwn(f.name)}*`;
  const when = f.next ? zonedTime(f.next.at, f.zone, tr) : undefined;
  const rate = rateWords(f.bytesPerSecond, tr);
  if (f.holding)
    return when
      ? tr.with(WINDOW_WORDS).t('window.card.capped', { rate, name, when })
      : tr.with(WINDOW_WORDS).t('window.card.cappedOnly', { rate, name });
  return when && f.next?.kind === 'start'
    ? tr.with(WINDOW_WORDS).t('window.card.capsAt', { rate, name, when })
    : undefined;
}

/** A pause window's next pause, while the resource is not paused (its own pause: `windowActedLine`). */
function pauseLine(state: NormalizedState, f: WindowFact, tr: Translator): string | undefined {
  if (f.holding || !f.next || state === 'paused' || state === 'pausing') return undefined;
  return tr.with(WINDOW_WORDS).t('window.card.pausesAt', {
    name: `*${escapeMrkdwn(f.name)}*`,
    when: zonedTime(f.next.at, f.zone, tr),
  });
}

/** "ends Fri 06:00 KST" or "next Sat 22:00 KST": when the window next changes anything. */
export function nextWords(w: TimeWindow, now: number, tr: Translator): string | undefined {
  const next = nextChange(w, now);
  if (!next) return undefined;
  return tr.with(WINDOW_WORDS).t(next.kind === 'end' ? 'window.next.end' : 'window.next.start', {
    when: zonedTime(next.at, w.zone, tr),
  });
}

/** One window as `/migrate window list` shows it. */
export function windowLine(w: TimeWindow, tr: Translator, next: string | undefined): string {
  const what =
    w.action.kind === 'pause'
      ? tr.with(WINDOW_WORDS).t('window.what.pause')
      : tr.with(WINDOW_WORDS).t('window.what.limit', { rate: rateWords(w.action.bytesPerSecond, tr) });
  return tr.with(WINDOW_WORDS).t('window.line', {
    id: code(w.id),
    name: `*${escapeMrkdwn(w.name)}*`,
    what,
    days: daysIn(w.days, tr),
    span: `${hhmm(w.start)}–${hhmm(w.end)}`,
    zone: w.zone,
    target: code(targetWords(w)),
    by: `<@${w.by}>`,
    next: next ?? '—',
  });
}

export function targetWords(w: Pick<TimeWindow, 'target'>): string {
  const t = w.target;
  return t.kind === 'connection' ? t.connection : `${t.connection}:${t.id}`;
}
