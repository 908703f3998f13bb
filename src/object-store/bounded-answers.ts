import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

/**
 * What one answer of an object store may weigh when the bot reads it whole (a listing page, an
 * error body): 1,000 keys of 1,024 bytes, each written three times over by URL-encoding, fit
 * under it. An object's content is streamed instead, read to its caller's own bound.
 */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/**
 * The longest key S3, OBS and NCP store (UTF-8 bytes). A listing naming a longer one is not a
 * store's: the check keeps differing keys (its CSV, the retry's list), so 1 MiB keys under the
 * 8 MiB answer cap would hold gigabytes over a listing's 5,000 pages.
 */
export const MAX_KEY_BYTES = 1024;

/** How far one listing is followed: a listing that goes past any of these is not finished but refused. */
export const LIST_LIMITS = {
  /** 5 million keys at 1,000 a page: five times a deep check's 1,000,000. */
  pages: 5_000,
  /** Truncated pages with no key in a row (S3 may send a few; a store that sends only those never ends). */
  emptyPagesInARow: 20,
  /** From the first request to the last page, on the bot's clock. */
  ms: 60 * 60_000,
};

/** Why a store's answer was not read to its end: its code, said in the check's words. */
export type RunawayCode =
  | 'AnswerTooLarge'
  | 'RepeatedToken'
  | 'EmptyPages'
  | 'TooManyPages'
  | 'ListingTooLong'
  | 'NoToken'
  | 'KeyTooLong';

/** A store's answer went past a bound the bot reads to. */
export class RunawayAnswerError extends Error {
  override readonly name = 'RunawayAnswerError';
  constructor(readonly code: RunawayCode) {
    super(`the object store's answer went past what the bot reads (${code})`);
  }
}

/** Follows one listing's pages, refusing one that repeats a token, never ends or keeps sending nothing. */
export class ListingBounds {
  readonly #seen = new Set<string>();
  readonly #started: number;
  #pages = 0;
  #empty = 0;

  constructor(readonly now: () => number) {
    this.#started = now();
  }

  /** The next page's token, or undefined when the listing ended; throws past a bound. */
  next(page: { truncated: boolean; token: string | undefined; keys: number }): string | undefined {
    this.#pages++;
    this.#empty = page.keys === 0 ? this.#empty + 1 : 0;
    if (!page.truncated) return undefined;
    // "There is more" with nothing to ask it by would end the listing early, as if it were whole.
    if (!page.token) throw new RunawayAnswerError('NoToken');
    const seen = createHash('sha256').update(page.token).digest('hex');
    if (this.#seen.has(seen)) throw new RunawayAnswerError('RepeatedToken');
    this.#seen.add(seen);
    if (this.#empty >= LIST_LIMITS.emptyPagesInARow) throw new RunawayAnswerError('EmptyPages');
    if (this.#pages >= LIST_LIMITS.pages) throw new RunawayAnswerError('TooManyPages');
    if (this.now() - this.#started >= LIST_LIMITS.ms) throw new RunawayAnswerError('ListingTooLong');
    return page.token;
  }
}

interface RawResponse {
  statusCode: number;
  headers: Record<string, string | undefined>;
  body: NodeJS.ReadableStream & { destroy?(error?: Error): void };
}

/**
 * An SDK middleware, inside the deserializer: a listing's answer, and any error answer, reach the
 * XML parser only up to `maxBytes` (refused at once when `content-length` says more), so one hostile
 * endpoint cannot grow a replica by what it sends. A 2xx object read passes untouched.
 */
export function capAnswers(maxBytes: number) {
  return (next: (args: unknown) => Promise<{ response: unknown }>) =>
    async (args: { request?: { query?: Record<string, unknown> } }) => {
      const result = await next(args);
      const response = result.response as RawResponse;
      const listing = args.request?.query?.['list-type'] !== undefined;
      if (!response?.body || (!listing && response.statusCode < 300)) return result;
      const declared = Number(response.headers['content-length'] ?? Number.NaN);
      if (Number.isFinite(declared) && declared > maxBytes) {
        response.body.destroy?.();
        throw new RunawayAnswerError('AnswerTooLarge');
      }
      let read = 0;
      const source = response.body;
      const capped = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          read += chunk.length;
          if (read > maxBytes) {
            source.destroy?.();
            done(new RunawayAnswerError('AnswerTooLarge'));
          } else done(null, chunk);
        },
      });
      source.on('error', (error: Error) => capped.destroy(error));
      response.body = source.pipe(capped);
      return result;
    };
}
