import { describe, expect, it } from 'vitest';
import type { Loaded } from '../../../src/watcher/cycle-report.js';
import { QuietWatches } from '../../../src/watcher/quiet-watches.js';
import type { WatchRecord, WatchStore, WatchTarget } from '../../../src/watcher/records/watch-store.js';
import { watchKey } from '../../../src/watcher/records/watch-store.js';

/**
 * What a connection's poll leaves to deliver (`CycleRecords.plan`), for the records it decoded.
 * After a busy minute every card of a large workspace waits for an edit window, and the first
 * cycle after it decodes every record: the plan keeps every watch with a post due, but of those
 * with only a card to redraw only the first few of each workspace in the edit order, as it does
 * for the cards of watches left undecoded. A full cycle holds every connection's plan until all
 * were polled, so one entry per waiting card was the catch-up cycles' peak (ADR 0004).
 */

const target = (teamId: string, id: string): WatchTarget => ({
  teamId,
  channelId: 'C0WATCH01',
  connection: 'hw-prod',
  kind: 'task',
  id,
});

/** A running watch whose card waits (edited at `editedAt`; `oldState`: it still shows the old state). */
function record(
  teamId: string,
  id: string,
  editedAt: number,
  options: { post?: boolean; oldState?: boolean } = {},
) {
  const r = {
    watch: { ...target(teamId, id), by: 'U0ALICE01' },
    outbox: options.post
      ? [
          {
            key: `${id}:reply`,
            type: 'reply',
            event: 'progress',
            teamId,
            channel: 'C0WATCH01',
            createdAt: 0,
            attempts: 0,
          },
        ]
      : [],
    sent: [],
    ended: false,
    posts: [
      {
        kind: 'card',
        channel: 'C0WATCH01',
        ts: '1.1',
        dirty: true,
        shown: { state: options.oldState ? 'queued' : 'running', at: editedAt },
      },
    ],
    snapshot: { state: 'running' },
  } as unknown as WatchRecord;
  return { key: watchKey(r.watch), record: r } satisfies Loaded;
}

/** The plan of these decoded records (none left as text), `perTeam` cards per workspace. */
function plan(decoded: Loaded[], perTeam: number) {
  const records = new QuietWatches().read(
    { loadUnless: async () => ({ loaded: decoded, texts: [] }) } as unknown as WatchStore,
    decoded.map((w) => w.key),
    { decodeAll: true },
    { quiet: 0 } as never,
  );
  return records.then((r) => r.plan(new Map(), perTeam));
}

describe('a connection plan after a busy minute', () => {
  it('keeps every post, and of the waiting cards the first few per workspace in edit order', async () => {
    const decoded = [
      ...Array.from({ length: 40 }, (_, i) => record('T0A', `a-${i}`, 10_000 - i)),
      record('T0A', 'a-old-state', 50_000, { oldState: true }),
      record('T0A', 'a-post-1', 1, { post: true }),
      record('T0A', 'a-post-2', 99_999, { post: true }),
      ...Array.from({ length: 10 }, (_, i) => record('T0B', `b-${i}`, 500 + i)),
    ];
    const { due } = await plan(decoded, 3);
    const ids = (teamId: string, cardOnly: boolean) =>
      due.filter((w) => w.teamId === teamId && w.cardOnly === cardOnly).map((w) => w.key.split(':').at(-1));
    expect(ids('T0A', false).sort()).toEqual(['a-post-1', 'a-post-2']);
    // An old state first, then the longest unedited.
    expect(ids('T0A', true)).toEqual(['a-old-state', 'a-39', 'a-38']);
    expect(ids('T0B', true)).toEqual(['b-0', 'b-1', 'b-2']);
    expect(due).toHaveLength(8);
  });

  it('keeps every waiting card when the pass is given that many', async () => {
    const decoded = Array.from({ length: 30 }, (_, i) => record('T0A', `a-${i}`, i));
    expect((await plan(decoded, 30)).due).toHaveLength(30);
  });
});
