import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Conversation } from '../../dev/playground/conversation.js';
import { Interactions } from '../../dev/playground/interactions.js';
import { slackSignature } from '../../dev/playground/signed-request.js';

/**
 * What the page's actions become, checked against a stand-in app that verifies Slack's signature
 * and answers with programmed acknowledgements (the real bot is covered by the browser test).
 */

const SECRET = 'interactions-test-secret';
const ALICE = 'U0ALICE01';

interface Received {
  contentType: string;
  body: string;
  payload: Record<string, unknown> | undefined;
}

const received: Received[] = [];
let nextAck: { status: number; body: string } = { status: 200, body: '' };
let server: Server;
let eventsUrl = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = Number(req.headers['x-slack-request-timestamp']);
      if (req.headers['x-slack-signature'] !== slackSignature(SECRET, timestamp, body)) {
        res.writeHead(401).end();
        return;
      }
      const form = new URLSearchParams(body).get('payload');
      received.push({
        contentType: String(req.headers['content-type']),
        body,
        payload: form ? (JSON.parse(form) as Record<string, unknown>) : undefined,
      });
      res.writeHead(nextAck.status, { 'content-type': 'application/json' }).end(nextAck.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received.length = 0;
  nextAck = { status: 200, body: '' };
});

function setUp() {
  const conversation = new Conversation();
  const interactions = new Interactions({
    conversation,
    eventsUrl,
    signingSecret: SECRET,
    responseUrl: (id) => `http://playground.test/response/${id}`,
  });
  return { conversation, interactions };
}

function openModal(conversation: Conversation, view: Record<string, unknown>): string {
  const trigger = conversation.newTrigger(ALICE);
  conversation.applyWebApiCall(
    'views.open',
    { trigger_id: trigger, view },
    { ok: true, view: { id: 'VMODAL1' } },
  );
  return 'VMODAL1';
}

const modal = {
  type: 'modal',
  callback_id: 'create-migration',
  private_metadata: '{"channel":"C0FAKE001"}',
  title: { type: 'plain_text', text: 'New migration' },
  submit: { type: 'plain_text', text: 'Request' },
  notify_on_close: true,
  blocks: [],
};

describe('page actions as Slack would send them', () => {
  it('sends a signed slash command with a response_url and a trigger_id for that person', async () => {
    const { interactions } = setUp();
    await interactions.compose(ALICE, '/migrate status 1912');
    const [request] = received;
    expect(request?.contentType).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(request?.body);
    expect(form.get('command')).toBe('/migrate');
    expect(form.get('text')).toBe('status 1912');
    expect(form.get('user_id')).toBe(ALICE);
    expect(form.get('response_url')).toMatch(/^http:\/\/playground\.test\/response\/r\d+-/);
    expect(form.get('trigger_id')).toBeTruthy();
  });

  it('sends block_actions from a message with its container, response_url and state', async () => {
    const { conversation, interactions } = setUp();
    conversation.applyWebApiCall(
      'chat.postMessage',
      { channel: 'C0FAKE001', text: 'card', blocks: [] },
      { ok: true, ts: '1700000000.000001' },
    );
    const action = { type: 'button', action_id: 'resource.pause', block_id: 'resource:x', value: 'v' };
    await interactions.act(ALICE, { kind: 'message', ts: '1700000000.000001' }, action, {});
    const payload = received[0]?.payload;
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: ALICE },
      container: {
        type: 'message',
        message_ts: '1700000000.000001',
        channel_id: 'C0FAKE001',
        is_ephemeral: false,
      },
      message: { ts: '1700000000.000001', text: 'card' },
      actions: [action],
    });
    expect(String(payload?.response_url)).toContain('/response/');
  });

  it('submits a view with its state and shows the errors the app answers with', async () => {
    const { conversation, interactions } = setUp();
    const viewId = openModal(conversation, modal);
    const values = { name: { value: { type: 'plain_text_input', value: 'photos' } } };
    nextAck = { status: 200, body: JSON.stringify({ response_action: 'errors', errors: { name: 'Taken' } }) };
    await interactions.submitView(ALICE, viewId, values);
    expect(received[0]?.payload).toMatchObject({
      type: 'view_submission',
      view: {
        id: viewId,
        callback_id: 'create-migration',
        private_metadata: '{"channel":"C0FAKE001"}',
        state: { values },
      },
    });
    expect(conversation.snapshot().modals[ALICE]?.[0]?.errors).toEqual({ name: 'Taken' });

    nextAck = { status: 200, body: '' };
    await interactions.submitView(ALICE, viewId, values);
    expect(conversation.snapshot().modals[ALICE]).toBeUndefined();
  });

  it('asks the app for external_select options with block_suggestion and returns its answer', async () => {
    const { conversation, interactions } = setUp();
    const viewId = openModal(conversation, modal);
    const options = {
      options: [{ text: { type: 'plain_text', text: 'acme-photos' }, value: 'acme-photos' }],
    };
    nextAck = { status: 200, body: JSON.stringify(options) };
    expect(await interactions.suggest(ALICE, viewId, 'bucket', 'source', 'acme', {})).toEqual(options);
    expect(received[0]?.payload).toMatchObject({
      type: 'block_suggestion',
      action_id: 'bucket',
      block_id: 'source',
      value: 'acme',
      view: { id: viewId },
    });
  });

  it('tells the app a view closed when it asked to be told', async () => {
    const { conversation, interactions } = setUp();
    const viewId = openModal(conversation, modal);
    await interactions.closeView(ALICE, viewId, true);
    expect(received[0]?.payload).toMatchObject({
      type: 'view_closed',
      is_cleared: true,
      view: { id: viewId },
    });
    expect(conversation.snapshot().modals[ALICE]).toBeUndefined();
  });

  it('sends app_home_opened as a signed JSON event', async () => {
    const { interactions } = setUp();
    await interactions.openHome(ALICE);
    expect(received[0]?.contentType).toBe('application/json');
    expect(JSON.parse(received[0]?.body ?? '{}')).toMatchObject({
      type: 'event_callback',
      event: { type: 'app_home_opened', user: ALICE, tab: 'home' },
    });
  });

  it('shows what Slack shows when the app fails to acknowledge', async () => {
    const { conversation, interactions } = setUp();
    nextAck = { status: 500, body: '' };
    await interactions.compose(ALICE, '/migrate list');
    const [notice] = conversation.snapshot().messages;
    expect(notice).toMatchObject({ notice: true, visibleTo: ALICE });
    expect(notice?.text).toContain('failed with the error');
  });
});
