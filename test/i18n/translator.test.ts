import { describe, expect, it } from 'vitest';
import { fromSlackLocale, parseLanguage } from '../../src/i18n/locale.js';
import { ENGLISH, translatorFor } from '../../src/i18n/translator.js';
import {
  aboutDuration,
  formatBytes,
  formatCount,
  formatDuration,
  formatPercent,
} from '../../src/slack/blocks/format.js';

describe('Slack locales', () => {
  it.each([
    ['ko-KR', 'ko'],
    ['ko', 'ko'],
    ['zh-CN', 'zh-CN'],
    ['zh-TW', 'en'],
    ['zh-HK', 'en'],
    ['en-US', 'en'],
    ['ja-JP', 'en'],
    [undefined, 'en'],
    ['', 'en'],
  ])('%s reads as %s', (slack, ours) => {
    expect(fromSlackLocale(slack)).toBe(ours);
  });

  it('takes what admins type for a language', () => {
    expect(parseLanguage('ko')).toBe('ko');
    expect(parseLanguage('ZH-cn')).toBe('zh-CN');
    expect(parseLanguage('zh')).toBe('zh-CN');
    expect(parseLanguage('EN')).toBe('en');
    expect(parseLanguage('fr')).toBeUndefined();
    expect(parseLanguage('zh-TW')).toBeUndefined();
  });
});

describe('Translator', () => {
  it('formats figures in English exactly as the bot always did', () => {
    // formatBytes is the English translator's now: the sizes it printed before, written out.
    for (const [n, shown] of [
      [0, '0 B'],
      [1, '1 B'],
      [999, '999 B'],
      [1023, '1023 B'],
      [1024, '1.0 KiB'],
      [1536, '1.5 KiB'],
      [1024 ** 2, '1.0 MiB'],
      [100 * 1024 ** 2, '100 MiB'],
      [5.25 * 1024 ** 3, '5.3 GiB'],
      [1024 ** 5 * 3, '3.0 PiB'],
    ] as const) {
      expect(ENGLISH.bytes(n)).toBe(shown);
      expect(formatBytes(n)).toBe(shown);
    }
    for (const n of [0, 7, 1234, 1234567]) expect(ENGLISH.count(n)).toBe(formatCount(n));
    for (const s of [0, 59, 61, 3599, 3600, 7322, 49 * 3600 + 5])
      expect(ENGLISH.duration(s)).toBe(formatDuration(s));
    for (const s of [30, 600, 2693, 5400, 9 * 3600, 20 * 3600, 72 * 3600])
      expect(ENGLISH.about(s)).toBe(aboutDuration(s));
    for (const f of [0, 0.05, 0.37, 1]) expect(ENGLISH.percent(f)).toBe(formatPercent(f));
  });

  it('speaks Korean and Chinese with their own units and plurals', () => {
    const ko = translatorFor('ko');
    const zh = translatorFor('zh-CN');
    expect(ko.duration(185)).toBe('3분 5초');
    expect(zh.duration(185)).toBe('3 分 5 秒');
    expect(ko.about(3 * 24 * 3600)).toBe('약 3일');
    expect(zh.about(3 * 24 * 3600)).toBe('约 3 天');
    expect(ENGLISH.about(3 * 24 * 3600)).toBe('about 3 days');
    expect(ko.count(1234567)).toBe('1,234,567');
    expect(zh.bytes(1536)).toBe('1.5 KiB');
    expect(ko.t('card.objects.failed', { n: ko.count(3) })).toBe('3개 실패');
    expect(zh.list(['a', 'b', 'c'])).toBe('a、b和c');
  });

  it('keeps mrkdwn and mentions as they are (no tag parsing)', () => {
    expect(ENGLISH.t('card.acted', { words: 'Paused', user: '<@U1>', ago: '<!date^1^{ago}|x>' })).toBe(
      'Paused by <@U1> · <!date^1^{ago}|x>',
    );
  });
});
