import type { Button, KnownBlock } from '@slack/types';
import type { Translator } from '../../i18n/translator.js';
import { displayName } from '../../slack/blocks/display-name.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import { encodeResourceButton } from '../../slack/resource-button.js';
import type { EventNote } from '../../watcher/outbox/notification.js';
import { claimIntentButton } from './claim-blocks.js';
import { ON_CALL_WORDS } from './words.js';

/** "Keep" under "Still on it?": the owner takes the failure again (its claim's clock starts over). */
export const KEEP_CLAIM_ACTION = 'failure.keep';

/**
 * A step's note as the outbox carries it: the failure's event note, with what escalation added
 * (`escalate`): how long it has failed, who is mentioned, who is asked. Entries stored before the
 * note named its capability read the same (`record-expand.ts`).
 */
export type EscalationNote = EventNote & {
  escalation?: { failedMs: number; mention?: string[]; owner?: string };
};

/**
 * The escalation steps of a failure nobody took on, or took on long ago (watcher/escalation.ts):
 * a reminder in its thread, the approvers (or a named group) mentioned, and "Still on it?" to its
 * owner with Keep and Hand back. Each carries the button that acts on what it says.
 */
export function renderEscalation(
  note: EscalationNote,
  tr: Translator,
): { text: string; blocks: KnownBlock[] } {
  const r = note.resource;
  // Called what its card calls it: the requester's title leads where the provider named it.
  const name = `*${escapeMrkdwn(truncate(displayName(r.name, note.title).lead, 200))}*`;
  const ref = code(`${r.connection}:${r.id}`);
  const failedFor = tr.duration((note.escalation?.failedMs ?? 0) / 1000);
  const value = encodeResourceButton(r);
  let text: string;
  let buttons: Button[];
  if (note.event === 'still-on-it') {
    const owner = note.escalation?.owner ? `<@${note.escalation.owner}>` : '';
    text = tr.with(ON_CALL_WORDS).t('escalation.stillOnIt', { owner, name, ref, failedFor });
    buttons = [
      {
        type: 'button',
        action_id: KEEP_CLAIM_ACTION,
        text: { type: 'plain_text', text: tr.with(ON_CALL_WORDS).t('escalation.keep') },
        value,
        style: 'primary',
      },
      claimIntentButton(value, 'hand-back', tr),
    ];
  } else if (note.event === 'escalated') {
    const mention = note.escalation?.mention ?? [];
    text = mention.length
      ? tr.with(ON_CALL_WORDS).t('escalation.escalated', { who: mention.join(' '), name, ref, failedFor })
      : tr.with(ON_CALL_WORDS).t('escalation.escalatedNobody', { name, ref, failedFor });
    buttons = [claimIntentButton(value, 'take', tr, 'primary')];
  } else {
    text = tr.with(ON_CALL_WORDS).t('escalation.unclaimed', { name, ref, failedFor });
    buttons = [claimIntentButton(value, 'take', tr, 'primary')];
  }
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } },
      { type: 'actions', elements: buttons },
    ],
  };
}
