import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checksumsOf,
  commonAlgorithm,
  md5OfEtag,
} from '../../../src/capabilities/objects/content/checksums.js';
import {
  type ContentDifference,
  ContentTier,
} from '../../../src/capabilities/objects/content/content-tier.js';
import { contentLines } from '../../../src/capabilities/objects/content/content-view.js';
import { emptyContent } from '../../../src/capabilities/objects/content/outcome.js';
import { SAMPLE_OBJECTS, upperBound95 } from '../../../src/capabilities/objects/content/sample.js';
import { Translator } from '../../../src/i18n/translator.js';
import { Crc64, crc64 } from '../../../src/object-store/crc64.js';
import type { ObjectEntry, ObjectStore } from '../../../src/object-store/object-store.js';

// Issue 78's pure parts: the CRC64-ECMA the bot computes against known vectors, which checksums
// are comparable, and the sampled tier's draw against its own statement ("0 differences in 299
// random objects: with 95 % confidence fewer than 1 % differ") over seeded runs.

describe('CRC64-ECMA (CRC-64/XZ, as OSS, COS and OBS state it)', () => {
  it('gives the known check values', () => {
    expect(crc64(Buffer.from('123456789'))).toBe(0x995dc9bbdf1939fan);
    expect(crc64(Buffer.alloc(0))).toBe(0n);
    // Computed in chunks it is the same as whole.
    const bytes = Buffer.from('The quick brown fox jumps over the lazy dog');
    expect(new Crc64().update(bytes.subarray(0, 7)).update(bytes.subarray(7)).value()).toBe(crc64(bytes));
    expect(crc64(bytes)).toBe(0x5b5eb8c2e54aa1c4n);
  });
});

describe('which checksums two sides can be compared by', () => {
  it('never takes a multipart ETag for an MD5', () => {
    expect(md5OfEtag('"0cc175b9c0f1b6a831c399e269772661"')).toBe('0cc175b9c0f1b6a831c399e269772661');
    expect(md5OfEtag('"0cc175b9c0f1b6a831c399e269772661-2"')).toBeUndefined();
    const multipart = checksumsOf({ etag: '"0cc175b9c0f1b6a831c399e269772661-2"' });
    expect(multipart).toEqual({});
    expect(commonAlgorithm(multipart, multipart)).toBeUndefined();
  });

  it('compares the same algorithm only: CRC64-ECMA is not CRC64NVME, a composite checksum is not', () => {
    const oss = checksumsOf({ 'x-oss-hash-crc64ecma': '11051210869376104954' });
    const cos = checksumsOf({ 'x-cos-hash-crc64ecma': '11051210869376104954' });
    expect(commonAlgorithm(oss, cos)).toBe('crc64ecma');
    const nvme = checksumsOf({ 'x-amz-checksum-crc64nvme': 'rosUhgp5mIg=' });
    expect(commonAlgorithm(oss, nvme)).toBeUndefined();
    expect(checksumsOf({ 'x-amz-checksum-crc32': 'yZRlqg==', 'x-amz-checksum-type': 'COMPOSITE' })).toEqual(
      {},
    );
    expect(checksumsOf({ 'x-amz-checksum-crc32': 'yZRlqg==-3' })).toEqual({});
    expect(checksumsOf({ 'x-oss-hash-crc64ecma': '0x1234' })).toEqual({});
    // "123456789"'s CRC64 in OSS's decimal is the bot's own value.
    expect(oss.crc64ecma).toBe(crc64(Buffer.from('123456789')).toString());
  });

  it('states the rule of three: 299 random objects bound the share below 1 %', () => {
    const bound = upperBound95(299)!;
    expect(bound).toBeLessThan(0.01);
    expect(bound).toBeCloseTo(3 / 299, 3);
    expect(SAMPLE_OBJECTS).toBe(299);
  });
});

/** Two in-memory sides, the destination's bytes wrong for `corrupt` keys; bodies counted. */
function sides(n: number, corrupt: (i: number) => boolean, size: (i: number) => number = () => 100) {
  const reads = { source: 0, destination: 0 };
  const store = (side: 'source' | 'destination'): ObjectStore => ({
    list: () => {
      throw new Error('not listed here');
    },
    readLines: () => {
      throw new Error('not read here');
    },
    head: async () => ({ etag: '"00000000000000000000000000000000-2"' }),
    digest: async (_bucket, key) => {
      reads[side]++;
      const i = Number(key);
      const body = `${key}${side === 'destination' && corrupt(i) ? '!' : ''}`;
      return {
        sha256: createHash('sha256').update(body).digest('hex'),
        crc64: '0',
        bytes: size(i),
        cut: false,
      };
    },
  });
  const entries: ObjectEntry[] = Array.from({ length: n }, (_, i) => ({
    key: String(i),
    size: size(i),
    etag: `${'0'.repeat(32)}-2`,
  }));
  return { reads, source: store('source'), destination: store('destination'), entries };
}

