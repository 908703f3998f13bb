/** What a provider answer may weigh by default: far above the largest page the bot asks for. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/**
 * A provider answered with more bytes than `PROVIDER_MAX_RESPONSE_MIB` allows: the body was cut off
 * unread past the cap, so one hostile or broken endpoint cannot grow a replica past its memory limit.
 */
export class ResponseTooLargeError extends Error {
  readonly limitBytes: number;

  constructor(limitBytes: number, declared?: number) {
    super(
      `the answer was larger than the ${mib(limitBytes)} a provider answer may have` +
        (declared !== undefined ? ` (it announced ${mib(declared)})` : '') +
        '; raise PROVIDER_MAX_RESPONSE_MIB if the endpoint is trusted',
    );
    this.name = 'ResponseTooLargeError';
    this.limitBytes = limitBytes;
  }
}

/**
 * A provider sent its answer too slowly: a byte now and then keeps undici's read timeout (a limit
 * between chunks) from ever firing, so the whole body has a deadline of its own.
 */
export class ResponseTooSlowError extends Error {
  constructor(deadlineMs: number) {
    super(`the answer was still arriving after ${Math.round(deadlineMs / 100) / 10} s, so it was cut off`);
    this.name = 'ResponseTooSlowError';
  }
}

/** The body as a stream the reader can stop: undici's `res.body`, a fetch body's reader. */
export interface BodyStream extends AsyncIterable<Uint8Array> {
  destroy?(error?: Error): void;
  cancel?(reason?: unknown): Promise<void>;
}

/**
 * Reads `body` as UTF-8 text, at most `maxBytes`: refused at once when `content-length` says more,
 * else stopped (and the stream destroyed, so the socket stops too) as soon as the count passes it.
 */
export async function readCappedText(
  body: BodyStream,
  maxBytes: number,
  contentLength: string | undefined,
  deadlineMs?: number,
): Promise<string> {
  const declared = contentLength === undefined ? Number.NaN : Number(contentLength);
  if (Number.isFinite(declared) && declared > maxBytes) {
    stop(body);
    throw new ResponseTooLargeError(maxBytes, declared);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  let late = false;
  const timer =
    deadlineMs === undefined
      ? undefined
      : setTimeout(() => {
          late = true;
          stop(body);
        }, deadlineMs);
  try {
    for await (const chunk of body) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        chunks.length = 0;
        stop(body);
        throw new ResponseTooLargeError(maxBytes);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (late) throw new ResponseTooSlowError(deadlineMs!);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  if (late) throw new ResponseTooSlowError(deadlineMs!);
  return Buffer.concat(chunks, total).toString('utf8');
}

function stop(body: BodyStream): void {
  if (body.destroy) body.destroy();
  else body.cancel?.().catch(() => undefined);
}

function mib(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}
