import type { KnownBlock } from '@slack/types';
import { type Capability, REQUIRED_ROLE, type Role } from '../../access/roles.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import { code, escapeMrkdwn, truncate } from './mrkdwn.js';

export interface HelpEntry {
  /** The subcommand's name: its summary's catalogue key (`help.summary.<name>`) for other languages. */
  name?: string;
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
  /** The reader's language (English unless given). */
  tr?: Translator;
}

/** A summary in the reader's language when the catalogue has it; the subcommand's own English otherwise. */
function summaryOf(e: HelpEntry, tr: Translator): string {
  const key = `help.summary.${e.name ?? ''}`;
  return tr.locale !== 'en' && tr.has(key) ? tr.t(key) : e.summary;
}

/** Short help fits the person: what they can run, with examples that work here; `help all` for the rest. */
export function renderHelp(view: HelpView): KnownBlock[] {
  const tr = view.tr ?? ENGLISH;
  const lines = view.entries.map((e) => {
    const needs = e.needs ? tr.t('help.needs', { role: REQUIRED_ROLE[e.needs] }) : '';
    const example = e.example ? `\n      ${tr.t('help.example', { example: code(e.example) })}` : '';
    return `• ${code(e.usage)}${needs} — ${summaryOf(e, tr)}${example}`;
  });
  const connections =
    view.connections.length > 0
      ? tr.t('help.connections', { list: view.connections.map((n) => code(escapeMrkdwn(n))).join(', ') })
      : tr.t('help.noConnections');
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(tr.t('help.header'), 150) } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: truncate(`${tr.t('help.role', { role: view.role })} ${connections}`, 3000),
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
        text: view.everything ? tr.t('help.footerAll') : tr.t('help.footer'),
      },
    ],
  });
  return blocks;
}
