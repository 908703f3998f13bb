import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import { type App, SocketModeReceiver } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boltLogger } from '../../../src/slack/bolt-logger.js';
import { guardSocketMode } from '../../../src/slack/intake/socket-mode-guard.js';
import { MAX_BODY_BYTES } from '../../../src/slack/intake/verified-request.js';
import { eventBody, FORM, JSON_TYPE, slackSignature } from '../../harness/slack-requests.js';
import { messageText, SIGNING_SECRET, TestBot } from '../../harness/test-bot.js';
import { captureLogger } from '../../helpers/capture-logger.js';

/**
 * Hardening of the events endpoint (issue #10): bodies are limited while they stream in, only
 * envelopes of Slack's shape reach Bolt, and a signature's timestamp must be within 5 minutes of
 * now, either way. After every refusal the bot still answers a signed command.
 */
const t = new TestBot();
/** Bound on waiting for an answer: the original receiver never answered these requests at all. */
const ANSWER_WAIT_MS = 5_000;
const CHUNK = Buffer.alloc(64 * 1024, 'a');
const FIVE_MB = 5 * 1024 * 1024;

beforeAll(async () => {
  await t.start();
});
afterAll(async () => {
  await t.stop();
});

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'no answer'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'no answer'>((resolve) => (timer = setTimeout(() => resolve('no answer'), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves true once `chunk` is handed to the socket, false if the connection refused it. */
function write(req: ClientRequest, chunk: Buffer): Promise<boolean> {
  if (req.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => req.write(chunk, (error) => resolve(!error)));
}

/** An unsigned POST whose body is written chunk by chunk, left open (never ended) by the caller. */
function openUpload(headers: Record<string, string | number>) {
  const req = request(t.eventsUrl, { method: 'POST', headers: { 'content-type': FORM, ...headers } });
  req.on('error', () => {});
  const response = new Promise<IncomingMessage>((resolve) => req.once('response', resolve));
  const closed = new Promise<true>((resolve) => req.once('close', () => resolve(true)));
  return { req, response, closed };
}

async function postSignedRaw(body: string, contentType: string, timestamp = Math.floor(Date.now() / 1000)) {
  const res = await fetch(t.eventsUrl, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, body),
    },
    body,
    signal: AbortSignal.timeout(ANSWER_WAIT_MS),
  }).catch(() => undefined);
  return res?.status ?? 'no answer';
}

/** The process is alive and serving: a signed command gets its answer. */
async function expectBotAnswers() {
  const answer = await t.ask('help');
  expect(messageText(answer)).toContain('/migrate');
}

describe('request body limit', () => {
  it('answers 413 to a chunked 5 MB body once it passes the limit, closes, and reads no more', async () => {
    const upload = openUpload({});
    let written = 0;
    // Just past the limit, and the request left unfinished: an answer now cannot have waited for the body.
    while (written <= MAX_BODY_BYTES) {
      expect(await write(upload.req, CHUNK)).toBe(true);
      written += CHUNK.length;
    }
    const response = await within(upload.response, ANSWER_WAIT_MS);
    expect(response === 'no answer' ? response : response.statusCode).toBe(413);
    expect((response as IncomingMessage).headers.connection).toBe('close');
    // The rest of the 5 MB: the server has closed the connection, so it cannot all be delivered.
    while (written < FIVE_MB && (await write(upload.req, CHUNK))) written += CHUNK.length;
    expect(await within(upload.closed, ANSWER_WAIT_MS)).toBe(true);
    expect(written).toBeLessThan(FIVE_MB);
    await expectBotAnswers();
  }, 30_000);

  it('answers 413 at once to a declared Content-Length over the limit, without reading the body', async () => {
    const upload = openUpload({ 'content-length': 200 * 1024 * 1024 });
    expect(await write(upload.req, CHUNK)).toBe(true);
    const response = await within(upload.response, ANSWER_WAIT_MS);
    expect(response === 'no answer' ? response : response.statusCode).toBe(413);
    expect((response as IncomingMessage).headers.connection).toBe('close');
    expect(await within(upload.closed, ANSWER_WAIT_MS)).toBe(true);
    await expectBotAnswers();
  }, 30_000);

  it('takes a signed command whose body is just under the limit', async () => {
    const fields = { command: '/migrate', text: 'help', team_id: 'T0FAKE001', user_id: 'U0ALICE01' };
    const responseUrl = t.fakeSlack.responseUrl('just-under');
    const body = new URLSearchParams({ ...fields, response_url: responseUrl, padding: '' }).toString();
    const padded = body + 'x'.repeat(MAX_BODY_BYTES - body.length);
    expect(Buffer.byteLength(padded)).toBe(MAX_BODY_BYTES);
    expect(await postSignedRaw(padded, FORM)).toBe(200);
    expect(messageText(await t.answer('just-under'))).toContain('/migrate');
  });
});

const form = (payload: string) => new URLSearchParams({ payload }).toString();

function interaction(type: string, fields: Record<string, unknown>, responseUrl: string): string {
  return form(
    JSON.stringify({
      type,
      team: { id: 'T0FAKE001', domain: 'fake' },
      user: { id: 'U0ALICE01', team_id: 'T0FAKE001' },
      api_app_id: 'A0MIGRATE',
      trigger_id: '1337.42.abcdef',
      response_url: responseUrl,
      ...fields,
    }),
  );
}

