import type { KnownBlock } from '@slack/types';
import { ENGLISH, type Translator } from '../../../i18n/translator.js';
import { code } from '../../../slack/blocks/mrkdwn.js';
import type { SaidNote } from '../../../watcher/outbox/thread-views.js';
import { CUTOVER } from '../sync-record.js';
import { CUTOVER_WORDS } from '../words.js';

/** The button under a batch of stray writes: one more delta, asked through the approvals. */
export const WATCH_DELTA_ACTION = 'cutover.watch.delta';
/** How many keys a batch line names (the rest are counted). */
export const KEYS_SHOWN = 5;

export type WatchNoteKey =
  | 'cutover.watch.started'
  | 'cutover.watch.batch'
  | 'cutover.watch.cut'
  | 'cutover.watch.ended'
  | 'cutover.watch.failed'
  | `cutover.watch.unlistable.${'not-s3' | 'no-keys' | 'no-bucket' | 'no-endpoint' | 'no-dates'}`;

/** What the migration's thread is told of its old-bucket watch (values already inert). */
export interface WatchNote {
  kind: 'old-bucket';
  key: WatchNoteKey;
  values: Record<string, string | number>;
  /** The batch's keys (raw: made inert as drawn), and how many the batch holds in all. */
  keys?: string[];
  /** The watch a batch's button names. */
  watch?: string;
}

export function watchNote(note: Omit<WatchNote, 'kind'>): SaidNote {
  return { kind: 'said', capability: CUTOVER, note: { kind: 'old-bucket', ...note } };
}

export function isWatchNote(note: unknown): note is WatchNote {
  return (note as { kind?: unknown } | undefined)?.kind === 'old-bucket';
}

/** The line in the thread, in the channel's language; a batch names its first keys as code and offers one more delta. */
export function renderWatchNote(
  note: WatchNote,
  tr: Translator = ENGLISH,
): { text: string; blocks: KnownBlock[] } {
  const t = tr.with(CUTOVER_WORDS);
  const shown = (note.keys ?? []).slice(0, KEYS_SHOWN).map((k) => code(k.slice(0, 200)));
  const count = Number(note.values.count ?? shown.length);
  const keys =
    shown.length === 0
      ? ''
      : count > shown.length
        ? t.t('cutover.watch.keys.more', { keys: shown.join(', '), more: count - shown.length })
        : shown.join(', ');
  // The bound is a figure in the reader's digits (20,000); the rest is said as given.
  const limit: Record<string, string> =
    typeof note.values.limit === 'number' ? { limit: tr.count(note.values.limit) } : {};
  const text = t.t(note.key, { ...note.values, ...limit, keys });
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
  if (note.key === 'cutover.watch.batch' && note.watch)
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: WATCH_DELTA_ACTION,
          value: note.watch,
          text: { type: 'plain_text', text: t.t('cutover.watch.button.delta') },
        },
      ],
    });
  return { text, blocks };
}
