import { describe, expect, it } from 'vitest';
import { renderWatchNote, type WatchNote } from '../../../src/capabilities/cutover/watch/watch-note.js';
import { translatorFor } from '../../../src/i18n/translator.js';

// Issue 76: a batch of writes to the old bucket in each language: the count, the first five keys
// as inert code and how many more, and the Run one more delta button.
const batch: WatchNote = {
  kind: 'old-bucket',
  key: 'cutover.watch.batch',
  values: { ref: '`oms:1912`', count: 7, since: '2026-12-24 06:00' },
  keys: ['a.log', 'b.log', 'c.log', 'd.log', '<!here> `e`.log'],
  watch: '0123456789abcdef',
};

describe('an old-bucket batch, as drawn', () => {
  it.each([
    ['en', '7 objects written to the old bucket since the cut-over', 'and 2 more', 'Run one more delta'],
    ['ko', '객체 7개가 기록되었습니다', '외 2개', '델타 한 번 더 실행'],
    ['zh-CN', '有 7 个对象写入了旧存储桶', '等另外 2 个', '再运行一次增量'],
  ] as const)('in %s', (locale, says, more, button) => {
    const { text, blocks } = renderWatchNote(batch, translatorFor(locale));
    expect(text).toContain(says);
    expect(text).toContain(more);
    // The keys are code, their markup inert.
    expect(text).toContain('`&lt;!here&gt; ˋeˋ.log`');
    expect(text).not.toContain('<!here>');
    expect(JSON.stringify(blocks.at(-1))).toContain(button);
    expect(JSON.stringify(blocks.at(-1))).toContain('cutover.watch.delta');
  });

  it('names one object in the singular and draws no button on other lines', () => {
    const one = renderWatchNote({ ...batch, values: { ...batch.values, count: 1 }, keys: ['a.log'] });
    expect(one.text).toContain('1 object written to the old bucket');
    expect(one.text).not.toContain('more');
    const ended = renderWatchNote({
      kind: 'old-bucket',
      key: 'cutover.watch.ended',
      values: { ref: 'x', days: 7, batches: 1 },
    });
    expect(ended.text).toBe('The old-bucket watch of x ended after 7 days (1 batch of new writes told).');
    expect(ended.blocks).toHaveLength(1);
  });
});
