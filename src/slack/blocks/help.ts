import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { type Capability, REQUIRED_ROLE, type Role } from '../../access/roles.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import type { Words } from '../../i18n/words.js';
import { code, context, escapeMrkdwn, section, truncate } from './mrkdwn.js';

export interface HelpEntry {
  /** The subcommand's name: its summary's catalogue key (`help.summary.<name>`). */
  name?: string;
  usage: string;
  summary: string;
  /** A capability's own words, where its summary is (`help.summary.<name>`). */
  words?: Words;
  /** Built from this workspace (its connection names), so it runs as shown. */
  example?: string;
  /** Set when the reader's role does not allow it: the capability it needs. */
  needs?: Capability;
}

/**
 * The core's first-screen buttons: each runs one subcommand line, fixed here (the button's id names
 * the line; nothing typed or sent in a value is run). Shown only to those whose role allows the
 * subcommand, whose `needs` says so. A capability's subcommand adds its own (`helpButton`), which
 * runs it alone, between these and `all`.
 */
export const HELP_BUTTONS = {
  failed: { line: ['list', 'failed'] },
  running: { line: ['list', 'running'] },
  create: { line: ['create'] },
  all: { line: ['help', 'all'] },
} as const;
export type HelpButton = keyof typeof HELP_BUTTONS;
export const HELP_BUTTON_PREFIX = 'help.run.';

/** A button shown on the first screen: `help.run.<id>`, labelled `help.button.<id>`. */
export interface ShownButton {
  id: string;
  /** A capability's own words, where its label is when the bot's catalogue does not have it. */
  words?: Words;
  primary?: boolean;
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

export interface ShortHelpView {
  role: Role;
  connections: readonly string[];
  /**
   * A few typed commands that run here as shown, each with what it does (`help.line.<name>`, in a
   * capability's own `words` for its subcommand's line).
   */
  lines: readonly { name: string; command: string; words?: Words }[];
  /** The buttons this reader may use, in order. */
  buttons: readonly ShownButton[];
  tr?: Translator;
}

/** A summary in the reader's language, its examples naming this workspace's own connection. */
function summaryOf(e: HelpEntry, tr: Translator, connection: string): string {
  const key = `help.summary.${e.name ?? ''}`;
  const reader = e.words ? tr.with(e.words) : tr;
  return reader.has(key) ? reader.t(key, { connection }) : e.summary;
}

function header(tr: Translator, role: Role, connections: readonly string[]): KnownBlock[] {
  const list =
    connections.length > 0
      ? tr.t('help.connections', { list: connections.map((n) => code(escapeMrkdwn(n))).join(', ') })
      : tr.t('help.noConnections');
  return [
    { type: 'header', text: { type: 'plain_text', text: truncate(tr.t('help.header'), 150) } },
    context(`${tr.t('help.role', { role })} ${list}`),
  ];
}

/**
 * The first screen: who you are here, three or four commands that run here as typed, and buttons
 * for what people come for (what failed, what runs, a new migration); `help all` for the rest.
 */
export function renderShortHelp(view: ShortHelpView): KnownBlock[] {
  const tr = view.tr ?? ENGLISH;
  const lines = view.lines.map(({ name, command, words }) => {
    const key = `help.line.${name}`;
    const reader = words ? tr.with(words) : tr;
    return `• ${code(command)} ${reader.has(key) ? reader.t(key) : ''}`.trimEnd();
  });
  const buttons: Button[] = view.buttons.map((b) => {
    const key = `help.button.${b.id}`;
    const reader = b.words ? tr.with(b.words) : tr;
    return {
      type: 'button',
      action_id: `${HELP_BUTTON_PREFIX}${b.id}`,
      text: { type: 'plain_text', text: truncate(reader.has(key) ? reader.t(key) : b.id, 75) },
      value: b.id,
      ...(b.primary ? { style: 'primary' as const } : {}),
    };
  });
  const blocks = header(tr, view.role, view.connections);
  if (lines.length > 0) blocks.push(section(lines.join('\n')));
  if (buttons.length > 0)
    blocks.push({ type: 'actions', block_id: 'help.buttons', elements: buttons } satisfies ActionsBlock);
  blocks.push(context(tr.t('help.footer')));
  return blocks;
}

/** `help all`: every command, those the reader cannot run marked with the role they need. */
export function renderHelp(view: HelpView): KnownBlock[] {
  const tr = view.tr ?? ENGLISH;
  const connection = view.connections[0] ?? '<connection>';
  const lines = view.entries.map((e) => {
    const needs = e.needs ? tr.t('help.needs', { role: REQUIRED_ROLE[e.needs] }) : '';
    const example = e.example ? `\n      ${tr.t('help.example', { example: code(e.example) })}` : '';
    return `• ${code(e.usage)}${needs} — ${summaryOf(e, tr, connection)}${example}`;
  });
  const blocks = header(tr, view.role, view.connections);
  // One section per ~10 commands keeps every text far below Slack's 3,000 characters.
  for (let i = 0; i < lines.length; i += 10) blocks.push(section(lines.slice(i, i + 10).join('\n')));
  blocks.push(context(view.everything ? tr.t('help.footerAll') : tr.t('help.footer')));
  return blocks;
}
