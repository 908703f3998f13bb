import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPLAIN_WORDS } from '../../../src/capabilities/explain/words.js';
import type { Capability } from '../../../src/contract/capability.js';
import { defineSubcommand } from '../../../src/contract/subcommand.js';
import { defineWords } from '../../../src/i18n/words.js';
import { startedForReading } from '../../harness/started-capabilities.js';
import { messageText, TestBot } from '../../harness/test-bot.js';

const READING = startedForReading();

/**
 * `/migrate help`'s first screen lists a capability's subcommand (`explain`) because the
 * capability says so (`firstLine`), not because the core names it: a capability the registry does
 * not list gets its line, with its own words, in the reader's language, between the core's
 * commands that read and those that act.
 */
const NOTES_WORDS = defineWords(
  {
    'help.line.notes': 'reads the shift’s notes.',
    'help.summary.notes': 'The shift’s notes.',
    'help.button.notes': 'Shift notes',
  },
  {
    ko: {
      'help.line.notes': '교대 메모를 읽습니다.',
      'help.summary.notes': '교대 메모.',
      'help.button.notes': '교대 메모',
    },
    'zh-CN': {
      'help.line.notes': '查看本班的备注。',
      'help.summary.notes': '本班的备注。',
      'help.button.notes': '本班备注',
    },
  },
);

const notes: Capability = {
  name: 'notes',
  words: NOTES_WORDS,
  start: () => ({ commands: { subcommands: [NOTES] } }),
};

const NOTES = defineSubcommand<Record<string, never>>({
  name: 'notes',
  needs: 'view',
  usage: '/migrate notes',
  summary: NOTES_WORDS.en['help.summary.notes'],
  words: NOTES_WORDS,
  example: () => '/migrate notes',
  firstLine: () => '/migrate notes today',
  helpButton: 'use',
  related: [],
  parse: () => ({}),
  run: async (ctx) => {
    await ctx.reply({ text: 'no notes' });
  },
});

const HELP_SOURCES = ['slack/listeners/commands/subcommands/help.ts', 'slack/blocks/help.ts'];

describe('the core’s help names no capability', () => {
  it.each(HELP_SOURCES)('%s has no capability’s subcommand as a literal', (file) => {
    const text = readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'src', file), 'utf8');
    const names = READING.subcommands().flatMap((s) => [s.name, ...s.aliases]);
    expect(names).toContain('explain');
    expect(names.filter((name) => new RegExp(`['\`/]${name}\\b`).test(text))).toEqual([]);
  });
});

describe('a capability’s line on the first screen', () => {
  const t = new TestBot();
  const VIEWER = 'U0VIEW003';
  const KOREAN = 'U0KOREAN3';
  beforeAll(async () => {
    await t.start({ capabilities: [notes] });
    t.fakeSlack.locales.set(KOREAN, 'ko-KR');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('comes from its definition, after the core’s reads and before its acts', async () => {
    const text = messageText(await t.ask('help'));
    const order = ['/migrate status', '/migrate explain TRF.0015', '/migrate notes today', '/migrate watch'];
    const at = order.map((line) => text.indexOf(line));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(text).toContain('`/migrate notes today` reads the shift’s notes.');
    expect(text).toContain(`\`/migrate explain TRF.0015\` ${EXPLAIN_WORDS.en['help.line.explain']}`);
  });

  it('is said from its own words in the reader’s language, and shown to whoever may run it', async () => {
    const korean = messageText(await t.ask('help', { userId: KOREAN }));
    expect(korean).toContain('`/migrate notes today` 교대 메모를 읽습니다.');
    expect(korean).toContain(EXPLAIN_WORDS.ko['help.line.explain']);
    expect(messageText(await t.ask('help', { userId: VIEWER }))).toContain('/migrate notes today');
  });

  it('has its own button when it declares one, after the core’s, labelled in its words', async () => {
    const ids = (answer: Awaited<ReturnType<TestBot['ask']>>) =>
      (answer.blocks as { type: string; elements?: { action_id: string; text: { text: string } }[] }[])
        .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
        .map((e) => `${e.action_id}=${e.text.text}`);
    expect(ids(await t.ask('help'))).toEqual([
      'help.run.failed=What failed',
      'help.run.running=What is running',
      'help.run.create=New migration',
      'help.run.connect=Add a connection',
      'help.run.notes=Shift notes',
      'help.run.all=All commands',
    ]);
    expect(ids(await t.ask('help', { userId: KOREAN }))).toContain('help.run.notes=교대 메모');
    const clicked = await t.click('help.run.notes', 'notes', { userId: VIEWER });
    expect(messageText(await clicked.answer())).toContain('no notes');
  });

  it('is among what `help help` relates to', async () => {
    const text = messageText(await t.ask('help help'));
    expect(text).toMatch(/explain/);
    expect(text).toMatch(/notes/);
  });
});

describe('a workspace without a connection', () => {
  const t = new TestBot();
  beforeAll(async () => {
    await t.start({ connections: () => [] });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('is offered only what sets one up, as the primary button, and every command', async () => {
    const answer = await t.ask('help');
    const buttons = (answer.blocks as { type: string; elements?: { action_id: string; style?: string }[] }[])
      .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
      .map((e) => `${e.action_id}${e.style ? `:${e.style}` : ''}`);
    expect(buttons).toEqual(['help.run.connect:primary', 'help.run.all']);
  });
});
