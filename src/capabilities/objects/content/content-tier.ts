import { randomInt } from 'node:crypto';
import type { ObjectEntry, ObjectStore } from '../../../object-store/object-store.js';
import { type Checksums, checksumsOf, commonAlgorithm, md5OfEtag } from './checksums.js';
import type { ContentOutcome, Side } from './outcome.js';
import { type Candidate, SAMPLE_OBJECT_MAX_BYTES, Sampler, seededRandom } from './sample.js';

/** Pairs asked for their checksums with a HEAD on each side at most (20,000 HEADs); the rest are sampled. */
export const HEAD_PAIRS = 10_000;
/** Requests in flight per side at once. */
const PARALLEL = 8;

export interface ContentDifference {
  sourceKey: string;
  destinationKey: string;
  size: number;
  sourceEtag?: string;
  destinationEtag?: string;
  by: 'checksum' | 'content';
  sourceSum?: string;
  destinationSum?: string;
}

export interface TierDeps {
  source: { store: ObjectStore; bucket: string };
  destination: { store: ObjectStore; bucket: string };
  signal?: AbortSignal;
  /** The draw's seed (a test replays one); a random one otherwise. */
  seed?: number;
  onDifference(d: ContentDifference): void;
  /** Every few objects: redraw the post, throw to stop (a cancel). */
  progress(): Promise<void>;
}

/**
 * The content depth of a bucket check, fed the pairs the listing found with the same key and size.
 * A pair both of whose ETags are single-part MD5s was compared by the listing; the others are
 * asked with a HEAD for the checksums each side states, compared where an algorithm is common;
 * what is left goes to the sampler, and the sample is downloaded from both sides and hashed.
 */
export class ContentTier {
  readonly #asking: Candidate[] = [];
  readonly #sampler: Sampler;
  readonly seed: number;

  constructor(
    readonly outcome: ContentOutcome,
    seed?: number,
  ) {
    this.seed = seed ?? randomInt(2 ** 31);
    this.#sampler = new Sampler(seededRandom(this.seed));
  }

  /** A pair the listing found the same by key and size. */
  matched(a: ObjectEntry, b: ObjectEntry): void {
    const [x, y] = [md5OfEtag(a.etag), md5OfEtag(b.etag)];
    if (x && y) {
      this.#stated('source', { md5: x });
      this.#stated('destination', { md5: y });
      // The listing compared them (`differs`): a different MD5 was already a difference.
      if (x === y) this.outcome.same.md5 = (this.outcome.same.md5 ?? 0) + 1;
      return;
    }
    const pair = {
      sourceKey: a.key,
      destinationKey: b.key,
      size: a.size,
      ...(a.etag ? { sourceEtag: a.etag } : {}),
      ...(b.etag ? { destinationEtag: b.etag } : {}),
    };
    if (this.#asking.length < HEAD_PAIRS) this.#asking.push(pair);
    else {
      this.outcome.unasked++;
      this.#sampler.offer(pair);
    }
  }

  async run(deps: TierDeps): Promise<void> {
    const o = this.outcome;
    await inParallel(this.#asking, PARALLEL, deps.progress, async (pair) => {
      const [a, b]: [Checksums, Checksums] = await Promise.all([
        deps.source.store.head(deps.source.bucket, pair.sourceKey, deps.signal),
        deps.destination.store.head(deps.destination.bucket, pair.destinationKey, deps.signal),
      ]).then(
        ([x, y]): [Checksums, Checksums] => [checksumsOf(x), checksumsOf(y)],
        (): [Checksums, Checksums] => [{}, {}],
      );
      this.#stated('source', a);
      this.#stated('destination', b);
      const algorithm = commonAlgorithm(a, b);
      if (!algorithm) {
        const one = a.crc64ecma ? ('source' as const) : b.crc64ecma ? ('destination' as const) : undefined;
        const value = one && (one === 'source' ? a : b).crc64ecma;
        return this.#sampler.offer(one && value ? { ...pair, crc64: { side: one, value } } : pair);
      }
      if (a[algorithm] === b[algorithm]) o.same[algorithm] = (o.same[algorithm] ?? 0) + 1;
      else {
        o.byChecksum++;
        deps.onDifference({
          ...pair,
          by: 'checksum',
          sourceSum: `${algorithm}:${a[algorithm]}`,
          destinationSum: `${algorithm}:${b[algorithm]}`,
        });
      }
    });
    const drawn = this.#sampler.draw();
    const sample = {
      pool: drawn.pool,
      n: 0,
      differ: 0,
      tooLarge: drawn.tooLarge,
      cutByBytes: drawn.cutByBytes,
      failed: 0,
      seed: this.seed,
    };
    if (drawn.pool > 0) o.sample = sample;
    await inParallel(drawn.chosen, PARALLEL / 2, deps.progress, async (pair) => {
      const read = (side: Side, key: string) =>
        deps[side].store.digest(deps[side].bucket, key, SAMPLE_OBJECT_MAX_BYTES, deps.signal).then((d) => {
          o.sides[side].downloaded++;
          o.sides[side].bytes += d.bytes;
          return d;
        });
      const both = await Promise.all([
        read('source', pair.sourceKey),
        read('destination', pair.destinationKey),
      ]).catch(() => undefined);
      if (!both || both[0].cut || both[1].cut) {
        sample.failed++;
        return;
      }
      sample.n++;
      // A CRC64 one side stated and its own bytes disagree: the store's checksum is not to be trusted.
      const stated = pair.crc64;
      if (stated && both[stated.side === 'source' ? 0 : 1].crc64 !== stated.value)
        o.statedWrong = (o.statedWrong ?? 0) + 1;
      if (both[0].sha256 === both[1].sha256) return;
      sample.differ++;
      o.byContent++;
      deps.onDifference({
        ...pair,
        by: 'content',
        sourceSum: `sha256:${both[0].sha256}`,
        destinationSum: `sha256:${both[1].sha256}`,
      });
    });
    o.notChecked = drawn.pool - sample.n;
  }

  #stated(side: Side, sums: Checksums): void {
    const stated = this.outcome.sides[side].stated;
    for (const algorithm of Object.keys(sums) as (keyof Checksums)[])
      stated[algorithm] = (stated[algorithm] ?? 0) + 1;
  }
}

/** `work` over `items`, `width` at a time; `progress` between every 100 (it may throw to stop). */
async function inParallel<T>(
  items: readonly T[],
  width: number,
  progress: () => Promise<void>,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let stop: unknown;
  const lane = async () => {
    while (stop === undefined && next < items.length) {
      const item = items[next++]!;
      await work(item);
      if (next % 100 === 0) await progress().catch((error: unknown) => (stop ??= error));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, width) }, lane));
  if (stop !== undefined) throw stop;
}
