import { describe, expect, it } from 'vitest';
import { fromSlackLocale, parseLanguage } from '../../src/i18n/locale.js';
import { ENGLISH, translatorFor } from '../../src/i18n/translator.js';

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
    // The sizes, counts, durations and percentages the bot printed before the translator, written out.
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
    ] as const)
      expect(ENGLISH.bytes(n)).toBe(shown);
    for (const [n, shown] of [
      [0, '0'],
      [7, '7'],
      [1234, '1,234'],
      [1234567, '1,234,567'],
    ] as const)
      expect(ENGLISH.count(n)).toBe(shown);
    for (const [s, shown] of [
      [0, '0 s'],
      [59, '59 s'],
      // As people say them: past a minute, no seconds; a zero part left out (issue 59).
      [60, '1 min'],
      [64, '1 min'],
      [1800, '30 min'],
      [3599, '1 h'],
      [3600, '1 h'],
      [7322, '2 h 2 min'],
      [48 * 3600, '2 days'],
      [49 * 3600 + 5, '2 days 1 h'],
    ] as const)
      expect(ENGLISH.duration(s)).toBe(shown);
    for (const [s, shown] of [
      [30, 'under 2 min'],
      [600, 'about 10 min'],
      [2693, 'about 45 min'],
      [5400, 'about 1½ h'],
      [9 * 3600, 'about 9 h'],
      [20 * 3600, 'about 20 h'],
      [72 * 3600, 'about 3 days'],
    ] as const)
      expect(ENGLISH.about(s)).toBe(shown);
    for (const [f, shown] of [
      [0, '0%'],
      [0.05, '5.0%'],
      [0.37, '37%'],
      [1, '100%'],
    ] as const)
      expect(ENGLISH.percent(f)).toBe(shown);
  });

  it('speaks Korean and Chinese with their own units and plurals', () => {
    const ko = translatorFor('ko');
    const zh = translatorFor('zh-CN');
    expect(ko.duration(185)).toBe('3분');
    expect(zh.duration(185)).toBe('3 分钟');
    expect(ko.duration(3600)).toBe('1시간');
    expect(zh.duration(3900)).toBe('1 小时 5 分钟');
    expect(ko.duration(49 * 3600)).toBe('2일 1시간');
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
