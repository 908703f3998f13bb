import { describe, expect, it } from 'vitest';
import { compareListings, type Difference } from '../../src/capabilities/objects/compare.js';
import type { ObjectEntry } from '../../src/object-store/object-store.js';

async function* pages(entries: ObjectEntry[], size = 3): AsyncIterable<ObjectEntry[]> {
  for (let i = 0; i < entries.length; i += size) yield entries.slice(i, i + size);
}
const obj = (key: string, size = 1, etag = 'd41d8cd98f00b204e9800998ecf8427e'): ObjectEntry => ({
  key,
  size,
  etag,
});

describe('compareListings', () => {
  it('stops at its bound and says up to which key it checked', async () => {
    const src = Array.from({ length: 20 }, (_, i) => obj(`s/${String(i).padStart(2, '0')}`));
    const dst = src.filter((_, i) => i !== 3 && i !== 15).map((o) => obj(`d/${o.key.slice(2)}`));
    const found: Difference[] = [];
    const result = await compareListings(
      { pages: pages(src), prefix: 's/' },
      { pages: pages(dst), prefix: 'd/' },
      { cap: 10, onDifference: (d) => void found.push(d) },
    );
    expect(result.checkedThrough).toBe('09');
    expect(result.tally).toMatchObject({ source: 10, missing: 1, matched: 9 });
    expect(found.map((d) => d.sourceKey)).toEqual(['s/03']);
  });

  it('compares ETags only where both are single-part MD5s', async () => {
    const md5a = '0cc175b9c0f1b6a831c399e269772661';
    const md5b = '92eb5ffee6ae2fec3ad71c777531578f';
    const result = await compareListings(
      { pages: pages([obj('a', 1, md5a), obj('b', 1, `${md5a}-2`), obj('c', 1, md5a)]), prefix: '' },
      { pages: pages([obj('a', 1, md5b), obj('b', 1, `${md5b}-3`), obj('c', 1, md5a)]), prefix: '' },
      { cap: 100, onDifference: () => undefined },
    );
    expect(result.tally).toMatchObject({ different: 1, matched: 2, etagCompared: 2 });
  });
});
