import type { KnownBlock } from '@slack/types';
import type { Translator } from '../../i18n/translator.js';
import { truncate } from '../../slack/blocks/mrkdwn.js';
import type { SaidNote } from '../../watcher/outbox/thread-views.js';
import type { Cutover } from './cut-record.js';
import type { CutoverState } from './state.js';
import { CUTOVER } from './sync-record.js';
import { CUTOVER_WORDS } from './words.js';

/** A line the cut-over says in a migration's thread: a catalogue key and its values (already inert). */
export interface CutNote {
  kind: 'cut';
  key: string;
  values: Record<string, string | number>;
}

/**
 * Said once under its dedup key (`cutover-<id>-<what>`) in the thread of the migration's card:
 * in the cut-over's channel only, or (`everywhere`) in every channel that has a card of it.
 */
export async function say(
  s: CutoverState,
  cut: Cutover,
  what: string,
  key: string,
  values: Record<string, string | number>,
  here = true,
): Promise<void> {
  const note: SaidNote = {
    kind: 'said',
    capability: CUTOVER,
    note: { kind: 'cut', key, values } satisfies CutNote,
  };
  await s.core.watcher.notes
    .say(
      cut.team,
      { connection: cut.connection, kind: cut.kind, id: cut.resourceId },
      `cutover-${cut.id}-${what}`,
      note,
      s.core.clock.now(),
      { deliver: true, ...(here ? { channel: cut.channel } : {}) },
    )
    .catch((error: unknown) => s.core.logger.warn({ err: error }, 'could not tell the thread of a cut-over'));
}

/** One audit entry of a cut-over (its `cutover.*` actions are the events of the same names). */
export async function audit(
  s: CutoverState,
  cut: Cutover,
  action: string,
  detail: string,
  user: string,
): Promise<void> {
  await s.core.audit
    .record({
      team: cut.team,
      user,
      channel: cut.channel,
      action,
      target: `${cut.connection}:${cut.kind}:${cut.resourceId}`,
      result: 'ok',
      detail: detail.slice(0, 500),
      op: `cutover-${cut.id}`,
    })
    .catch((error: unknown) => s.core.logger.warn({ err: error }, 'could not audit a cut-over step'));
}

/** The line in the thread, in the channel's language. Pure. */
export function renderCutNote(note: CutNote, tr: Translator): { text: string; blocks: KnownBlock[] } {
  const text = tr.with(CUTOVER_WORDS).t(note.key as keyof (typeof CUTOVER_WORDS)['en'], note.values);
  return {
    text: truncate(text, 3_000),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3_000) } }],
  };
}
