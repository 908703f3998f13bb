import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RESOURCE_KINDS } from '../../../src/domain/migration-resource.js';
import { LocalAtomicKv } from '../../../src/store/atomic-kv.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { cardOf } from '../../../src/watcher/outbox/living-posts.js';
import { decodeRecord, encodeRecord } from '../../../src/watcher/records/record-codec.js';
import {
  dedupBase,
  type WatchRecord,
  WatchStore,
  watchKey,
} from '../../../src/watcher/records/watch-store.js';

/** Three records (one per provider) as the previous build wrote them in the poll benchmark. */
const OLD: Record<string, string> = JSON.parse(
  readFileSync(new URL('../fixtures/records-before-compact.json', import.meta.url), 'utf8'),
);

/** The previous build's `decode`, as it was: JSON, then the snapshot's ISO strings as Dates. */
function previousDecode(raw: string): unknown {
  const value = JSON.parse(raw) as { snapshot?: Record<string, unknown> } | null;
  const snapshot = value?.snapshot;
  if (snapshot && typeof snapshot === 'object')
    for (const field of ['startedAt', 'createdAt', 'updatedAt'])
      if (typeof snapshot[field] === 'string') snapshot[field] = new Date(snapshot[field] as string);
  return value;
}

/** What the previous build stored and read back: the round trip the compact form must match. */
const previousRoundTrip = (value: unknown) => previousDecode(JSON.stringify(value));

/** Records the build before issue 47 wrote compact (its card as `parentTs` + `card`, beside `posts`). */
const BEFORE_CARD_POST: Record<string, string> = JSON.parse(
  readFileSync(new URL('../fixtures/records-before-card-post.json', import.meta.url), 'utf8'),
);

/**
 * A record in the shape earlier builds keep in memory, as this build reads it (issue 47): its
 * card, once posted (`parentTs`), is the first of its posts, with what it last showed.
 */
// biome-ignore lint/suspicious/noExplicitAny: a record of the earlier shape, read field by field
function folded(old: any): unknown {
  const { parentTs, card, ...rest } = old;
  if (typeof parentTs !== 'string') return rest;
  const shown: Record<string, unknown> = {};
  if (card?.shownState !== undefined) shown.state = card.shownState;
  if (card?.shownProgress !== undefined) shown.progress = card.shownProgress;
  if (card?.editedAt !== undefined) shown.at = card.editedAt;
  const post = {
    kind: 'card',
    channel: old.watch.channelId,
    ts: parentTs,
    dirty: card?.dirty === true,
    shown,
  };
  return { ...rest, posts: [post, ...(rest.posts ?? [])] };
}

