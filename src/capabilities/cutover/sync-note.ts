import type { KnownBlock } from '@slack/types';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import type { SaidNote } from '../../watcher/outbox/thread-views.js';
import { CUTOVER } from './sync-record.js';
import { CUTOVER_WORDS } from './words.js';

/** What the migration's thread is told of its keep-in-sync: a catalogue key and its values (already inert). */
export interface SyncNote {
  kind: 'sync';
  key:
    | 'cutover.stop.end'
    | 'cutover.stop.max'
    | 'cutover.stop.failures'
    | 'cutover.stop.called'
    | 'cutover.stop.cutover'
    | 'cutover.run.failed'
    | 'cutover.run.started';
  values: Record<string, string | number>;
}

export function syncNote(key: SyncNote['key'], values: SyncNote['values']): SaidNote {
  const note: SyncNote = { kind: 'sync', key, values };
  return { kind: 'said', capability: CUTOVER, note };
}

/** The line in the migration's thread, in the channel's language. */
export function renderSyncNote(
  note: SyncNote,
  tr: Translator = ENGLISH,
): { text: string; blocks: KnownBlock[] } {
  const text = tr.with(CUTOVER_WORDS).t(note.key, note.values);
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
