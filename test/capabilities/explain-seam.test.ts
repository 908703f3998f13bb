import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain } from '../../src/capabilities/explain/index.js';
import { EXPLAIN_WORDS } from '../../src/capabilities/explain/words.js';
import { MESSAGES } from '../../src/i18n/translator.js';
import { SUBCOMMANDS } from '../../src/slack/listeners/commands/subcommands/index.js';
import { startedForReading, subcommandsOf } from '../harness/started-capabilities.js';
import { messageText, TestBot } from '../harness/test-bot.js';
import { importersOf, sources } from './folder-importers.js';

const READING = startedForReading();

/**
 * `/migrate explain` is one capability folder: the subcommand and its words. A failure the bot
 * sees is explained by the core (`slack/blocks/failure-explanation.ts`: the card, the thread, the
 * channel's listing and the buttons' order read it), which the answer here shares its wording
 * with; so outside `src/capabilities/explain/` only the registry names it.
 */
const FOLDER = 'capabilities/explain/';
const IMPORTS_IT = /from\s+'[./]*(?:capabilities\/)?explain\/[^']+'/;

describe('the explain capability is one folder', () => {
  it('is named outside its folder only by the registry', () => {
    expect(importersOf(FOLDER, IMPORTS_IT)).toEqual(['capabilities/registry.ts']);
  });

  it('brings its subcommand through the registry, not the core’s list', () => {
    const theirs = READING.subcommands();
    const core = SUBCOMMANDS.map((s) => s.name);
    expect(core).not.toContain('explain');
    expect(theirs).toEqual(expect.arrayContaining([...subcommandsOf(explain)]));
    expect(subcommandsOf(explain).map((s) => [s.name, s.aliases])).toEqual([['explain', ['why']]]);
  });

  it('keeps its words in its folder, none of them the bot’s', () => {
    const keys = Object.keys(EXPLAIN_WORDS.en);
    expect(keys).toContain('explain.didYouMean');
    expect(keys.filter((k) => k in MESSAGES.en)).toEqual([]);
  });

  it('left nothing at the old place', () => {
    expect(sources().filter((f) => f === 'slack/listeners/commands/subcommands/explain.ts')).toEqual([]);
  });
});

describe('its answers, over signed HTTP, in the reader’s language from its own words', () => {
  const t = new TestBot();
  const KOREAN = 'U0KOREAN1';
  beforeAll(async () => {
    await t.start();
    t.fakeSlack.locales.set(KOREAN, 'ko-KR');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('asks "did you mean" and refuses what is no code, in Korean; help shows its summary', async () => {
    const corrected = messageText(await t.ask('explain trf.15', { userId: KOREAN }));
    expect(corrected).toContain(':mag: `TRF.0015`를 찾으셨나요?');
    const refused = messageText(await t.ask('explain hello there friend', { userId: KOREAN }));
    expect(refused).toContain('오류 코드가 아닙니다.');
    const help = messageText(await t.ask('help explain', { userId: KOREAN }));
    expect(help).toContain(EXPLAIN_WORDS.ko['help.summary.explain'].slice(0, 20));
  });
});
