import { describe, expect, it } from 'vitest';
import { ENGLISH, Translator } from '../../src/i18n/translator.js';
import { estimateEta } from '../../src/reports/eta.js';
import { pausedEnd, type WindowSpans } from '../../src/reports/window-spans.js';
import { etaWords } from '../../src/slack/blocks/eta-words.js';

// Issue 48 item 2 with item 1: the ETA leaves a window's paused hours out ("ETA Tue 03:00 KST,
// paused 09:00–18:00 on weekdays"). Fixed clocks, in the windows' own zones.
const H = 3_600_000;
const GiB = 1024 ** 3;
const office: WindowSpans = {
  name: 'office hours',
  days: [1, 2, 3, 4, 5],
  start: 9 * 60,
  end: 18 * 60,
  zone: 'Asia/Seoul',
};
const nights: WindowSpans = {
  name: 'nights',
  days: [0, 1, 2, 3, 4, 5, 6],
  start: 22 * 60,
  end: 6 * 60,
  zone: 'Asia/Seoul',
};
const pause = (w: WindowSpans) => ({ ...w, action: 'pause' as const });
/** Running, with a provider speed that leaves exactly `hours` of work. */
const running = (hours: number) => ({
  state: 'running' as const,
  bytes: { done: 0, total: hours * 3600 * GiB },
  speed: GiB,
});

describe('an ETA through time windows', () => {
  it('steps over a window in the day: 3 h of work from Mon 08:00 KST ends at 20:00 KST', () => {
    const now = Date.parse('2026-11-09T08:00:00+09:00'); // Monday
    const { at, pausedBy } = pausedEnd(now, 3 * H, [office]);
    expect(new Date(at).toISOString()).toBe('2026-11-09T11:00:00.000Z'); // 20:00 KST
    expect(pausedBy).toEqual([office]);
    const eta = estimateEta(running(3), { windows: [pause(office)], now });
    expect(eta).toMatchObject({ known: true, seconds: 12 * 3600, paused: { at } });
    expect(etaWords(eta, ENGLISH, now)).toBe('ETA Mon 20:00 KST, paused 09:00–18:00 on weekdays');
  });

  it('steps over a window across midnight: 5 h from Tue 21:00 KST ends Wed 10:00 KST', () => {
    const now = Date.parse('2026-11-10T21:00:00+09:00');
    const { at } = pausedEnd(now, 5 * H, [nights]);
    expect(new Date(at).toISOString()).toBe('2026-11-11T01:00:00.000Z'); // Wed 10:00 KST
    const eta = estimateEta(running(5), { windows: [pause(nights)], now });
    expect(etaWords(eta, ENGLISH, now)).toBe('ETA Wed 10:00 KST, paused 22:00–06:00 daily');
    expect(etaWords(eta, new Translator('ko'), now)).toBe(
      '예상 완료 (수) 10:00 KST (매일 22:00–06:00 일시 중지 포함)',
    );
    // 30 h of work from Tue 21:00 pauses two nights (8 h each): Thu 19:00 KST.
    expect(new Date(pausedEnd(now, 30 * H, [nights]).at).toISOString()).toBe('2026-11-12T10:00:00.000Z');
  });

  it('pauses nothing on days the window skips, nor an occurrence `skip` lets through', () => {
    // Friday 18:30 KST: 20 h of work ends Saturday 14:30; a weekday window is not in the way.
    const friday = Date.parse('2026-11-13T18:30:00+09:00');
    const eta = estimateEta(running(20), { windows: [pause(office)], now: friday });
    expect(eta).toEqual({ known: true, seconds: 20 * 3600, basis: 'provider' });
    const now = Date.parse('2026-11-09T08:00:00+09:00');
    const skipped = { ...office, skip: Date.parse('2026-11-09T09:00:00+09:00') };
    expect(pausedEnd(now, 3 * H, [skipped])).toEqual({ at: now + 3 * H, pausedBy: [] });
    // The next day's occurrence still counts: 25 h to Tue 09:00, paused to 18:00, 1 h more.
    expect(new Date(pausedEnd(now, 26 * H, [skipped]).at).toISOString()).toBe('2026-11-10T10:00:00.000Z');
  });

  it('does not count the occurrence under way as it runs (a person resumed it), nor cap windows', () => {
    const inside = Date.parse('2026-11-09T10:00:00+09:00');
    expect(pausedEnd(inside, 2 * H, [office])).toEqual({ at: inside + 2 * H, pausedBy: [] });
    const cap = { ...office, action: 'limit' as const };
    expect(estimateEta(running(3), { windows: [cap], now: Date.parse('2026-11-09T08:00:00+09:00') })).toEqual(
      {
        known: true,
        seconds: 3 * 3600,
        basis: 'provider',
      },
    );
  });

  it('keeps to wall-clock hours across a DST change (New York, 1 Nov 2026)', () => {
    const morning: WindowSpans = {
      name: 'm',
      days: [0, 1, 2, 3, 4, 5, 6],
      start: 9 * 60,
      end: 10 * 60,
      zone: 'America/New_York',
    };
    // Sat 31 Oct 12:00 UTC is 08:00 EDT: 1 h of work, paused 09:00–10:00 EDT (13–14 UTC), then
    // 23.5 h more end Sunday 13:30 UTC, 08:30 EST: before Sunday's window (14–15 UTC after the
    // clocks went back). A fixed UTC-4 offset would have paused it at 13:00 UTC and said 14:30.
    const now = Date.parse('2026-10-31T12:00:00Z');
    expect(new Date(pausedEnd(now, 24.5 * H, [morning]).at).toISOString()).toBe('2026-11-01T13:30:00.000Z');
    expect(new Date(pausedEnd(now, 25.5 * H, [morning]).at).toISOString()).toBe('2026-11-01T15:30:00.000Z');
  });

  it('is bounded: a window every day and weeks of work end, counted past 100 pauses without them', () => {
    const now = Date.parse('2026-11-09T08:00:00+09:00');
    // Bounded by its count of pauses, not by a measured time: a loop without one would run out
    // the test's timeout instead of returning.
    const { at, pausedBy } = pausedEnd(now, 2_000 * H, [nights]);
    expect(at).toBeGreaterThan(now + 2_000 * H);
    expect(pausedBy).toEqual([nights]);
  });
});
