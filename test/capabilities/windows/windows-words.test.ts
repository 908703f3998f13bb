import { describe, expect, it } from 'vitest';
import { windows } from '../../../src/capabilities/windows/windows.js';
import { LOCALES } from '../../../src/i18n/locale.js';
import { MESSAGES } from '../../../src/i18n/translator.js';

/**
 * The time windows' sentences are the capability's own (`capabilities/windows/words/`, ADR 0021):
 * none left in the bot's catalogues; the days a window runs on, which other surfaces say too, are
 * the bot's as `days.*` and `days.on.*` (`zoned-words.ts`).
 */
describe('the windows’ words', () => {
  it('left the bot’s catalogues for the capability’s, in every language', () => {
    for (const locale of LOCALES) {
      const left = Object.keys(MESSAGES[locale]).filter((k) => k.startsWith('window.'));
      expect(left, locale).toEqual([]);
      // Its 24 own, 13 of the core's surfaces renamed under `window.` (card, watch, Home), its help.
      expect(Object.keys(windows.words![locale]).length, locale).toBe(38);
      expect(windows.words![locale]['window.card.paused'], locale).toBeTruthy();
      expect(MESSAGES[locale]['days.on.weekdays'], locale).toBeTruthy();
      expect(windows.words![locale]['window.line'], locale).toBeTruthy();
    }
  });
});