async function run(n: number, seed: number, corrupt: (i: number) => boolean, size?: (i: number) => number) {
  const world = sides(n, corrupt, size);
  const outcome = emptyContent();
  const tier = new ContentTier(outcome, seed);
  for (const e of world.entries) tier.matched(e, e);
  const found: ContentDifference[] = [];
  await tier.run({
    source: { store: world.source, bucket: 'a' },
    destination: { store: world.destination, bucket: 'b' },
    onDifference: (d) => found.push(d),
    progress: async () => undefined,
  });
  return { outcome, found, reads: world.reads };
}

describe('the sampled tier', () => {
  it('finds 1 % corrupt objects in about 95 % of 40 seeded runs of 299 samples', {
    timeout: 60_000,
  }, async () => {
    let foundIn = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { outcome, found } = await run(10_000, seed, (i) => i % 100 === 37);
      expect(outcome.sample?.n).toBe(299);
      expect(outcome.sample?.pool).toBe(10_000);
      expect(outcome.notChecked).toBe(10_000 - 299);
      expect(found.every((d) => Number(d.sourceKey) % 100 === 37 && d.by === 'content')).toBe(true);
      if (found.length > 0) foundIn++;
    }
    // P(missed) = 0.99^299 ≈ 4.95 %: 38 of 40 expected; the seeds are fixed, so this never flakes.
    expect(foundIn).toBeGreaterThanOrEqual(36);
  });

  it('misses at no more than the stated 5 % when exactly 1 % differ (150 seeded runs)', {
    timeout: 60_000,
  }, async () => {
    let missed = 0;
    for (let seed = 1_000; seed < 1_150; seed++) {
      const { found } = await run(3_000, seed, (i) => i % 100 === 11);
      if (found.length === 0) missed++;
    }
    // Drawn without replacement from 3,000 with 30 differing, a miss is 4.3 % likely: 6.4 of 150
    // expected (sd 2.5). Fewer than 1 % would say the draw is not random, more than 9 % that the
    // statement overclaims.
    expect(missed / 150).toBeGreaterThan(0.01);
    expect(missed / 150).toBeLessThan(0.09);
  });

  it('samples every size stratum in proportion, within the byte bound', async () => {
    const size = (i: number) => (i % 10 === 0 ? 20 * 1024 * 1024 : 1_000);
    const { outcome, reads } = await run(20_000, 7, () => false, size);
    const s = outcome.sample!;
    expect(s.n + s.cutByBytes).toBe(299);
    // 10 % of the pool is 20 MiB: about 30 of the 299, whatever the byte bound leaves of them.
    expect(outcome.sides.source.bytes).toBeLessThanOrEqual(1024 ** 3);
    expect(outcome.sides.source.bytes).toBeGreaterThan(25 * 20 * 1024 * 1024);
    expect(reads.source).toBe(s.n);
  });

  it('downloads the whole pool when it is under the bound, and says all were compared', async () => {
    const { outcome, found } = await run(120, 3, (i) => i === 5);
    expect(outcome.sample).toMatchObject({ pool: 120, n: 120, differ: 1 });
    expect(outcome.notChecked).toBe(0);
    expect(found.map((d) => d.sourceKey)).toEqual(['5']);
  });
});

describe('what the post says of a sample', () => {
  it('states exactly what 0 differences in 299 random objects show, and what was not checked', () => {
    const c = emptyContent();
    c.same.crc64ecma = 500;
    c.sides.source.stated = { crc64ecma: 500 };
    c.sample = { pool: 10_000, n: 299, differ: 0, tooLarge: 0, cutByBytes: 0, failed: 0, seed: 1 };
    c.notChecked = 10_000 - 299;
    const tally = {
      source: 10_500,
      destination: 10_500,
      matched: 10_500,
      missing: 0,
      different: 0,
      extra: 0,
      etagCompared: 0,
    };
    const lines = contentLines(c, tally, true, new Translator('en')).join('\n');
    expect(lines).toContain(
      '0 differences in 299 random objects (downloaded from both sides, SHA-256): with 95 % confidence fewer than 1.0 % of the 10,000 objects without a checksum in common differ.',
    );
    expect(lines).toContain('9,701 objects were not checked');
    expect(lines).not.toContain('none differ');
  });
});
