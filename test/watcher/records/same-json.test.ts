import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameJson } from '../../../src/watcher/records/same-json.js';

describe('sameJson', () => {
  it('is true for a value and its JSON round trip, Dates included', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.date({ noInvalidDate: true }), (value, date) => {
        const record = { value, at: date, gone: undefined };
        const stored = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
        stored.at = new Date(stored.at as string);
        expect(sameJson(record, stored)).toBe(true);
        expect(sameJson(stored, record)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('agrees with comparing the JSON of two different values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const canonical = (v: unknown): string =>
          JSON.stringify(v, (_k, x: unknown) =>
            x && typeof x === 'object' && !Array.isArray(x)
              ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : 1)))
              : x,
          );
        expect(sameJson(a, b)).toBe(canonical(a) === canonical(b));
      }),
      { numRuns: 2_000 },
    );
  });

  it('sees the changes an observation makes to a record', () => {
    const record = {
      state: 'running',
      snapshot: { progress: 0.4, bytes: { done: 10, total: 20 }, updatedAt: new Date(1_700_000_000_000) },
      card: { dirty: false },
      outbox: [],
    };
    const copy = () => structuredClone(record);
    expect(sameJson(record, copy())).toBe(true);
    const moved = copy();
    moved.snapshot.bytes.done = 11;
    const later = copy();
    later.snapshot.updatedAt = new Date(1_700_000_000_001);
    const dirty = copy();
    dirty.card.dirty = true;
    const queued = { ...copy(), outbox: [{ key: 'k' }] };
    for (const changed of [moved, later, dirty, queued]) expect(sameJson(record, changed)).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: null })).toBe(false);
  });

  it('compares two Dates as JSON would: by time, an invalid one (null in JSON) equal to nothing', () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), fc.date({ noInvalidDate: true }), (a, b) => {
        expect(sameJson({ at: a }, { at: new Date(a.getTime()) })).toBe(true);
        expect(sameJson({ at: a }, { at: b })).toBe(a.getTime() === b.getTime());
      }),
      { numRuns: 2_000 },
    );
    expect(sameJson(new Date(Number.NaN), new Date(Number.NaN))).toBe(false);
    expect(sameJson(new Date(0), '1970-01-01T00:00:00.000Z')).toBe(true);
  });
});
