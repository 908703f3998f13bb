import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../../src/capabilities/registry.js';
import { ENGLISH } from '../../../src/i18n/translator.js';
import { renderEventReply } from '../../../src/slack/blocks/watch-notifications.js';
import type { EventNote } from '../../../src/watcher/outbox/notification.js';
import { startedForReading } from '../../harness/started-capabilities.js';

function failed(code: string | undefined): EventNote {
  return {
    kind: 'event',
    event: 'failed',
    resource: {
      provider: 'huawei-oms',
      connection: 'hw-prod',
      kind: 'task',
      id: '191297407830874',
      name: 'invoices-azure',
      state: 'failed',
      progress: 0.14,
      bytes: { done: 1, total: 10 },
      objects: { done: 43_399, failed: 26_660, total: 310_000 },
      lastError: code ? { code, message: 'The provider said so.' } : undefined,
    },
    actions: ['resume', 'retry', 'delete'],
    run: 0,
    at: Date.UTC(2026, 10, 22, 8, 0),
  };
}

const buttonsOf = (note: EventNote) =>
  (
    renderEventReply(note, ENGLISH, startedForReading(CAPABILITIES)).blocks.find(
      (b) => b.type === 'actions',
    ) as { elements: { action_id: string; text: { text: string }; style?: string }[] } | undefined
  )?.elements ?? [];

// Issue #13: the thread and channel post read like the card and `explain`; the class picks the
// buttons; a button is called the same everywhere (Resume, never Start).
describe('a failure in the thread and the channel', () => {
  it('states the code once, with the catalogue explanation and the provider quoted once', () => {
    const { text } = renderEventReply(failed('TRF.0015'));
    expect(text.match(/TRF\.0015/g)).toHaveLength(1);
    expect(text.match(/The provider said so\./g)?.length ?? 0).toBeLessThanOrEqual(1);
    expect(text).toContain('*Fix:*');
    // What failed, when and what the code means, on the first line.
    expect(text.split('\n')[0]).toMatch(
      /^:x: \*invoices-azure\* failed at 14%, <!date\^\d+\^.*>: `TRF\.0015` /,
    );
  });

  it('offers the card’s own buttons, the class picking the main one', () => {
    // The post and the card offer the same (issue 39): the card's actions, then Refresh; retrying
    // the failed objects cannot help a permissions failure, so neither offers it, and it needs a
    // change first: taking it on leads, not Resume (issue 51).
    expect(buttonsOf(failed('TRF.0051')).map((b) => b.action_id)).toEqual([
      'failure.claim',
      'resource.resume',
      'resource.delete',
      'resource.refresh',
    ]);
    expect(buttonsOf(failed('TRF.0051')).some((b) => b.style === 'primary')).toBe(false);
    expect(buttonsOf(failed('TRF.0004')).map((b) => b.text.text)).toEqual([
      'Retry failed objects',
      'Resume',
      'Delete',
      "I'm on it",
      'Refresh',
    ]);
  });

  it('calls Resume Resume, as the card does', () => {
    const labels = buttonsOf(failed('TRF.0003')).map((b) => b.text.text);
    expect(labels).toContain('Resume');
    expect(labels).not.toContain('Start');
  });
});
