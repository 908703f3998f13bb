import type { CapabilityRendered } from '../../contract/card.js';
import type { MigrationResource, NormalizedState, ResourceKind } from '../../domain/migration-resource.js';
import type { Translator } from '../../i18n/translator.js';
import type { ObjectStoreFailure } from '../../object-store/object-store.js';
import type { ResourceAction } from '../../providers/types.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import { stateWords } from '../../slack/blocks/state-words.js';
import { encodeResourceButton } from '../../slack/resource-button.js';
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
  /** The run's objects it never moved nor recorded as failed: not in the retry, said beside it. */
  rest?: RunRest;
}

/** What the retried run left unmoved, as it says when the retry ends, and whether it may resume. */
export interface RunRest {
  left: number;
  state: NormalizedState;
  connection: string;
  resume?: { kind: ResourceKind; id: string };
}

/**
 * The run's objects neither moved, skipped nor recorded failed (a run paused or failed partway):
 * a retry of its failed objects never touches them, so its result says so.
 */
export function restOf(run: MigrationResource, actions: readonly ResourceAction[]): RunRest | undefined {
  const o = run.objects;
  if (o.total === undefined) return undefined;
  const left = o.total - (o.done ?? 0) - (o.failed ?? 0) - (o.skipped ?? 0);
  if (left <= 0) return undefined;
  return {
    left,
    state: run.state,
    connection: run.connection,
    ...(actions.includes('resume') ? { resume: { kind: run.kind, id: run.id } } : {}),
  };
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
  const rest = view.status === 'done' && clean ? view.rest : undefined;
  if (view.status === 'done' && clean) {
    const counts = { arrived: view.arrived, total: view.checked, still: view.still };
    lines.push(
      rest
        ? tr.t('objects.reconcile.resultRest', { ...counts, left: rest.left })
        : tr.t('objects.reconcile.result', counts),
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
    if (rest)
      lines.push(
        tr.t('objects.reconcile.rest', {
          left: rest.left,
          state: stateWords(rest.state, reader).toLowerCase(),
          resume: rest.resume ? 'yes' : 'no',
          button: reader.t('action.resume'),
          command: code(`/migrate create ${rest.connection}`),
        }),
      );
  }
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3_000) } },
  ];
  // Resume is the card's own action (`resource.resume`): the same use case, role and audit.
  if (rest?.resume)
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: 'resource.resume',
          text: { type: 'plain_text', text: reader.t('action.resume').slice(0, 75) },
          value: encodeResourceButton({ connection: rest.connection, ...rest.resume }),
        },
      ],
    });
  return { text: truncate(lines.slice(0, 2).join(' '), 300), blocks };
}
