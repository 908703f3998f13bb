import { compareKeys, type ObjectEntry } from '../../object-store/object-store.js';

/** One object that is not the same on both sides, named by its key on each side. */
export interface Difference {
  /** `missing`: at the source only; `different`: size or ETag differ; `extra`: at the destination only. */
  kind: 'missing' | 'different' | 'extra';
  sourceKey?: string;
  destinationKey?: string;
  sourceSize?: number;
  destinationSize?: number;
  sourceEtag?: string;
  destinationEtag?: string;
  /** What differs, for `different`: a checksum or the bytes only in a content check (issue 78). */
  by?: 'size' | 'etag' | 'checksum' | 'content';
}

export interface Tally {
  source: number;
  destination: number;
  matched: number;
  missing: number;
  different: number;
  extra: number;
  /** Pairs whose ETags were compared (both single-part MD5s). */
  etagCompared: number;
}

export interface Side {
  pages: AsyncIterable<ObjectEntry[]>;
  /** Listed under this prefix: keys are compared without it. */
  prefix: string;
}

export interface CompareOptions {
  /** Objects read per side before the check stops: what is after `checkedThrough` was not checked. */
  cap: number;
  onDifference(difference: Difference): void | Promise<void>;
  /** A pair with the same key and size (and MD5 ETag, where both are): a content check looks further. */
  onMatched?(source: ObjectEntry, destination: ObjectEntry): void;
  /** Before each page after a side's first, with the running tally; throw to stop. */
  onPage?(tally: Tally): void | Promise<void>;
}

export interface Compared {
  tally: Tally;
  /** Set when the cap stopped the check: every key (relative to the prefixes) up to this was checked. */
  checkedThrough?: string;
}

/** A single-part upload's ETag is the MD5 of its bytes; a multipart one (`…-N`) is not comparable. */
const MD5 = /^[0-9a-f]{32}$/i;

/**
 * Compares two listings in one pass (a merge of two sorted streams), holding one page of each side:
 * memory stays flat whatever the buckets hold. Keys are compared after their side's prefix, sizes
 * always, ETags only where both are single-part MD5s (two clouds' multipart ETags differ for equal
 * bytes). Both stores list in UTF-8 byte order, which `compareKeys` follows.
 */
export async function compareListings(
  source: Side,
  destination: Side,
  options: CompareOptions,
): Promise<Compared> {
  const tally: Tally = {
    source: 0,
    destination: 0,
    matched: 0,
    missing: 0,
    different: 0,
    extra: 0,
    etagCompared: 0,
  };
  const src = cursor(source, () => options.onPage?.(tally));
  const dst = cursor(destination, () => options.onPage?.(tally));
  let a = await src.next();
  let b = await dst.next();
  let last: string | undefined;
  while (a || b) {
    if (tally.source >= options.cap || tally.destination >= options.cap)
      return { tally, checkedThrough: last };
    const order = !a ? 1 : !b ? -1 : compareKeys(a.rel, b.rel);
    if (order < 0 && a) {
      tally.source++;
      tally.missing++;
      last = a.rel;
      await options.onDifference({
        kind: 'missing',
        sourceKey: a.entry.key,
        sourceSize: a.entry.size,
        sourceEtag: a.entry.etag,
      });
      a = await src.next();
    } else if (order > 0 && b) {
      tally.destination++;
      tally.extra++;
      last = b.rel;
      await options.onDifference({
        kind: 'extra',
        destinationKey: b.entry.key,
        destinationSize: b.entry.size,
        destinationEtag: b.entry.etag,
      });
      b = await dst.next();
    } else if (a && b) {
      tally.source++;
      tally.destination++;
      last = a.rel;
      const by = differs(a.entry, b.entry, tally);
      if (by) {
        tally.different++;
        await options.onDifference({
          kind: 'different',
          by,
          sourceKey: a.entry.key,
          destinationKey: b.entry.key,
          sourceSize: a.entry.size,
          destinationSize: b.entry.size,
          sourceEtag: a.entry.etag,
          destinationEtag: b.entry.etag,
        });
      } else {
        tally.matched++;
        options.onMatched?.(a.entry, b.entry);
      }
      a = await src.next();
      b = await dst.next();
    }
  }
  return { tally };
}

/** What differs between a source object and its copy: size, else ETag when both are MD5s. */
export function differs(a: ObjectEntry, b: ObjectEntry, tally: Tally): 'size' | 'etag' | undefined {
  if (a.size !== b.size) return 'size';
  if (a.etag && b.etag && MD5.test(a.etag) && MD5.test(b.etag)) {
    tally.etagCompared++;
    if (a.etag.toLowerCase() !== b.etag.toLowerCase()) return 'etag';
  }
  return undefined;
}

/** One entry at a time out of a side's pages, with its key relative to the side's prefix. */
function cursor(side: Side, pageRead: () => void | Promise<void>) {
  const pages = side.pages[Symbol.asyncIterator]();
  let page: ObjectEntry[] = [];
  let at = 0;
  let done = false;
  let fetched = 0;
  return {
    async next(): Promise<{ entry: ObjectEntry; rel: string } | undefined> {
      while (at >= page.length) {
        if (done) return undefined;
        // Between pages: the tally then holds every entry of the pages read so far.
        if (fetched++ > 0) await pageRead();
        const step = await pages.next();
        if (step.done) {
          done = true;
          return undefined;
        }
        page = step.value;
        at = 0;
      }
      const entry = page[at++]!;
      return {
        entry,
        rel: entry.key.startsWith(side.prefix) ? entry.key.slice(side.prefix.length) : entry.key,
      };
    },
  };
}
