import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCut } from '../../../src/capabilities/cutover/cut-post.js';
import { type Cutover, newSteps, STEP_STATES, STEPS } from '../../../src/capabilities/cutover/cut-record.js';
import { requestBlocks } from '../../../src/capabilities/cutover/sync-command.js';
import type { SyncSchedule } from '../../../src/capabilities/cutover/sync-record.js';
import ko from '../../../src/capabilities/cutover/words/ko.json' with { type: 'json' };
import zh from '../../../src/capabilities/cutover/words/zh-CN.json' with { type: 'json' };
import verifyKo from '../../../src/capabilities/verification/words/ko.json' with { type: 'json' };
import { translatorFor } from '../../../src/i18n/translator.js';

// What the cut-over screenshots (test/playground/screens/verification/screens-cutover.test.ts)
// showed wrong, each checked here without a browser: marks the page drew as empty boxes, ISO times
// with milliseconds, an ASCII colon in Chinese, and a Korean sign-off named as an approval.
const cut = (state: (typeof STEP_STATES)[number]): Cutover => ({
  id: 'abcdef0123',
  team: 'T1',
  channel: 'C1',
  connection: 'hw',
  provider: 'huawei-oms',
  kind: 'task',
  resourceId: '42',
  name: 'photos',
  starter: 'U1',
  startedAt: 0,
  freezeMin: 30,
  watchDays: 7,
  status: 'running',
  steps: Object.fromEntries(STEPS.map((n) => [n, { state }])) as Cutover['steps'],
});
const emojiPage = readFileSync(path.resolve('dev/playground/web/emoji.js'), 'utf8');
const tableOf = (name: string) =>
  new RegExp(`export const ${name} = \\{([\\s\\S]*?)\\n\\};`).exec(emojiPage)![1]!;

/** Every mrkdwn text of the post's blocks, one per line. */
const drawn = (c: Cutover, locale: 'en' | 'ko' | 'zh-CN') =>
  (renderCut({ kind: 'cut', cut: c }, translatorFor(locale)).blocks ?? [])
    .map((b) => (b as { text?: { text?: string } }).text?.text ?? '')
    .join('\n');

describe('the cut-over post as people see it', () => {
  it('marks each step with a Slack shortcode the playground draws (an emoji font or not)', () => {
    for (const state of STEP_STATES) {
      const text = drawn(cut(state), 'en');
      expect(text, state).not.toMatch(/\p{Extended_Pictographic}/u);
      const marks = [...text.matchAll(/^:([a-z_]+): \d\./gm)].map((m) => m[1]!);
      expect(marks, state).toHaveLength(STEPS.length);
      for (const mark of marks) {
        expect(tableOf('EMOJI')).toMatch(new RegExp(`^\\s*${mark}:`, 'm'));
        expect(tableOf('FALLBACK')).toMatch(new RegExp(`^\\s*${mark}:`, 'm'));
      }
    }
  });

  it('writes the step line with the language’s own colon', () => {
    const line = (locale: 'en' | 'ko' | 'zh-CN') => drawn({ ...cut('waiting'), steps: newSteps() }, locale);
    expect(line('en')).toContain('4. Sign-off: *waiting*');
    expect(line('zh-CN')).toContain('4. 签核：');
    expect(line('zh-CN')).not.toMatch(/\d\. [^\n]*[^\s]: \*/);
  });

  it('names the Korean sign-off as the verification does (서명), never as an approval (승인)', () => {
    expect((verifyKo as Record<string, string>)['verify.signOff']).toBe('서명');
    const words = ko as Record<string, string>;
    for (const key of [
      'cutover.cut.button.signoff',
      'cutover.cut.step.signoff',
      'cutover.cut.signed',
      'cutover.cut.signedYou',
    ])
      expect(words[key], key).toContain('서명');
    for (const key of [
      'cutover.cut.button.signoff',
      'cutover.cut.step.signoff',
      'cutover.cut.signed',
      'cutover.cut.signedYou',
      'cutover.cut.plan.signoff',
    ])
      expect(words[key], key).not.toContain('승인 (');
    expect(words['cutover.cut.step.signoff']).not.toContain('승인');
  });

  it('quotes in Chinese with Chinese quotation marks (“切换完成”), never ASCII ones', () => {
    const ascii = Object.entries(zh as Record<string, string>).filter(([, v]) => v.includes('"'));
    expect(ascii.map(([k]) => k)).toEqual([]);
    expect((zh as Record<string, string>)['cutover.cut.plan.complete']).toContain('“切换完成”');
  });

  it('says the keep-in-sync end and the pre-flight time in each reader’s time zone', () => {
    const s = {
      connection: 'hw',
      resourceId: '42',
      name: 'photos',
      provider: 'huawei-oms',
      everyH: 6,
      until: Date.UTC(2026, 11, 13, 6, 27, 45, 520),
      max: 20,
      requester: 'U1',
    } as SyncSchedule;
    const { text } = requestBlocks(s, 'since', Date.UTC(2026, 10, 29, 6, 27, 27, 909), translatorFor('en'));
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(text.match(/<!date\^\d+\^/g)).toHaveLength(2);
  });
});
