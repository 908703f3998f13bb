import { describe, expect, it } from 'vitest';
import {
  renderRetryNote,
  retryActedBy,
  retryActedLine,
  retryButtons,
  retryLine,
  retryReportLines,
} from '../../../src/capabilities/auto-retry/retry-drawing.js';
import type { RetryFact, RetryNote } from '../../../src/capabilities/auto-retry/retry-fact.js';
import { LOCALES } from '../../../src/i18n/locale.js';
import { translatorFor } from '../../../src/i18n/translator.js';

// Issue 77: what automatic retries say (the card's line, its buttons, the thread's notes, who
// acted), in English, Korean and Chinese, every placeholder filled and nothing typed unescaped.
const AT = Date.parse('2026-11-29T14:20:00Z');
const history = [
  { n: 0, at: AT - 600_000, code: 'OMS.0161', cls: 'network' as const },
  { n: 1, at: AT - 60_000, cls: 'transient' as const, interrupted: true as const },
];
const base: RetryFact = {
  status: 'waiting',
  holdsFailure: true,
  since: AT - 600_000,
  attempt: 2,
  max: 3,
  at: AT,
  code: 'OMS.0161',
  cls: 'network',
  by: 'U0ALICE01',
  history,
};
const facts: RetryFact[] = [
  base,
  { ...base, status: 'running' },
  { ...base, status: 'succeeded' },
  ...(
    ['budget', 'max', 'class', 'refused', 'off', 'claimed', 'not-offered', 'partial', 'error'] as const
  ).map((reason): RetryFact => ({ ...base, status: 'gave-up', reason, said: 'Frozen by *<!here>*' })),
  { ...base, status: 'stopped', stoppedBy: 'U0BOB0001' },
];
const notes: RetryNote[] = [
  {
    type: 'held',
    name: 'nightly *<!channel>*',
    code: 'TRF.0001',
    cls: 'transient',
    attempt: 1,
    max: 3,
    at: AT,
  },
  { type: 'succeeded', name: 'nightly', retries: 2, history },
  { type: 'gave-up', name: 'nightly', reason: 'budget', history, cls: 'transient' },
  { type: 'gave-up', name: 'nightly', reason: 'partial', history: [], cls: 'partial' },
  { type: 'stopped', name: 'nightly', by: 'U0BOB0001' },
];

describe.each(LOCALES)('automatic retries in %s', (locale) => {
  const tr = translatorFor(locale);
  const english = translatorFor('en');
  const said = (text: string | undefined) => {
    expect(text).toBeTruthy();
    // Slack's date token carries its own {time}: every other placeholder is filled.
    expect(text?.replace(/<!date\^[^>]*>/g, '')).not.toMatch(/\{[a-z]+\}/);
    expect(text).not.toContain('<!here>');
    expect(text).not.toContain('<!channel>');
    return text!;
  };

  it('draws every card line and note, in its own words', () => {
    for (const fact of facts) {
      const line = said(retryLine(fact, tr));
      if (locale !== 'en') expect(line).not.toBe(retryLine(fact, english));
    }
    for (const note of notes) said(renderRetryNote(note, tr)?.text);
    for (const fact of facts.filter((f) => f.status === 'succeeded' || f.status === 'gave-up')) {
      const lines = retryReportLines(fact, tr);
      expect(lines.length).toBeGreaterThan(2);
      for (const line of lines) said(line);
    }
    expect(retryReportLines(base, tr)).toEqual([]);
    said(retryActedLine({ attempt: 1, max: 3 }, 'U0ALICE01', tr));
    said(retryActedBy({ attempt: 1, max: 3 }, 'U0ALICE01', tr));
    const resource = { connection: 'hw-prod', kind: 'task' as const, id: '1', state: 'failed' as const };
    const labels = retryButtons(base, tr, resource).map((b) => b.text.text);
    expect(labels).toHaveLength(2);
    for (const label of labels) expect(label.length).toBeLessThanOrEqual(75);
    expect(retryButtons({ ...base, status: 'running' }, tr, resource)).toEqual([]);
  });
});
