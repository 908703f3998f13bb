import type { Button, KnownBlock } from '@slack/types';
import type { Translator } from '../../i18n/translator.js';
import type { EventNote } from '../../watcher/notification.js';
import { encodeResourceButton } from '../resource-button.js';
import { CLAIM_ACTION } from './claim.js';
import { displayName } from './display-name.js';
import { code, escapeMrkdwn, truncate } from './mrkdwn.js';

/** "Keep" under "Still on it?": the owner takes the failure again (its claim's clock starts over). */
export const KEEP_CLAIM_ACTION = 'failure.keep';

/**
 * The escalation steps of a failure nobody took on, or took on long ago (watcher/escalation.ts):
 * a reminder in its thread, the approvers (or a named group) mentioned, and "Still on it?" to its
 * owner with Keep and Hand back. Each carries the button that acts on what it says.
 */
export function renderEscalation(note: EventNote, tr: Translator): { text: string; blocks: KnownBlock[] } {
  const r = note.resource;
  // Called what its card calls it: the requester's title leads where the provider named it.
  const name = `*${escapeMrkdwn(truncate(displayName(r.name, note.title).lead, 200))}*`;
  const ref = code(`${r.connection}:${r.id}`);
  const failedFor = tr.duration((note.escalation?.failedMs ?? 0) / 1000);
  const value = encodeResourceButton(r);
  const button = (action_id: string, text: string, style?: 'primary'): Button => ({
    type: 'button',
    action_id,
    text: { type: 'plain_text', text },
    value,
    ...(style ? { style } : {}),
  });
  let text: string;
  let buttons: Button[];
  if (note.event === 'still-on-it') {
    const owner = note.escalation?.owner ? `<@${note.escalation.owner}>` : '';
    text = tr.t('escalation.stillOnIt', { owner, name, ref, failedFor });
    buttons = [
      button(KEEP_CLAIM_ACTION, tr.t('escalation.keep'), 'primary'),
      button(CLAIM_ACTION, tr.t('claim.handBack')),
    ];
  } else if (note.event === 'escalated') {
    const mention = note.escalation?.mention ?? [];
    text = mention.length
      ? tr.t('escalation.escalated', { who: mention.join(' '), name, ref, failedFor })
      : tr.t('escalation.escalatedNobody', { name, ref, failedFor });
    buttons = [button(CLAIM_ACTION, tr.t('claim.take'), 'primary')];
  } else {
    text = tr.t('escalation.unclaimed', { name, ref, failedFor });
    buttons = [button(CLAIM_ACTION, tr.t('claim.take'), 'primary')];
  }
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } },
      { type: 'actions', elements: buttons },
    ],
  };
}
