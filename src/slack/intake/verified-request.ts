import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import type { BufferedIncomingMessage, Logger } from '@slack/bolt';
import { systemClock } from '../../clock.js';
import { checkSlackEnvelope } from './slack-envelope.js';

/**
 * Largest request body read. Slack's payloads are a few kilobytes (a modal's state at most tens);
 * anything past this is refused while it arrives, before a byte of it is checked or kept.
 */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Slack's rule: a request whose timestamp is more than 5 minutes from now, either way, is a replay. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
/**
 * Longest a request may take to send its body once its headers are in. Slack sends a few
 * kilobytes at once; a body trickled a byte at a time would otherwise hold its connection open.
 */
export const BODY_DEADLINE_MS = 5_000;
/** Where the receiver hands a verified request's signature to Bolt's `context` (the dedupe's key). */
export const SIGNATURE_PROPERTY = 'slackRequestSignature';

const FORM = 'application/x-www-form-urlencoded';

export type SlackRequest =
  /** Slack's unsigned SSL check (`ssl_check=1`): answered 200, nothing else in it is read. */
  | { kind: 'ssl_check' }
  | {
      kind: 'payload';
      body: Record<string, unknown>;
      buffered: BufferedIncomingMessage;
      /** The verified `x-slack-signature`: the same only for the same bytes at the same timestamp. */
      signature: string;
    };

export interface VerifyOptions {
  signingSecret: string;
  logger: Logger;
  /**
   * Unix milliseconds; tests only. Slack's timestamp is compared with real time (`systemClock`), not
   * with the bot's one clock: Slack signs as of its own clock, whatever a test moved.
   */
  now?: () => number;
  /** `BODY_DEADLINE_MS` unless a test shortens it. */
  bodyDeadlineMs?: number;
}

/**
 * Reads a POST to the events endpoint the safe way round: the body with a byte limit while it
 * streams in (413) and a deadline to finish it (408), then the signature and timestamp over the
 * raw bytes (401), then the payload parsed and its envelope checked (400). Every refusal is answered here and gives `undefined`;
 * nothing about a refused request reaches Bolt, and nothing in it can throw out of this function.
 */
export async function receiveSlackRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: VerifyOptions,
): Promise<SlackRequest | undefined> {
  const deadlineMs = options.bodyDeadlineMs ?? BODY_DEADLINE_MS;
  const read = await readBody(req, MAX_BODY_BYTES, deadlineMs);
  if (read === 'too-large') {
    options.logger.warn(`Refused a request body over ${MAX_BODY_BYTES} bytes`);
    refuseAndClose(req, res, 413);
    return undefined;
  }
  if (read === 'timeout') {
    options.logger.warn(`Refused a request whose body took over ${deadlineMs} ms`);
    refuseAndClose(req, res, 408);
    return undefined;
  }
  if (read === 'aborted') {
    req.socket.destroy();
    return undefined;
  }
  // A form body is parsed once: for the SSL check here and, once signed, as the payload.
  const fields =
    mediaType(req.headers['content-type']) === FORM ? parseQueryString(read.toString('utf8')) : null;
  // As in Bolt: Slack's SSL check is not signed, so it is answered without reading anything else.
  if (fields?.ssl_check === '1') return { kind: 'ssl_check' };
  const refusal = signatureProblem(req, read, options.signingSecret, (options.now ?? systemClock.now)());
  if (refusal) {
    options.logger.warn(`Failed to verify the request: ${refusal}`);
    answer(res, 401);
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = parseBody(read, fields);
  } catch (error) {
    options.logger.warn(`Malformed request body: ${(error as Error).message}`);
    answer(res, 400);
    return undefined;
  }
  const envelope = checkSlackEnvelope(parsed);
  if (!envelope.ok) {
    options.logger.warn(`Refused a signed request of an unexpected shape: ${envelope.reason}`);
    answer(res, 400);
    return undefined;
  }
  // Bolt's ack and error handlers take the request with its raw body, as its own parser leaves it.
  const buffered = req as BufferedIncomingMessage;
  buffered.rawBody = read;
  return {
    kind: 'payload',
    body: envelope.body,
    buffered,
    signature: req.headers['x-slack-signature'] as string,
  };
}

