import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { respondFetch, respondWithUndici } from '../../src/slack/respond-fetch.js';
import { messageText, TestBot } from '../harness/test-bot.js';

const received: { method: string; type: string; body: string }[] = [];
let server: Server;
let base = '';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req
      .on('data', (chunk: Buffer) => chunks.push(chunk))
      .on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    received.push({
      method: req.method ?? '',
      type: String(req.headers['content-type']),
      body: await readBody(req),
    });
    if (req.url === '/gone') return void res.writeHead(404).end('expired_url');
    if (req.url === '/moved') return void res.writeHead(302, { location: '/ok' }).end();
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('respondFetch (Bolt respond to a response_url)', () => {
  it('posts the JSON as given and tells ok, status and status text', async () => {
    received.length = 0;
    const sent = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text":"hi"}' };
    const ok = await respondFetch(`${base}/ok`, sent);
    expect([ok.ok, ok.status]).toEqual([true, 200]);
    const gone = await respondFetch(`${base}/gone`, sent);
    expect([gone.ok, gone.status, gone.statusText]).toEqual([false, 404, 'Not Found']);
    expect(received).toEqual([
      { method: 'POST', type: 'application/json', body: '{"text":"hi"}' },
      { method: 'POST', type: 'application/json', body: '{"text":"hi"}' },
    ]);
  });

  it('does not follow a redirect: the post is not ok', async () => {
    received.length = 0;
    const moved = await respondFetch(`${base}/moved`, { method: 'POST', body: '{}' });
    expect([moved.ok, moved.status]).toEqual([false, 302]);
    expect(received).toHaveLength(1);
  });

  it("is the fetch of Bolt's respond (fails when a Bolt version keeps it elsewhere)", async () => {
    const app = new App({ token: 'xoxb-test', signingSecret: 'x', tokenVerificationEnabled: false });
    expect(respondWithUndici(app)).toBe(true);
    expect((app as unknown as { fetchFn: unknown }).fetchFn).toBe(respondFetch);
  });
});

describe("the bot's answers on the response_url", () => {
  const t = new TestBot();
  // Spied before the bot starts: Bolt takes its fetch when the App is made.
  const fetchSpy = vi.spyOn(globalThis, 'fetch');
  beforeAll(() => t.start());
  afterAll(async () => {
    await t.stop();
    fetchSpy.mockRestore();
  });

  it('go out through respondFetch, not the global fetch', async () => {
    const answer = await t.ask('help');
    expect(messageText(answer)).toContain('/migrate status');
    const toResponseUrl = fetchSpy.mock.calls.filter(([url]) => String(url).includes('/response/'));
    expect(toResponseUrl).toEqual([]);
  });
});
