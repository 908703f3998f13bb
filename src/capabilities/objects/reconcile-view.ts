import type { Translator } from '../../i18n/translator.js';
import type { ObjectStoreFailure } from '../../object-store/object-store.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import type { CapabilityRendered } from '../drawing-hooks.js';
import { FIRST_FEW, problemLine, type SideProblem, shownKey } from './report.js';
import { OBJECTS_WORDS } from './words.js';

/**
 * The reconciling check of a retry, as its post shows it: of the `total` objects the retry was
 * for, `checked` were looked at again; `arrived` are now at the destination as at the source,
 * `still` are not (of them `different` are there with another size or ETag).
 */
export interface ReconcileView {
  kind: 'reconcile';
  retry: string;
  ref: string;
  status: 'running' | 'done';
  total: number;
  checked: number;
  arrived: number;
  still: number;
  different: number;
  /** The first few keys still missing. */
  firsts: string[];
  problems: SideProblem[];
  /** A list retry's list file could not be read. */
  unread?: ObjectStoreFailure;
}

/** The post's mrkdwn, in the reader's language. Pure: the names and keys are escaped here. */
export function renderReconcile(view: ReconcileView, reader: Translator): CapabilityRendered {
  const tr = reader.with(OBJECTS_WORDS);
  const lines = [tr.t('objects.reconcile.title', { retry: escapeMrkdwn(view.retry), ref: code(view.ref) })];
  for (const p of view.problems) lines.push(problemLine(p, reader));
  if (view.unread)
    lines.push(
      tr.t('objects.reconcile.unread', { why: reader.with(OBJECTS_WORDS).t(`objects.why.${view.unread}`) }),
    );
  const clean = view.problems.length === 0 && !view.unread;
  if (view.status === 'running' && clean)
    lines.push(tr.t('objects.reconcile.checking', { total: view.total }));
  if (view.status === 'done' && clean) {
    lines.push(
      tr.t('objects.reconcile.result', { arrived: view.arrived, total: view.checked, still: view.still }),
    );
    if (view.different > 0) lines.push(tr.t('objects.reconcile.different', { n: view.different }));
    if (view.firsts.length > 0)
      lines.push(
        tr.t('objects.reconcile.still', {
          keys: view.firsts.slice(0, FIRST_FEW).map(shownKey).join(', '),
          more: view.still - Math.min(view.firsts.length, FIRST_FEW),
        }),
      );
    if (view.checked < view.total)
      lines.push(tr.t('objects.reconcile.capped', { checked: view.checked, total: view.total }));
  }
  return {
    text: truncate(lines.slice(0, 2).join(' '), 300),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3_000) } }],
  };
}
