import { describe, expect, it } from 'vitest';
import { renderReconcile } from '../../src/capabilities/objects/reconcile-view.js';
import { type CheckOutcome, checkLines } from '../../src/capabilities/objects/report.js';
import { retryBlocks } from '../../src/capabilities/objects/retry-view.js';
import { renderVerification } from '../../src/capabilities/verification/verification-post.js';
import { LOCALES } from '../../src/i18n/locale.js';
import { translatorFor } from '../../src/i18n/translator.js';

// The bucket check's post (issue 62) in every language: each state and figure it can show, the
// reader's words around the keys, which stay as they are and inert.

const base: CheckOutcome = {
  status: 'done',
  name: 'photos *copy*',
  ref: 'hw-prod:1912',
  deep: false,
  cap: 100_000,
  tally: {
    source: 1_208,
    destination: 1_205,
    matched: 1_203,
    missing: 4,
    different: 1,
    extra: 1,
    etagCompared: 1_204,
  },
  firsts: { missing: ['<@U0ALICE01>', 'a\u0001b'], different: ['photos/0042.jpg'], extra: ['x'] },
  problems: [],
  failedList: { count: 7, firsts: ['f1'], truncated: true },
  csvRows: 100_000,
  csvCut: true,
};

const variants: CheckOutcome[] = [
  base,
  { ...base, checkedThrough: 'photos/9999.jpg' },
  { ...base, status: 'running' },
  { ...base, status: 'cancelled', cancelledBy: 'U0ALICE01' },
  { ...base, status: 'stopped' },
  {
    ...base,
    tally: { ...base.tally, missing: 0, different: 0, extra: 0 },
    firsts: { missing: [], different: [], extra: [] },
  },
  {
    ...base,
    problems: (
      ['not-s3', 'no-keys', 'no-bucket', 'no-endpoint', 'denied', 'unreachable', 'refused'] as const
    ).map((why) => ({
      side: 'destination' as const,
      why,
      cloud: 'Azure',
      bucket: 'b',
      credential: 'obs-dst',
      storeCode: 'AccessDenied',
    })),
  },
  ...(['denied', 'no-bucket', 'no-object', 'unreachable', 'refused'] as const).map((problem) => ({
    ...base,
    failedList: { count: 0, firsts: [], truncated: false, problem },
  })),
];

describe('the bucket check’s post in every language', () => {
  it.each(LOCALES)('%s: every variant renders, within Slack’s section limit, keys inert', (locale) => {
    const tr = translatorFor(locale);
    for (const outcome of variants) {
      const lines = checkLines(outcome, tr);
      const text = lines.join('\n');
      expect(text.length).toBeLessThan(3_000);
      expect(text).not.toMatch(/\{[a-zA-Z]+[,}]/);
      expect(text).not.toContain('<@U0ALICE01>`');
      expect(text).not.toContain('*copy*');
      if (locale !== 'en') expect(text).toMatch(/[\u3131-\uD79D\u4E00-\u9FFF]/);
    }
    expect(checkLines(base, tr).join('\n')).toContain('`a\\u0001b`');
  });
});

// Issue 74's words: what OMS's list does not name, what a run never moved beside its retry, and
// the failed objects named on the verification post, in every language, placeholders filled.
describe('issue 74’s retry and list words in every language', () => {
  it.each(LOCALES)('%s: renders them filled, in the reader’s words', (locale) => {
    const tr = translatorFor(locale);
    const retry = { connection: 'hw-prod', kind: 'task', id: '1912', list: { provider: 'Huawei OMS' } };
    const texts = [
      JSON.stringify(retryBlocks({ ...base, unlisted: 13 }, retry, tr)),
      JSON.stringify(
        renderReconcile(
          {
            kind: 'reconcile',
            retry: 'pics · retry 1',
            ref: 'hw-prod:1912',
            status: 'done',
            total: 7,
            checked: 7,
            arrived: 7,
            still: 0,
            different: 0,
            firsts: [],
            problems: [],
            rest: { left: 33, state: 'failed', connection: 'hw-prod', resume: { kind: 'task', id: '1912' } },
          },
          tr,
        ),
      ),
      JSON.stringify(
        renderVerification(
          {
            kind: 'verification',
            at: 1,
            report: {
              connection: 'hw-prod',
              kind: 'task',
              id: '1912',
              name: 'pics',
              state: 'failed',
              basis: 'outcomes',
              outcome: 'matches',
              objects: { total: 40, succeeded: 33, failed: 7 },
              bytes: {},
              lists: {
                failed: {
                  recorded: true,
                  path: 'oms/f.txt',
                  names: { keys: ['a/<!here>.bin', 'b'], more: true },
                },
              },
            },
          } as never,
          tr,
        ),
      ),
    ];
    for (const text of texts) {
      expect(text).not.toMatch(/\{[a-zA-Z]+[,}]/);
      if (locale !== 'en') expect(text).toMatch(/[\u3131-\uD79D\u4E00-\u9FFF]/);
    }
    expect(texts[0]).toContain('/migrate create hw-prod');
    expect(texts[1]).toContain('resource.resume');
    expect(texts[1]).toContain('33');
    expect(texts[2]).toContain('&lt;!here&gt;');
  });
});
