import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText, TestBot } from '../../harness/test-bot.js';

/**
 * Issue #51 item 9: a refused `/migrate bandwidth` named OMS's request fields
 * (`bandwidth_policy[0].end`, `max_bandwidth`). It names the field as the create form labels it,
 * in the asker's language, and nothing reaches OMS.
 */
const OPERATOR = 'U0OPER009';
const KOREAN = 'U0KOREAN9';
const t = new TestBot();

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
  await t.ask(`access grant <@${KOREAN}|kim> operator`);
  t.fakeSlack.locales.set(KOREAN, 'ko-KR');
});
afterAll(async () => {
  await t.stop();
});

const INTERNAL = /bandwidth_policy|max_bandwidth|\[\d\]/;

describe('a refused bandwidth window', () => {
  it('is told with the form’s label and the window, never the request’s field names', async () => {
    const task = t.oms.addTask({ id: '800900000000001', name: 'bw-words', status: 2 });
    for (const [windows, said] of [
      ['23:00-23:00=10MB/s', 'Bandwidth windows: Window 1: start and end must differ.'],
      ['00:00-06:00=500MB/s', 'Bandwidth windows: Window 1: the rate must be from 1 MB/s to 200 MB/s'],
      [
        '00:00-06:00=10MB/s 05:00-07:00=10MB/s',
        'Bandwidth windows: Windows 1 (00:00–06:00) and 2 (05:00–07:00) overlap.',
      ],
    ] as const) {
      const text = messageText(await t.ask(`bandwidth ${task.id} ${windows}`, { userId: OPERATOR }));
      expect(text).toContain(said);
      expect(text).not.toMatch(INTERNAL);
    }
    expect(t.oms.task(task.id)?.bandwidthPolicy ?? []).toEqual([]);
  });

  it('in the asker’s language', async () => {
    const task = t.oms.addTask({ id: '800900000000002', name: 'bw-words-ko', status: 2 });
    const text = messageText(await t.ask(`bandwidth ${task.id} 00:00-06:00=500MB/s`, { userId: KOREAN }));
    expect(text).toContain('대역폭 제한 시간대: 1번째 시간대: 속도는 1~200 MB/s');
    expect(text).not.toMatch(INTERNAL);
    expect(text).not.toMatch(/\b(must|window)\b/);
  });
});