describe('stored watch records', () => {
  it('written by the previous build read back as they did, Dates and all, the card first in posts', () => {
    for (const [key, raw] of Object.entries(OLD)) {
      const record = decodeRecord<WatchRecord>(key, raw);
      expect(record).toStrictEqual(folded(previousDecode(raw)));
      expect(cardOf(record)?.ts).toBe(JSON.parse(raw).parentTs);
      expect(record.snapshot.updatedAt ?? record.snapshot.startedAt).toBeInstanceOf(Date);
    }
  });

  it('are stored compact, about half the size, and read back exactly', () => {
    for (const [key, raw] of Object.entries(OLD)) {
      const record = decodeRecord<WatchRecord>(key, raw);
      const stored = encodeRecord(key, record);
      expect(stored.startsWith('{"v":2,')).toBe(true);
      expect(stored.length).toBeLessThan(raw.length * 0.6);
      expect(decodeRecord(key, stored)).toStrictEqual(record);
      // Deterministic: the record read back is stored as the same text.
      expect(encodeRecord(key, decodeRecord(key, stored))).toBe(stored);
    }
  });

  it('written compact by the build before issue 47: one list of posts, stored back as the very same text', () => {
    const cards: string[] = [];
    for (const [key, raw] of Object.entries(BEFORE_CARD_POST)) {
      const record = decodeRecord<WatchRecord>(key, raw);
      const previous = JSON.parse(raw);
      if (previous.pt) cards.push(key);
      expect(cardOf(record)?.ts).toBe(previous.pt);
      expect(cardOf(record)?.dirty ?? false).toBe(previous.c?.d ?? false);
      expect(record.posts?.filter((p) => p.kind !== 'card') ?? []).toStrictEqual(previous.po ?? []);
      // What this build writes is what that build wrote: a rollback (or a replica not yet
      // updated) reads it as its own, the card where it keeps it.
      expect(encodeRecord(key, record)).toBe(raw);
    }
    expect(cards).toHaveLength(4);
  });

  it('written plain (WATCH_RECORD_FORMAT=plain) while older replicas run: they read it as ever; compact ones are read too', async () => {
    const backend = new LocalAtomicKv(new MemoryStore(), 'w:');
    const compact = new WatchStore(backend);
    const plain = new WatchStore(backend, { format: 'plain' });
    const [key, raw] = Object.entries(OLD)[0]!;
    await backend.update(key, () => raw);
    await compact.update<WatchRecord>(key, (r) => (r ? { ...r, seq: 3 } : r));
    // The plain-writing replica reads what a compact one wrote, and writes what an old build reads.
    const expected = { ...(previousDecode(raw) as WatchRecord), seq: 4 };
    await plain.update<WatchRecord>(key, (r) => (r ? { ...r, seq: r.seq + 1 } : r));
    const stored = (await backend.get(key))!;
    expect(stored.startsWith('{"v":2,')).toBe(false);
    expect(previousDecode(stored)).toStrictEqual(expected);
    expect(await compact.read(key)).toStrictEqual(folded(expected));
  });

  it('through the store: an earlier build’s record loads as it was, and a write stores it compact', async () => {
    const backend = new LocalAtomicKv(new MemoryStore(), 'w:');
    const store = new WatchStore(backend);
    const [key, raw] = Object.entries(OLD)[0]!;
    await backend.update(key, () => raw);
    const [loaded] = await store.loadMany([key]);
    expect(loaded!.record).toStrictEqual(folded(previousDecode(raw)));
    await store.update<WatchRecord>(key, (r) => (r ? { ...r, seq: 3 } : r));
    expect((await backend.get(key))?.startsWith('{"v":2,')).toBe(true);
    expect(await store.read(key)).toStrictEqual(folded({ ...(previousDecode(raw) as WatchRecord), seq: 3 }));
  });

  it('other records (a connection’s health, a channel’s) are plain JSON as before', () => {
    const health = { outbox: [], sent: [], failures: 0, down: false, outage: 0, skip: 0 };
    expect(encodeRecord('conn:hw-prod', health)).toBe(JSON.stringify(health));
    const channel = { teamId: 'T1', channelId: 'C1', digest: {}, outbox: [], sent: [] };
    expect(encodeRecord('ch:T1:C1', channel)).toBe(JSON.stringify(channel));
  });

  it('read back as the previous build’s JSON round trip would, whatever they hold', () => {
    fc.assert(
      fc.property(watchRecordArbitrary(), ({ key, record }) => {
        const read = folded(previousRoundTrip(record));
        expect(decodeRecord(key, encodeRecord(key, folded(record)))).toStrictEqual(read);
      }),
      { numRuns: 3_000 },
    );
  });

  it('are stored compact when they hold what a watcher writes (a valid target, Dates, whole samples)', () => {
    fc.assert(
      fc.property(watchRecordArbitrary({ tidy: true }), ({ key, record }) => {
        const stored = encodeRecord(key, folded(record));
        expect(stored.startsWith('{"v":2,')).toBe(true);
        expect(decodeRecord(key, stored)).toStrictEqual(folded(previousRoundTrip(record)));
      }),
      { numRuns: 1_000 },
    );
  });
});

