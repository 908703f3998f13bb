/** One object the changing source writes: its key, its size and the simulated instant it was written. */
export interface SourceWrite {
  key: string;
  size: number;
  at: number;
}

export interface ChangingSourceOptions {
  /** Simulated instant the writes start (ms). */
  start: number;
  /** Objects written per hour at `start`. */
  perHour: number;
  /** Hours for the rate to halve (`Infinity`: a steady rate, a source that never settles). */
  halfLifeH: number;
  objectBytes: number;
  /** Keys are `<prefix>w-<n>`, numbered from 1. */
  prefix: string;
  /** Where each write lands: a bucket of the S3 store, an OMS source bucket, or both. */
  sinks: readonly ((write: SourceWrite) => void)[];
}

const HOUR = 3_600_000;
/** The most objects one `advanceTo` writes: a test that moves its clock by years still ends. */
const MAX_PER_ADVANCE = 200_000;

/**
 * A source bucket the applications keep writing to after the first copy (issue 76), at a rate that
 * halves every `halfLifeH` hours of simulated time: r(t) = r₀·2^(−t/h), so by t the source has had
 * N(t) = r₀·h/ln 2·(1 − 2^(−t/h)) writes. The test's clock drives it: `advanceTo(now)` writes every
 * object due since the last call, each stamped with its own instant (its `LastModified`), so delta
 * runs with a "since" see shrinking deltas, and an old-bucket watch sees keys written after a cut-over.
 */
export class ChangingSource {
  readonly #o: ChangingSourceOptions;
  /** Objects written so far (the last key's number). */
  written = 0;

  constructor(options: ChangingSourceOptions) {
    this.#o = options;
  }

  /** How many writes the source has had by `at` (a real number; whole writes are its floor). */
  writesBy(at: number): number {
    const t = Math.max(0, at - this.#o.start) / HOUR;
    const { perHour, halfLifeH } = this.#o;
    if (!Number.isFinite(halfLifeH)) return perHour * t;
    return ((perHour * halfLifeH) / Math.LN2) * (1 - 2 ** (-t / halfLifeH));
  }

  /** Bytes written in (from, to]: what a delta since `from` run at `to` moves. */
  bytesBetween(from: number, to: number): number {
    return (Math.floor(this.writesBy(to)) - Math.floor(this.writesBy(from))) * this.#o.objectBytes;
  }

  /** The instant write `n` (from 1) happened: N⁻¹(n). */
  #instantOf(n: number): number {
    const { perHour, halfLifeH, start } = this.#o;
    if (!Number.isFinite(halfLifeH)) return start + (n / perHour) * HOUR;
    const share = (n * Math.LN2) / (perHour * halfLifeH);
    // Past the total the source ever gets: never written.
    if (share >= 1) return Number.POSITIVE_INFINITY;
    return start + -halfLifeH * Math.log2(1 - share) * HOUR;
  }

  /** Writes every object due by `now` not written yet; resolves how many it wrote. */
  advanceTo(now: number): number {
    const due = Math.min(Math.floor(this.writesBy(now)), this.written + MAX_PER_ADVANCE);
    const before = this.written;
    for (let n = this.written + 1; n <= due; n++) {
      // The closed form can land a hair past `now` at the boundary: never stamp a write in the future.
      const write = {
        key: `${this.#o.prefix}w-${n}`,
        size: this.#o.objectBytes,
        at: Math.min(now, Math.ceil(this.#instantOf(n))),
      };
      for (const sink of this.#o.sinks) sink(write);
      this.written = n;
    }
    return this.written - before;
  }
}

/** A sink into a bucket of the S3 store simulator: the object stamped with its write's instant. */
export function storeSink(bucket: {
  put(key: string, object: { size: number; etag: string; lastModified: number }): void;
}): (write: SourceWrite) => void {
  return (w) =>
    bucket.put(w.key, {
      size: w.size,
      etag: `"${w.key.length.toString(16).padStart(32, '0')}"`,
      lastModified: w.at,
    });
}

/** A sink into an OMS simulator's source bucket: a delta's `migrate_since` sees its time. */
export function omsSink(bucket: { objects: { key: string; size: number; lastModified?: number }[] }) {
  return (w: SourceWrite): void => {
    bucket.objects.push({ key: w.key, size: w.size, lastModified: w.at });
  };
}
