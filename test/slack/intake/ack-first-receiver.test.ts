import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boltLogger } from '../../../src/slack/bolt-logger.js';
import {
  AckFirstReceiver,
  acksEmpty,
  MAX_RUNNING_PER_WORKSPACE,
} from '../../../src/slack/intake/ack-first-receiver.js';
import { Drain } from '../../../src/slack/intake/drain.js';
import {
  blockActionBody,
  eventBody,
  FORM,
  JSON_TYPE,
  postSigned,
  slashCommandBody,
} from '../../harness/slack-requests.js';
import { captureLogger } from '../../helpers/capture-logger.js';

const SECRET = 'ack-first-receiver-test-secret';

/** A gate a listener waits on, opened by the test. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

const commandGate = gate();
const slowGate = gate();
const slow = { running: 0, peak: 0, done: 0 };
const listenerRan: string[] = [];
/** Counts each accepted request until its work ends: a test waits for that, not for a fixed time. */
const drain = new Drain();
let url = '';
let app: App;

beforeAll(async () => {
  const logger = boltLogger(captureLogger().logger);
  const receiver = new AckFirstReceiver({
    signingSecret: SECRET,
    endpoints: '/slack/events',
    logger,
    drain,
    customRoutes: [
      { path: '/healthz', method: ['GET'], handler: (_req, res) => res.writeHead(200).end('ok') },
    ],
  });
  app = new App({
    receiver,
    logger,
    convoStore: false,
    // No Slack to ask: every request is authorized for the test workspace.
    authorize: async () => ({ botToken: 'xoxb-test', botId: 'B0TEST', botUserId: 'U0BOT' }),
  });
  // The command listener waits for the test: its ack can only come from the receiver.
  app.command('/migrate', async ({ ack }) => {
    await commandGate.wait;
    listenerRan.push('command');
    await ack();
  });
  app.action('slow', async ({ ack }) => {
    await ack();
    slow.running++;
    slow.peak = Math.max(slow.peak, slow.running);
    await slowGate.wait;
    slow.running--;
    slow.done++;
  });
  app.action('refresh', async ({ ack }) => {
    listenerRan.push('button');
    await ack();
  });
  app.view('form', async ({ ack }) => {
    await ack({ response_action: 'errors', errors: { name: 'Give it a name.' } });
  });
  app.options('bucket', async ({ ack }) => {
    await ack({ options: [{ text: { type: 'plain_text', text: 'photos' }, value: 'photos' }] });
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as unknown as { address(): AddressInfo };
  url = `http://127.0.0.1:${server.address().port}`;
});

afterAll(async () => {
  commandGate.open();
  slowGate.open();
  await app.stop();
});

function interaction(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

describe('AckFirstReceiver', () => {
  it('answers a slash command before its listener has run', async () => {
    const body = slashCommandBody({ text: 'list', response_url: 'http://127.0.0.1:9/unused' });
    const answer = await postSigned(`${url}/slack/events`, SECRET, body, FORM);
    expect(answer).toMatchObject({ status: 200, text: '' });
    expect(listenerRan).not.toContain('command');
    commandGate.open();
    await expect.poll(() => listenerRan.includes('command')).toBe(true);
  });

  it('answers a button click with an empty 200 and still runs its listener', async () => {
    const body = blockActionBody({
      actionId: 'refresh',
      value: 'v',
      responseUrl: 'http://127.0.0.1:9/unused',
    });
    const answer = await postSigned(`${url}/slack/events`, SECRET, body, FORM);
    expect(answer).toMatchObject({ status: 200, text: '' });
    await expect.poll(() => listenerRan.includes('button')).toBe(true);
  });

  it(`acks a burst at once, runs one workspace's work ${MAX_RUNNING_PER_WORKSPACE} at a time, and loses none`, async () => {
    const body = blockActionBody({ actionId: 'slow', value: 'v', responseUrl: 'http://127.0.0.1:9/unused' });
    const burst = MAX_RUNNING_PER_WORKSPACE * 4 + 8;
    const answers = await Promise.all(
      Array.from({ length: burst }, () => postSigned(`${url}/slack/events`, SECRET, body, FORM)),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await expect.poll(() => slow.running).toBe(MAX_RUNNING_PER_WORKSPACE);
    slowGate.open();
    await expect.poll(() => slow.done).toBe(burst);
    expect(slow.peak).toBe(MAX_RUNNING_PER_WORKSPACE);
  });

  it('leaves a view submission on Bolt’s path: the ack carries the field errors', async () => {
    const body = interaction({
      type: 'view_submission',
      team: { id: 'T0FAKE001' },
      user: { id: 'U0ALICE01', team_id: 'T0FAKE001' },
      api_app_id: 'A0MIGRATE',
      view: { id: 'V1', callback_id: 'form', state: { values: {} }, type: 'modal', team_id: 'T0FAKE001' },
    });
    const answer = await postSigned(`${url}/slack/events`, SECRET, body, FORM);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({
      response_action: 'errors',
      errors: { name: 'Give it a name.' },
    });
  });

  it('leaves an options request on Bolt’s path: the ack carries the options', async () => {
    const body = interaction({
      type: 'block_suggestion',
      action_id: 'bucket',
      block_id: 'b',
      value: 'ph',
      team: { id: 'T0FAKE001' },
      user: { id: 'U0ALICE01', team_id: 'T0FAKE001' },
      api_app_id: 'A0MIGRATE',
    });
    const answer = await postSigned(`${url}/slack/events`, SECRET, body, FORM);
    expect(JSON.parse(answer.text).options[0].value).toBe('photos');
  });

  it('refuses a wrong or missing signature and a stale timestamp with 401, running nothing', async () => {
    const before = listenerRan.length;
    const body = blockActionBody({
      actionId: 'refresh',
      value: 'v',
      responseUrl: 'http://127.0.0.1:9/unused',
    });
    const wrong = await postSigned(`${url}/slack/events`, SECRET, body, FORM, { signature: 'v0=00' });
    const missing = await postSigned(`${url}/slack/events`, SECRET, body, FORM, { omitSignature: true });
    const stale = await postSigned(`${url}/slack/events`, SECRET, body, FORM, {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect([wrong.status, missing.status, stale.status]).toEqual([401, 401, 401]);
    expect(await drain.idle(5_000)).toBe(true);
    expect(listenerRan.length).toBe(before);
  });

  it('answers the URL verification challenge and keeps custom routes', async () => {
    const challenge = JSON.stringify({ type: 'url_verification', challenge: 'abc123', token: 't' });
    const answer = await postSigned(`${url}/slack/events`, SECRET, challenge, JSON_TYPE);
    expect(JSON.parse(answer.text)).toEqual({ challenge: 'abc123' });
    const health = await fetch(`${url}/healthz`);
    expect(await health.text()).toBe('ok');
    const other = await fetch(`${url}/nowhere`);
    expect(other.status).toBe(404);
  });

  it('acks an Events API callback through Bolt', async () => {
    const answer = await postSigned(
      `${url}/slack/events`,
      SECRET,
      eventBody('T0FAKE001', { type: 'app_home_opened', user: 'U0ALICE01', tab: 'home' }),
      JSON_TYPE,
    );
    expect(answer.status).toBe(200);
  });
});

describe('acksEmpty', () => {
  it('is true for commands, button clicks and shortcuts only', () => {
    expect(acksEmpty({ command: '/migrate' })).toBe(true);
    expect(acksEmpty({ type: 'block_actions' })).toBe(true);
    expect(acksEmpty({ type: 'shortcut' })).toBe(true);
    expect(acksEmpty({ type: 'message_action' })).toBe(true);
    for (const type of ['view_submission', 'view_closed', 'block_suggestion', 'event_callback'])
      expect(acksEmpty({ type })).toBe(false);
  });
});
