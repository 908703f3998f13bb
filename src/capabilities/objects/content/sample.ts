/**
 * The sampled tier's draw (issue 78): a uniform random sample of the objects no checksum could
 * check, stratified by size so that large and small objects are both in it, held in memory as one
 * reservoir per stratum (never the whole pool). The statistics assume a uniform draw: with
 * proportional allocation each object has the same chance, as in one simple random sample.
 */

/** Objects downloaded (from each side) at most: 0 differences in 299 ⇒ fewer than 1 % differ (95 %). */
export const SAMPLE_OBJECTS = 299;
/** Bytes downloaded from each side at most: 299 objects of 3.4 MiB on average. */
export const SAMPLE_BYTES = 1024 * 1024 * 1024;
/** A larger object is never downloaded: it counts as not checked. */
export const SAMPLE_OBJECT_MAX_BYTES = 256 * 1024 * 1024;
/** Upper edges of the size strata (bytes): under 64 KiB, 1 MiB, 16 MiB, up to the object bound. */
const STRATA = [64 * 1024, 1024 * 1024, 16 * 1024 * 1024, SAMPLE_OBJECT_MAX_BYTES + 1];

export interface Candidate {
  sourceKey: string;
  destinationKey: string;
  size: number;
  sourceEtag?: string;
  destinationEtag?: string;
  /** The CRC64-ECMA one side stated (the other stated none), checked against the bytes downloaded. */
  crc64?: { side: 'source' | 'destination'; value: string };
}

/** Random numbers in [0, 1) from a seed (mulberry32): a run is replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Drawn {
  /** The candidates to download, smallest stratum first. */
  chosen: Candidate[];
  /** How many candidates there were (the pool the statement is about). */
  pool: number;
  /** Candidates over the per-object bound, never downloaded. */
  tooLarge: number;
  /** Chosen, then left out by the byte bound. */
  cutByBytes: number;
}

/** One reservoir per size stratum, each the sample size (Algorithm R): memory is bounded. */
export class Sampler {
  readonly #reservoirs = STRATA.map(() => ({ seen: 0, kept: [] as Candidate[] }));
  #tooLarge = 0;

  constructor(
    readonly random: () => number,
    readonly objects = SAMPLE_OBJECTS,
    readonly bytes = SAMPLE_BYTES,
  ) {}

  offer(candidate: Candidate): void {
    const stratum = STRATA.findIndex((edge) => candidate.size < edge);
    if (stratum < 0) {
      this.#tooLarge++;
      return;
    }
    const r = this.#reservoirs[stratum]!;
    r.seen++;
    if (r.kept.length < this.objects) r.kept.push(candidate);
    else {
      const at = Math.floor(this.random() * r.seen);
      if (at < this.objects) r.kept[at] = candidate;
    }
  }

  /** The sample: each stratum's share of `objects` (largest remainder), then cut to the byte bound. */
  draw(): Drawn {
    const pool = this.#reservoirs.reduce((n, r) => n + r.seen, 0);
    const n = Math.min(this.objects, pool);
    const exact = this.#reservoirs.map((r) => (pool === 0 ? 0 : (r.seen * n) / pool));
    const share = exact.map(Math.floor);
    const order = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest);
    for (let k = 0, left = n - share.reduce((a, b) => a + b, 0); k < order.length && left > 0; k++, left--)
      share[order[k]!.i]!++;
    const chosen: Candidate[] = [];
    let bytes = 0;
    let cutByBytes = 0;
    for (const [i, r] of this.#reservoirs.entries()) {
      // A reservoir is a uniform sample of its stratum; a random part of it is one too.
      const kept = shuffle([...r.kept], this.random).slice(0, share[i]);
      for (const c of kept) {
        if (bytes + c.size > this.bytes) cutByBytes++;
        else {
          bytes += c.size;
          chosen.push(c);
        }
      }
    }
    return { chosen, pool: pool + this.#tooLarge, tooLarge: this.#tooLarge, cutByBytes };
  }
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * With `n` objects drawn at random and none different, the share of differing objects in the pool
 * is below this with 95 % confidence: the exact bound 1 − 0.05^(1/n), about 3/n (the "rule of
 * three"); 299 objects give 0.996 %. Undefined without a draw.
 */
export function upperBound95(n: number): number | undefined {
  return n > 0 ? 1 - 0.05 ** (1 / n) : undefined;
}
