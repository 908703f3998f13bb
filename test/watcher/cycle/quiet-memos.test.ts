import { describe, expect, it } from 'vitest';
import { QuietWatches } from '../../../src/watcher/quiet-watches.js';
import { hashText } from '../../../src/watcher/records/hash53.js';
import { type WatchRecord, type WatchTarget, watchKey } from '../../../src/watcher/records/watch-store.js';
import type { Observation } from '../../../src/watcher/transitions.js';

/**
 * `QuietWatches` keeps its memos in columns under a 30-bit hash of each key (`QuietMemos`). These
 * hold what that must never change: a watch is known only by its own key, text and observation,
 * also when two keys share the short hash, and memos come and go across cycles without mixing up
 * their values.
 */

const target = (id: string): WatchTarget => ({
  teamId: 'T0FAKE001',
  channelId: 'C0WATCH01',
  connection: 'hw-prod',
  kind: 'task',
  id,
});

/** A record with nothing to post, its card waiting (edited at `editedAt`) or clean. */
function quietRecord(id: string, editedAt: number, dirty = true): WatchRecord {
  return {
    watch: { ...target(id), by: 'U0ALICE01' },
    outbox: [],
    sent: [],
    ended: false,
    posts: [
      { kind: 'card', channel: 'C0WATCH01', ts: '1.1', dirty, shown: { state: 'running', at: editedAt } },
    ],
    snapshot: { state: 'running' },
  } as unknown as WatchRecord;
}

/** An observation that tells watches apart by its numbers (the memo compares it as JSON). */
const seen = (progress: number) => ({ resource: { progress }, actions: [] }) as unknown as Observation;

/** Two task ids whose keys' hashes share their low 30 bits (the memos' Map key) but not all 53. */
function collidingIds(): [string, string] {
  const short = new Map<number, string>();
  for (let i = 0; i < 1_000_000; i++) {
    const id = `task-${i}`;
    const hash = hashText(watchKey(target(id)));
    const other = short.get(hash & 0x3fffffff);
    if (other !== undefined) return [other, id];
    short.set(hash & 0x3fffffff, id);
  }
  throw new Error('no two keys share 30 bits of hash in a million');
}

describe('quiet watches kept as columns', () => {
  it('knows a watch only by its own key, text and observation', () => {
    const quiet = new QuietWatches();
    const [keyA, keyB] = [watchKey(target('a')), watchKey(target('b'))];
    quiet.remember(keyA, 'text of a', quietRecord('a', 1_000), seen(0.5), Date.now() + 60_000);
    expect(quiet.knows(keyA, 'text of a')).toBe(true);
    expect(quiet.knows(keyB, 'text of a')).toBe(false);
    expect(quiet.knows(keyA, 'text of a, changed')).toBe(false);

    quiet.remember(keyB, 'text of b', quietRecord('b', 2_000), seen(0.7), Date.now() + 60_000);
    expect(quiet.knows(keyB, 'text of b')).toBe(true);
    expect(quiet.knows(keyA, 'text of a')).toBe(true);
    expect(quiet.stillQuiet(keyB, seen(0.7), Date.now())).toBe(true);
    expect(quiet.stillQuiet(keyB, seen(0.71), Date.now())).toBe(false);
    expect(quiet.stillQuiet(keyA, seen(0.5), Date.now() + 60_000)).toBe(false); // its clock moved
    quiet.forget(keyA); // forgetting the first leaves the second's memo alone
    expect(quiet.knows(keyA, 'text of a')).toBe(false);
    expect(quiet.knows(keyB, 'text of b')).toBe(true);
    const due = quiet.cardsDue([{ key: keyA }, { key: keyB }], [target('a'), target('b')], new Set(), 10);
    expect(due.map((d) => [d.key, d.editedAt])).toEqual([[keyB, 2_000]]);
  });

  it('tells apart two keys that share the short hash: the last remembered wins, never mixed up', () => {
    const [a, b] = collidingIds();
    const quiet = new QuietWatches();
    const [keyA, keyB] = [watchKey(target(a)), watchKey(target(b))];
    quiet.remember(keyA, 'text of a', quietRecord(a, 1_000), seen(0.5), Date.now() + 60_000);
    expect(quiet.knows(keyA, 'text of a')).toBe(true);
    expect(quiet.knows(keyB, 'text of a')).toBe(false);

    // The second one takes the slot: the first is then unknown (decoded next cycle), never mixed up.
    quiet.remember(keyB, 'text of b', quietRecord(b, 2_000), seen(0.7), Date.now() + 60_000);
    expect(quiet.knows(keyB, 'text of b')).toBe(true);
    expect(quiet.knows(keyA, 'text of a')).toBe(false);
    expect(quiet.stillQuiet(keyB, seen(0.7), Date.now())).toBe(true);
    expect(quiet.stillQuiet(keyA, seen(0.5), Date.now())).toBe(false);
    quiet.forget(keyA); // forgetting the first leaves the second's memo alone
    expect(quiet.knows(keyB, 'text of b')).toBe(true);
    const due = quiet.cardsDue([{ key: keyA }, { key: keyB }], [target(a), target(b)], new Set(), 10);
    expect(due.map((d) => [d.key, d.editedAt])).toEqual([[keyB, 2_000]]);
  });

  it('forgets what a cycle did not confirm, and reuses its place without mixing up values', () => {
    const quiet = new QuietWatches();
    const ids = Array.from({ length: 3_000 }, (_, i) => `t-${i}`);
    const keys = ids.map((id) => watchKey(target(id)));
    const until = Date.now() + 60_000;
    ids.forEach((id, i) => {
      quiet.remember(keys[i]!, `text ${i}`, quietRecord(id, i, i % 2 === 0), seen(i), until);
    });
    quiet.endCycle();
    // The next cycle confirms only the first half.
    for (let i = 0; i < 1_500; i++) expect(quiet.stillQuiet(keys[i]!, seen(i), Date.now())).toBe(true);
    quiet.endCycle();
    expect(keys.filter((k, i) => quiet.knows(k, `text ${i}`))).toHaveLength(1_500);
    // New watches take the freed places; each keeps its own values.
    const more = Array.from({ length: 1_500 }, (_, i) => `new-${i}`);
    more.forEach((id, i) => {
      quiet.remember(watchKey(target(id)), `new text ${i}`, quietRecord(id, 10_000 + i), seen(i), until);
    });
    more.forEach((id, i) => {
      expect(quiet.knows(watchKey(target(id)), `new text ${i}`)).toBe(true);
    });
    for (let i = 0; i < 1_500; i++) expect(quiet.knows(keys[i]!, `text ${i}`)).toBe(true);
    const due = quiet.cardsDue(
      more.map((id) => ({ key: watchKey(target(id)) })),
      more.map(target),
      new Set(),
      2,
    );
    expect(due.map((d) => d.editedAt)).toEqual([10_000, 10_001]);
    // A clean card is remembered but not due.
    const clean = quiet.cardsDue([{ key: keys[1]! }], [target(ids[1]!)], new Set(), 5);
    expect(clean).toEqual([]);
  });
});
