import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeSlack } from '../../dev/fake-slack/fake-slack.js';

interface LoggedMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  reply_broadcast?: boolean;
  text?: string;
  metadata?: unknown;
}

/**
 * Real Slack answers `conversations.history` / `conversations.replies` (with message metadata);
 * the fake does not. This proxy sits in front of a FakeSlack, answers those two from what the fake
 * recorded, and forwards every other request unchanged (429s, outages and all). The watcher uses
 * them to find a post whose sender died before recording it.
 */
export class SlackHistoryProxy {
  readonly #fake: FakeSlack;
  readonly #messages: LoggedMessage[] = [];
  readonly #unobserve: () => void;
  /** How many history/replies look-ups were answered. */
  lookups = 0;
  url = '';
  #server = createServer((req, res) => {
    this.#handle(req)
      .then(({ status, headers, body }) => res.writeHead(status, headers).end(body))
      .catch(() => res.writeHead(502).end());
  });

  constructor(fake: FakeSlack) {
    this.#fake = fake;
    this.#unobserve = fake.observe((call, answer) => {
      if (call.method !== 'chat.postMessage' || answer.ok !== true) return;
      const b = call.body;
      this.#messages.push({
        channel: String(b.channel),
        ts: String(answer.ts),
        thread_ts: typeof b.thread_ts === 'string' ? b.thread_ts : undefined,
        reply_broadcast: b.reply_broadcast === true || b.reply_broadcast === 'true',
        text: typeof b.text === 'string' ? b.text : undefined,
        metadata: b.metadata,
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  async stop(): Promise<void> {
    this.#unobserve();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(
    req: IncomingMessage,
  ): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/api/conversations.history' || path === '/api/conversations.replies') {
      const params = new URLSearchParams(raw);
      const channel = params.get('channel') ?? '';
      const thread = params.get('ts');
      this.lookups++;
      const messages = this.#messages.filter(
        (m) =>
          m.channel === channel &&
          (path.endsWith('history')
            ? m.thread_ts === undefined || m.reply_broadcast
            : m.ts === thread || m.thread_ts === thread),
      );
      // Fake ts values are not wall-clock times, so `oldest` is not applied.
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ok: true, messages: messages.map((m) => ({ type: 'message', ...m })) }),
      };
    }
    const forwarded = await fetch(`${this.#fake.url}${req.url ?? '/'}`, {
      method: req.method,
      headers: Object.fromEntries(
        Object.entries(req.headers).filter(
          (e): e is [string, string] =>
            typeof e[1] === 'string' && e[0] !== 'host' && e[0] !== 'content-length',
        ),
      ),
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : raw,
    });
    const headers: Record<string, string> = {};
    forwarded.headers.forEach((value, key) => {
      if (key !== 'content-length' && key !== 'transfer-encoding' && key !== 'connection')
        headers[key] = value;
    });
    return { status: forwarded.status, headers, body: await forwarded.text() };
  }
}
