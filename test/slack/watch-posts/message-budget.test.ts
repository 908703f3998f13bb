import { describe, expect, it } from 'vitest';
import {
  blockLimitProblems,
  MESSAGE_TOTAL_TEXT_MAX,
  totalBlockText,
} from '../../../dev/fake-slack/block-limits.js';
import { MESSAGE_TEXT_BUDGET, packLines } from '../../../src/slack/blocks/message-budget.js';
import { renderDigest } from '../../../src/slack/blocks/watch-notices.js';
import type { DigestItem } from '../../../src/watcher/outbox/notification.js';

describe('packLines', () => {
  it('keeps lines whole and in order, sections within their limit, and counts what did not fit', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${'x'.repeat(190)}`);
    const packed = packLines(lines, 5_000, { sectionMax: 1_000 });
    expect(packed.sections.every((s) => s.length <= 1_000)).toBe(true);
    const shown = packed.sections.flatMap((s) => s.split('\n'));
    expect(shown).toEqual(lines.slice(0, shown.length));
    expect(packed.used).toBeLessThanOrEqual(5_000);
    expect(packed.used).toBe(packed.sections.reduce((n, s) => n + s.length, 0));
    expect(packed.left).toBe(lines.length - shown.length);
    expect(packed.left).toBeGreaterThan(0);
  });

  it('stops at maxSections, and cuts a single line longer than a section', () => {
    expect(
      packLines(['a'.repeat(10), 'b'.repeat(10), 'ccc'], 1_000, { sectionMax: 12, maxSections: 2 }),
    ).toEqual({
      sections: ['a'.repeat(10), 'b'.repeat(10)],
      used: 20,
      left: 1,
    });
    const [only] = packLines(['z'.repeat(50)], 1_000, { sectionMax: 12 }).sections;
    expect(only!.length).toBeLessThanOrEqual(12);
  });
});

describe('the daily digest of a busy channel', () => {
  const item = (i: number): DigestItem => ({
    name: `nightly-backup-of-the-analytics-bucket-${i}`.padEnd(80, 'x'),
    connection: 'hw-prod',
    kind: 'task',
    id: `19129740783${String(i).padStart(4, '0')}`,
    state: 'running',
    watchState: 'running',
    progress: 0.42,
    before: { state: 'running', progress: 0.4 },
  });

  it('stays within what Slack takes with 300 watches, and says how many it left out', () => {
    const { blocks } = renderDigest({
      kind: 'digest',
      day: '2026-11-25',
      items: Array.from({ length: 300 }, (_, i) => item(i)),
    });
    expect(blockLimitProblems(blocks, 'message')).toEqual([]);
    expect(totalBlockText(blocks)).toBeLessThanOrEqual(MESSAGE_TOTAL_TEXT_MAX);
    const shown = JSON.stringify(blocks).match(/hw-prod:19129740783\d{4}/g) ?? [];
    expect(shown.length).toBeGreaterThan(40);
    expect(JSON.stringify(blocks.at(-1))).toContain(`…and ${300 - shown.length} more`);
  });

  it('lists a small channel whole, with no "more" line', () => {
    const { blocks } = renderDigest({ kind: 'digest', day: '2026-11-25', items: [item(1), item(2)] });
    expect(JSON.stringify(blocks)).not.toContain('more:');
    expect(totalBlockText(blocks)).toBeLessThan(MESSAGE_TEXT_BUDGET);
  });
});