type BodyRead = Buffer | 'too-large' | 'timeout' | 'aborted';

/**
 * The body, counted as it arrives. A declared length over the limit is refused before reading; a
 * chunked body is refused at the chunk that crosses it, and nothing more is read. A body not
 * finished within `deadlineMs` is refused the same way, however slowly its bytes keep coming.
 */
function readBody(req: IncomingMessage, limit: number, deadlineMs: number): Promise<BodyRead> {
  // A client gone mid-body must not become an unhandled 'error' event.
  req.on('error', () => {});
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve('too-large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const deadline = setTimeout(() => {
      req.pause();
      finish('timeout');
    }, deadlineMs);
    const finish = (result: BodyRead) => {
      clearTimeout(deadline);
      req.off('data', onData).off('end', onEnd).off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        req.pause();
        finish('too-large');
      } else chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks, received));
    // 'close' before 'end': the client went away with the body unfinished.
    const onClose = () => finish('aborted');
    req.on('data', onData).once('end', onEnd).once('close', onClose);
  });
}

/**
 * 413 or 408, and the connection closed once the answer is out: the rest of the body is never read
 * (an open keep-alive connection would make Node drain it).
 */
function refuseAndClose(req: IncomingMessage, res: ServerResponse, status: 413 | 408): void {
  res.once('finish', () => req.socket.destroy());
  res.once('close', () => req.socket.destroy());
  res.writeHead(status, { connection: 'close' });
  res.end();
}

/** What is wrong with the signature or timestamp, or `undefined` when the request is Slack's. */
function signatureProblem(
  req: IncomingMessage,
  rawBody: Buffer,
  signingSecret: string,
  nowMs: number,
): string | undefined {
  const timestampHeader = req.headers['x-slack-request-timestamp'];
  const signatureHeader = req.headers['x-slack-signature'];
  if (typeof timestampHeader !== 'string' || !/^\d{1,12}$/.test(timestampHeader))
    return 'missing or malformed x-slack-request-timestamp';
  if (typeof signatureHeader !== 'string') return 'missing x-slack-signature';
  const timestamp = Number(timestampHeader);
  // Both ways: a timestamp in the future is no fresher than one in the past, and would otherwise
  // make a captured request replayable until then.
  if (Math.abs(nowMs / 1000 - timestamp) > MAX_CLOCK_SKEW_SECONDS)
    return `x-slack-request-timestamp is more than ${MAX_CLOCK_SKEW_SECONDS / 60} minutes from now`;
  const expected = createHmac('sha256', signingKey(signingSecret))
    .update(`v0:${timestampHeader}:`)
    .update(rawBody)
    .digest();
  const match = /^v0=([0-9a-f]{64})$/.exec(signatureHeader);
  // Same length (32 bytes) on both sides, so the comparison time says nothing about the secret.
  if (!match || !timingSafeEqual(Buffer.from(match[1]!, 'hex'), expected)) return 'signature mismatch';
  return undefined;
}

/** The signing secret as a key object, made once: every request's HMAC would otherwise import it. */
let lastKey: { secret: string; key: KeyObject } | undefined;
function signingKey(secret: string): KeyObject {
  if (lastKey?.secret !== secret) lastKey = { secret, key: createSecretKey(Buffer.from(secret, 'utf8')) };
  return lastKey.key;
}

/** Interactive payloads come as form field `payload` (JSON); slash commands as the form fields. */
function parseBody(rawBody: Buffer, fields: ReturnType<typeof parseQueryString> | null): unknown {
  if (!fields) return JSON.parse(rawBody.toString('utf8'));
  if (typeof fields.payload === 'string') return JSON.parse(fields.payload);
  return { ...fields };
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function answer(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}
