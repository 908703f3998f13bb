import type { Translator } from '../../i18n/translator.js';
import type { ObjectStoreFailure } from '../../object-store/object-store.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import type { Tally } from './compare.js';
import { contentLines } from './content/content-view.js';
import type { ContentOutcome } from './content/outcome.js';
import type { Wanting } from './retry-view.js';
import { OBJECTS_WORDS } from './words.js';

/** Keys shown in the post per kind of difference; every one is in the CSV. */
export const FIRST_FEW = 5;

export type SideName = 'source' | 'destination';

/** Why a side was not listed: planned out, or refused by the store. */
export interface SideProblem {
  side: SideName;
  why:
    | 'not-s3'
    | 'no-keys'
    | 'no-bucket'
    | 'no-endpoint'
    | 'denied'
    | 'unreachable'
    | 'refused'
    | 'blocked'
    | 'runaway';
  cloud?: string;
  bucket?: string;
  credential?: string;
  /** The store's own short error code (`AccessDenied`). */
  storeCode?: string;
}

export interface FailedListOutcome {
  count: number;
  firsts: string[];
  /** The list was longer than the bytes read. */
  truncated: boolean;
  problem?: ObjectStoreFailure;
}

/** What a check found so far or in the end: drawn on its post, in the reader's language. */
export interface CheckOutcome {
  status: 'running' | 'done' | 'cancelled' | 'stopped';
  name: string;
  ref: string;
  deep: boolean;
  cap: number;
  tally: Tally;
  checkedThrough?: string;
  firsts: { missing: string[]; different: string[]; extra: string[] };
  problems: SideProblem[];
  failedList?: FailedListOutcome;
  /** The objects missing or different at the destination, and the source prefix they share. */
  wanting?: Wanting;
  /**
   * Of `wanting`, how many the provider's failed-object list does not name: a list retry (OMS)
   * cannot bring those over, and the post says so.
   */
  unlisted?: number;
  csvRows: number;
  csvCut: boolean;
  cancelledBy?: string;
  /** A content check's tiers (issue 78); absent for a check of keys and sizes. */
  content?: ContentOutcome;
}

/** A key an outsider chose, shown inert: control characters visible, cut, in code. */
export function shownKey(key: string): string {
  let visible = '';
  for (const c of key) {
    const n = c.charCodeAt(0);
    visible +=
      n < 0x20 || n === 0x7f || n === 0x2028 || n === 0x2029 ? `\\u${n.toString(16).padStart(4, '0')}` : c;
  }
  return code(truncate(visible, 120));
}

/** Why a side was not checked, in the reader's language (escaped). */
export function problemLine(p: SideProblem, tr: Translator): string {
  return tr.with(OBJECTS_WORDS).t(`objects.problem.${p.why}`, {
    side: tr.with(OBJECTS_WORDS).t(`objects.side.${p.side}`),
    cloud: escapeMrkdwn(p.cloud ?? '?'),
    bucket: code(p.bucket ?? '?'),
    credential: code(p.credential ?? '?'),
    storeCode: code(p.storeCode ?? '?'),
  });
}

/** The post's mrkdwn lines. Pure: every outside string (name, keys, buckets) is escaped here. */
export function checkLines(o: CheckOutcome, tr: Translator): string[] {
  const title = o.content ? 'objects.content.title' : 'objects.title';
  const lines = [tr.with(OBJECTS_WORDS).t(title, { name: escapeMrkdwn(o.name), ref: code(o.ref) })];
  for (const p of o.problems) lines.push(problemLine(p, tr));
  const t = o.tally;
  if (o.status === 'running')
    lines.push(
      tr.with(OBJECTS_WORDS).t('objects.progress', { source: t.source, destination: t.destination }),
    );
  if (o.status === 'cancelled')
    lines.push(
      tr.with(OBJECTS_WORDS).t('objects.cancelled', { user: `<@${o.cancelledBy ?? '?'}>`, n: t.source }),
    );
  if (o.status === 'stopped') lines.push(tr.with(OBJECTS_WORDS).t('objects.stopped', { ref: o.ref }));
  if (o.problems.length === 0 && (o.status === 'done' || t.source + t.destination > 0)) {
    // In a content check "the same" is said only of what a checksum or the bytes showed.
    lines.push(tr.with(OBJECTS_WORDS).t(o.content ? 'objects.content.counts' : 'objects.counts', { ...t }));
    if (o.content) lines.push(...contentLines(o.content, t, o.status === 'done', tr));
    else lines.push(tr.with(OBJECTS_WORDS).t('objects.compared', { etags: t.etagCompared }));
    if (o.status === 'done' && t.missing + t.different + t.extra === 0 && !o.checkedThrough)
      lines.push(tr.with(OBJECTS_WORDS).t('objects.allThere'));
    if (o.checkedThrough !== undefined)
      lines.push(
        tr
          .with(OBJECTS_WORDS)
          .t('objects.capped', { cap: o.cap, key: shownKey(o.checkedThrough), deep: o.deep ? 'yes' : 'no' }),
      );
    for (const kind of ['missing', 'different', 'extra'] as const) {
      const keys = o.firsts[kind];
      if (keys.length === 0) continue;
      const more = t[kind] - keys.length;
      lines.push(
        tr.with(OBJECTS_WORDS).t(`objects.first.${kind}`, { keys: keys.map(shownKey).join(', '), more }),
      );
    }
  }
  const f = o.failedList;
  if (f?.problem)
    lines.push(
      tr
        .with(OBJECTS_WORDS)
        .t('objects.failedList.unread', { why: tr.with(OBJECTS_WORDS).t(`objects.why.${f.problem}`) }),
    );
  else if (f) {
    lines.push(
      tr
        .with(OBJECTS_WORDS)
        .t('objects.failedList.count', { n: f.count, keys: f.firsts.map(shownKey).join(', ') }),
    );
    if (f.truncated) lines.push(tr.with(OBJECTS_WORDS).t('objects.failedList.truncated', { n: f.count }));
  }
  if (o.csvCut) lines.push(tr.with(OBJECTS_WORDS).t('objects.csvCut', { rows: o.csvRows }));
  return lines;
}
