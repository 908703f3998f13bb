import { describe, expect, it } from 'vitest';
import { windows } from '../../src/capabilities/windows/windows.js';
import { LOCALES } from '../../src/i18n/locale.js';
import { MESSAGES } from '../../src/i18n/translator.js';

/**
 * The time windows' sentences are the capability's own (`capabilities/windows/words/`, ADR 0021):
 * none left in the bot's catalogues but the days a window runs on, which other surfaces say too
 * (`zoned-words.ts`: `window.days.*`, `window.on.*`).
 */
describe('the windows’ words', () => {
  it('left the bot’s catalogues for the capability’s, in every language', () => {
    for (const locale of LOCALES) {
      const left = Object.keys(MESSAGES[locale]).filter(
        (k) => k.startsWith('window.') && !/^window\.(?:days|on)\./.test(k),
      );
      expect(left, locale).toEqual([]);
      expect(Object.keys(windows.words![locale]).length, locale).toBe(24);
      expect(windows.words![locale]['window.line'], locale).toBeTruthy();
    }
  });
});