describe('payloads not of Slack’s shape', () => {
  it('answers 400 to signed non-object and malformed payloads; nothing runs and the bot lives on', async () => {
    const url = t.fakeSlack.responseUrl('odd-shape');
    const command = (fields: Record<string, string>) =>
      new URLSearchParams({ command: '/migrate', text: 'help', response_url: url, ...fields }).toString();
    const bodies: [string, string][] = [
      [form('null'), FORM],
      [form('[1]'), FORM],
      [form('"x"'), FORM],
      [form('3'), FORM],
      [form('{'), FORM],
      ['foo=bar', FORM],
      ['', FORM],
      [`${command({ team_id: 'T0FAKE001', user_id: 'U0ALICE01' })}&command=%2Fmigrate`, FORM],
      [command({ user_id: 'U0ALICE01' }), FORM],
      [command({ team_id: 'T0FAKE001', user_id: 'U0ALICE01', event: 'x' }), FORM],
      ['null', JSON_TYPE],
      ['[]', JSON_TYPE],
      ['3', JSON_TYPE],
      ['"x"', JSON_TYPE],
      ['{}', JSON_TYPE],
      [JSON.stringify({ type: 'event_callback', team_id: 'T0FAKE001', event: null }), JSON_TYPE],
      [JSON.stringify({ type: 'event_callback', event: { type: 'app_home_opened', user: null } }), JSON_TYPE],
      [JSON.stringify({ type: 'event_callback', event: { type: 'channel_created', channel: 7 } }), JSON_TYPE],
      [JSON.stringify({ type: 'url_verification', challenge: { x: 1 } }), JSON_TYPE],
      [interaction('block_actions', { actions: 'refresh' }, url), FORM],
      [interaction('block_actions', { actions: 3 }, url), FORM],
      [interaction('block_actions', { actions: [] }, url), FORM],
      [interaction('block_actions', { actions: [null] }, url), FORM],
      [interaction('block_actions', { actions: [{ action_id: 'home.refresh' }], user: null }, url), FORM],
      [interaction('block_actions', { actions: [{ action_id: 'home.refresh' }], team: 'T0' }, url), FORM],
      [interaction('block_actions', {}, url), FORM],
      [interaction('view_submission', { view: null }, url), FORM],
      [interaction('shortcut', { callback_id: 3 }, url), FORM],
      [interaction('block_suggestion', { action_id: null }, url), FORM],
    ];
    const statuses = [];
    for (const [body, type] of bodies) statuses.push(await postSignedRaw(body, type));
    expect(statuses).toEqual(bodies.map(() => 400));
    await expectBotAnswers();
    expect(t.fakeSlack.responsesTo('odd-shape')).toEqual([]);
  }, 60_000);

  it('still takes org-wide clicks (team null), Slack’s SSL check and a rate-limit notice', async () => {
    const orgWide = interaction(
      'block_actions',
      { team: null, actions: [{ action_id: 'no.such.action', block_id: 'b' }] },
      t.fakeSlack.responseUrl('org-wide'),
    );
    expect(await postSignedRaw(orgWide, FORM)).toBe(200);
    const ssl = await fetch(t.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: 'ssl_check=1',
    });
    expect(ssl.status).toBe(200);
    const limited = JSON.stringify({
      type: 'app_rate_limited',
      team_id: 'T0FAKE001',
      minute_rate_limited: 1,
    });
    expect(await postSignedRaw(limited, JSON_TYPE)).toBe(200);
    await expectBotAnswers();
  });
});

describe('request timestamps', () => {
  it('refuses a signature dated more than 5 minutes from now, either way, and runs nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const refused = [];
    for (const timestamp of [now + 6 * 60, now + 365 * 24 * 3600, now - 6 * 60]) {
      const { http, responseId } = await t.command('help', {}, { timestamp });
      refused.push({ status: http.status, responseId });
    }
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401]);
    // A signature 4 minutes ahead (a clock a little off) is fine; its answer orders the check below.
    const { http, responseId } = await t.command('help', {}, { timestamp: now + 4 * 60 });
    expect(http.status).toBe(200);
    await t.answer(responseId);
    for (const r of refused) expect(t.fakeSlack.responsesTo(r.responseId)).toEqual([]);
  });
});

describe('Socket Mode', () => {
  it('drops messages not of Slack’s shape instead of ending the process, and passes Slack’s own', async () => {
    const logger = boltLogger(captureLogger().logger);
    const receiver = guardSocketMode(new SocketModeReceiver({ appToken: 'xapp-1-test', logger }), logger);
    const processed: unknown[] = [];
    receiver.init({
      processEvent: async (event: { body: unknown }) => processed.push(event.body),
    } as unknown as App);
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    const event = JSON.parse(
      eventBody('T0FAKE001', { type: 'app_home_opened', user: 'U0ALICE01', tab: 'home' }),
    );
    try {
      for (const message of [
        'null',
        '3',
        '[]',
        { type: 'events_api', envelope_id: 'e1', payload: null },
        { type: 'events_api', envelope_id: 'e2', payload: { type: 'event_callback', event: null } },
        { type: 'events_api', envelope_id: 'e3', payload: { ...event, event: { type: 'disconnected' } } },
        { type: 'slash_commands', envelope_id: 'e4', payload: null },
        { type: 'interactive', envelope_id: 'e5', payload: { type: 'block_actions', actions: 'x' } },
        { type: 'error', envelope_id: 'e6', payload: {} },
      ])
        receiver.client.emit(
          'ws_message',
          typeof message === 'string' ? message : JSON.stringify(message),
          false,
        );
      receiver.client.emit(
        'ws_message',
        JSON.stringify({ type: 'events_api', envelope_id: 'ok', payload: event }),
        false,
      );
      await expect.poll(() => processed.length).toBe(1);
      // Rejections are reported before the event loop turns again.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', onRejection);
    }
    expect(rejections).toEqual([]);
    expect(processed).toEqual([event]);
  });
});
