import { describe, expect, it } from 'vitest';
import { hashText, hashValue } from '../../../src/watcher/records/hash53.js';

// The quiet memos compare these hashes across cycles, so a faster hash must give the same values:
// these were computed by the implementation before the sixteenth session's rewrite of its loop.
describe('hash53', () => {
  it('gives the values it always gave, for even and odd lengths and any UTF-16 text', () => {
    const texts = ['', 'a', 'ab', 'abc', 'é😀x', 'hw-000:task:191297407831871'];
    expect(texts.map(hashText)).toEqual([
      4446763975410778, 5080129355843998, 1532594966593185, 7021118567099654, 5444143937664824,
      5509678738144831,
    ]);
  });

  it('tells apart texts that differ only in their last unit, and values by kind and shape', () => {
    expect(hashText('abcde')).not.toBe(hashText('abcdf'));
    expect(hashText('abcd')).not.toBe(hashText('abcd\u0000'));
    expect(hashValue('1')).not.toBe(hashValue(1));
    expect(hashValue([])).not.toBe(hashValue({}));
    expect(hashValue({ a: 1, b: 'x' })).toBe(hashValue({ a: 1, b: 'x' }));
    expect(hashValue({ a: 1, b: 'x' })).not.toBe(hashValue({ a: 1, b: 'y' }));
    expect(hashValue({ at: new Date(1) })).not.toBe(hashValue({ at: new Date(2) }));
  });
});
