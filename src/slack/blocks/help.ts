import type { KnownBlock } from '@slack/types';
import { type Capability, REQUIRED_ROLE, type Role } from '../../access/roles.js';
import { code, escapeMrkdwn, truncate } from './mrkdwn.js';

export interface HelpEntry {
  usage: string;
  summary: string;
  /** Built from this workspace (its connection names), so it runs as shown. */
  example?: string;
  /** Set when the reader's role does not allow it: the capability it needs. */
  needs?: Capability;
}

export interface HelpView {
  entries: readonly HelpEntry[];
  role: Role;
  connections: readonly string[];
  /** `help all`: every command, those the reader cannot run marked as such. */
  everything: boolean;
}

/** Short help fits the person: what they can run, with examples that work here; `help all` for the rest. */
export function renderHelp(view: HelpView): KnownBlock[] {
  const lines = view.entries.map((e) => {
    const needs = e.needs ? ` _(needs ${REQUIRED_ROLE[e.needs]})_` : '';
    const example = e.example ? `\n      e.g. ${code(e.example)}` : '';
    return `• ${code(e.usage)}${needs} — ${e.summary}${example}`;
  });
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'migrate-bot: run and watch bucket migrations' } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: truncate(
            `You are *${view.role}* here. ${
              view.connections.length > 0
                ? `Connections: ${view.connections.map((n) => code(escapeMrkdwn(n))).join(', ')}.`
                : 'No connections yet: an admin adds one with `/migrate connect`.'
            }`,
            3000,
          ),
        },
      ],
    },
  ];
  // One section per ~10 commands keeps every text far below Slack's 3,000 characters.
  for (let i = 0; i < lines.length; i += 10)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(lines.slice(i, i + 10).join('\n'), 3000) },
    });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: view.everything
          ? 'Add `share` to `status`, `list` or `explain` to post the answer to the channel.'
          : 'More: `/migrate help all` lists every command. Add `share` to `status` or `list` to post to the channel.',
      },
    ],
  });
  return blocks;
}
