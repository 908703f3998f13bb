import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventsOfEntries } from '../../src/capabilities/events/envelope.js';
import { windows } from '../../src/capabilities/windows/windows.js';
import { ENGLISH } from '../../src/i18n/translator.js';
import { LastActions } from '../../src/resources/last-actions.js';
import { renderParentCard, renderWatchNotification } from '../../src/slack/blocks/watch-notifications.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { cardFacts, type EventNote, eventNote } from '../../src/watcher/outbox/notification.js';
import { decodeRecord, encodeRecord } from '../../src/watcher/records/record-codec.js';
import { liveNowOfBefore } from '../../src/watcher/records/record-expand.js';
import type { WatchRecord } from '../../src/watcher/records/watch-store.js';
import { startedForReading } from '../harness/started-capabilities.js';

// A window's own action was a `window` field of the last action (a watch record's `requested`, an
// event note, a stored last action); it is now the windows' `via`, drawn by their hooks. What an
// earlier build stored is read as that `via` and drawn as before.
const OLD: Record<string, string> = JSON.parse(
  readFileSync(new URL('../watcher/fixtures/records-before-compact.json', import.meta.url), 'utf8'),
);
const [key, raw] = Object.entries(OLD)[0]!;
const BOB = 'U0BOB0001';
const AT = Date.parse('2026-11-27T22:00:00Z');
const WINDOW = { id: 'w0a1b2c', name: 'nightly', zone: 'UTC', until: Date.parse('2026-11-28T06:00:00Z') };
const OLD_REQUESTED = { action: 'pause', by: BOB, at: AT, window: WINDOW };
const VIA = { capability: 'windows', said: WINDOW };
const caps = startedForReading([windows]);

/** The fixture's record, paused, with `extra` as an earlier build wrote them (plain JSON). */
function plainWith(extra: Record<string, unknown>): Record<string, unknown> {
  const r = JSON.parse(raw) as Record<string, unknown> & { snapshot: Record<string, unknown> };
  return {
    ...r,
    snapshot: { ...r.snapshot, state: 'paused' },
    state: 'paused',
    actions: ['resume'],
    ...extra,
  };
}

/** The same record in the compact form, with `extra` (by compact code) as an earlier build wrote them. */
function compactWith(extra: Record<string, unknown>): string {
  const read = decodeRecord<WatchRecord>(key, JSON.stringify(plainWith({})));
  const compact = JSON.parse(encodeRecord(key, read)) as Record<string, unknown>;
  expect(compact.v).toBe(2);
  return JSON.stringify({ ...compact, ...extra });
}

const cardText = (record: WatchRecord) =>
  JSON.stringify(renderParentCard(cardFacts(record), ENGLISH, AT + 60_000, [], caps).blocks);

describe('a window’s action written before it was a capability’s `via`', () => {
  it('is read from a plain record’s `requested.window`, and the card draws the window’s line', () => {
    const read = decodeRecord<WatchRecord>(key, JSON.stringify(plainWith({ requested: OLD_REQUESTED })));
    expect(read.requested).toEqual({ action: 'pause', by: BOB, at: AT, via: VIA });
    expect(cardText(read)).toContain('Paused by window *nightly* · resumes Sat 06:00 UTC');
  });

  it('is read from a compact record’s `rq`, and written back as `via`', () => {
    const read = decodeRecord<WatchRecord>(key, compactWith({ rq: OLD_REQUESTED }));
    expect(read.requested).toEqual({ action: 'pause', by: BOB, at: AT, via: VIA });
    expect(cardText(read)).toContain('Paused by window *nightly* · resumes Sat 06:00 UTC');
    const again = JSON.parse(encodeRecord(key, read)) as { rq: Record<string, unknown> };
    expect(again.rq).toEqual({ action: 'pause', by: BOB, at: AT, via: VIA });
  });

  it('is read from a queued event note’s `window`: the reply still says which window', () => {
    const record = decodeRecord<WatchRecord>(key, JSON.stringify(plainWith({ requested: OLD_REQUESTED })));
    const { via: _via, ...before } = eventNote('paused', record, AT + 1000);
    const entry = {
      key: `${key}:paused`,
      type: 'reply',
      teamId: 'T',
      channel: 'C',
      createdAt: 1,
      attempts: 0,
    };
    for (const stored of [
      JSON.stringify(plainWith({ outbox: [{ ...entry, note: { ...before, window: WINDOW } }] })),
      compactWith({ o: [{ ...entry, note: { ...before, window: WINDOW } }] }),
    ]) {
      const note = decodeRecord<WatchRecord>(key, stored).outbox[0]!.note as EventNote;
      expect(note.via).toEqual(VIA);
      expect(note).not.toHaveProperty('window');
      expect(renderWatchNotification(note, ENGLISH, caps).text).toContain(
        `by window *nightly* (set by <@${BOB}>)`,
      );
    }
  });

  it('is read from a stored last action and a listing line’s `now`', async () => {
    const store = new MemoryStore();
    const resource = { connection: 'hw-prod', kind: 'task' as const, id: '1' };
    await store.set('last-action:T1:hw-prod:task:1', OLD_REQUESTED);
    expect(await new LastActions(store).get('T1', resource)).toEqual({
      action: 'pause',
      by: BOB,
      at: AT,
      via: VIA,
    });
    const now = liveNowOfBefore({ state: 'paused', actions: [], requested: OLD_REQUESTED });
    expect(now.requested).toEqual({ action: 'pause', by: BOB, at: AT, via: VIA });
  });
});

describe('an action a capability’s timed work took', () => {
  it('publishes a window’s as `window`, as the events always did', () => {
    const record = decodeRecord<WatchRecord>(key, JSON.stringify(plainWith({ requested: OLD_REQUESTED })));
    const note = eventNote('paused', record, AT + 1000);
    const entry = {
      key: `${key}:paused`,
      type: 'reply' as const,
      teamId: 'T',
      channel: 'C',
      createdAt: 1,
      attempts: 0,
    };
    const [event] = eventsOfEntries({
      key,
      record: { ...record, outbox: [] },
      entries: [{ ...entry, note }],
    });
    expect(event?.type).toBe('migration.paused');
    expect(event?.data).toMatchObject({ by: BOB, window: WINDOW });
    expect(event?.data).not.toHaveProperty('via');
  });

  it('by a capability that draws none is told as the person’s, on the card and in the thread', () => {
    const requested = { action: 'pause', by: BOB, at: AT, via: { capability: 'gone', said: WINDOW } };
    const record = decodeRecord<WatchRecord>(key, JSON.stringify(plainWith({ requested })));
    const card = cardText(record);
    expect(card).toContain(`by <@${BOB}>`);
    expect(card).not.toContain('window');
    const reply = renderWatchNotification(eventNote('paused', record, AT + 1000), ENGLISH, caps).text;
    expect(reply).toContain(`by <@${BOB}>`);
    expect(reply).not.toContain('window');
  });
});