const text = fc.string({ maxLength: 8 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const wholeOrNot = (tidy: boolean) =>
  tidy ? fc.integer({ min: 0, max: 2 ** 40 }) : fc.oneof(fc.integer(), fc.double(), fc.constant(Number.NaN));

/**
 * Watch records as a watcher writes them (`tidy`), or with what it should never write mixed in:
 * unknown fields, a snapshot naming another resource, invalid Dates, fractional samples, missing
 * required fields, sent keys of another shape. Optional fields are absent, `undefined` or set.
 */
function watchRecordArbitrary(options: { tidy?: boolean } = {}) {
  const tidy = options.tidy ?? false;
  const target = fc.record({
    teamId: fc.oneof(fc.constant('T0FAKE001'), text),
    channelId: fc.oneof(fc.constant('C0WATCH01'), text),
    connection: fc.oneof(fc.constant('hw-prod'), fc.constant('*/a b:c'), text),
    kind: fc.constantFrom(...RESOURCE_KINDS),
    id: fc.oneof(fc.constant('191297407830883'), fc.constant('x:y%z'), text),
  });
  const date = tidy
    ? fc.date({ noInvalidDate: true })
    : fc.oneof(fc.date({ noInvalidDate: true }), fc.date(), fc.constant(null));
  const counter = fc.record(
    { done: wholeOrNot(tidy), failed: fc.nat(), skipped: fc.nat(), total: fc.nat() },
    { requiredKeys: [] },
  );
  const endpoint = fc.record({ cloud: text, region: text, bucket: text, prefix: text }, { requiredKeys: [] });
  const extra = tidy ? fc.constant({}) : fc.oneof(fc.constant({}), fc.record({ v: fc.nat(), zz: text }));
  return fc.tuple(target, target, fc.boolean(), extra).chain(([t, other, sameSnapshot, unknown]) => {
    const snapshotTarget = tidy || sameSnapshot ? t : other;
    const base = dedupBase(t);
    const sample = fc.record({ at: wholeOrNot(tidy), bytes: wholeOrNot(tidy) });
    const sentKey = fc.oneof(
      fc.constant(`${base}:parent`),
      text.map((s) => `${base}:${s}`),
      tidy ? fc.constant('other:key') : text,
    );
    const snapshot = fc.record(
      {
        provider: fc.constantFrom('huawei-oms', 'ncp', 'upcloud'),
        connection: fc.constant(snapshotTarget.connection),
        kind: fc.constant(snapshotTarget.kind),
        id: fc.constant(snapshotTarget.id),
        name: text,
        state: fc.constantFrom('running', 'failed', 'queued'),
        rawStatus: text,
        progress: maybe(fc.double({ min: 0, max: 1 })),
        bytes: counter,
        objects: counter,
        speed: maybe(fc.double()),
        source: endpoint,
        destination: endpoint,
        lastError: maybe(fc.record({ code: text, message: text }, { requiredKeys: [] })),
        startedAt: maybe(date),
        createdAt: maybe(date),
        updatedAt: maybe(date),
      },
      { requiredKeys: tidy ? ['provider', 'connection', 'kind', 'id', 'name', 'bytes'] : ['connection'] },
    );
    const record = fc.record(
      {
        watch: fc.record({
          ...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, fc.constant(v)])),
          by: text,
          createdAt: fc.nat(),
          origin: maybe(fc.record({ request: text, title: maybe(text) })),
        }),
        snapshot,
        actions: fc.array(fc.constantFrom('pause', 'cancel', 'retry')),
        state: fc.constantFrom('running', 'gone', 'failed'),
        run: fc.oneof(fc.constant(1), fc.nat()),
        seq: fc.oneof(fc.constant(0), fc.nat()),
        lastEvent: maybe(fc.constantFrom('started', 'failed')),
        started: fc.boolean(),
        progressMark: maybe(fc.nat()),
        movedAt: fc.nat(),
        stalled: fc.boolean(),
        stallSeq: fc.oneof(fc.constant(0), fc.nat()),
        parentTs: maybe(text),
        card: fc.record(
          {
            dirty: fc.boolean(),
            shownState: maybe(text),
            shownProgress: maybe(fc.double()),
            editedAt: maybe(fc.nat()),
          },
          { requiredKeys: ['dirty'] },
        ),
        ended: fc.boolean(),
        explicit: maybe(fc.boolean()),
        via: maybe(fc.array(text, { maxLength: 2 })),
        samples: maybe(fc.array(sample, { maxLength: 5 })),
        outbox: fc.array(
          fc.record({ key: sentKey, type: fc.constant('reply'), createdAt: fc.nat(), attempts: fc.nat() }),
          {
            maxLength: 2,
          },
        ),
        sent: fc.array(sentKey, { maxLength: 3 }),
      },
      {
        requiredKeys: tidy
          ? [
              'watch',
              'snapshot',
              'actions',
              'state',
              'run',
              'seq',
              'started',
              'movedAt',
              'stalled',
              'stallSeq',
              'card',
              'ended',
              'outbox',
              'sent',
            ]
          : ['watch'],
      },
    );
    return record.map((r) => ({ key: watchKey(t), record: { ...r, ...unknown } as unknown as WatchRecord }));
  });
}
