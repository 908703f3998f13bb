import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver saw it, with whether its signature held. */
export interface Received {
  path: string;
  id: string;
  type: string;
  body: Record<string, unknown>;
  valid: boolean;
  timestamp: number;
  /** The body's exact bytes (a duplicate of an id must be the same). */
  raw: string;
  /** The timestamp within five minutes of the receiver's clock, as docs/events.md says to check. */
  fresh: boolean;
}

/**
 * A webhook receiver on loopback, as docs/events.md tells one to be written: it checks the
 * signature (HMAC-SHA256 of `v0:<timestamp>:<body>`) with the secret of its path, and keeps each
 * event id once. A path can answer 500, or never answer (`hang`), or answer 500 to the first
 * delivery of one type and 200 after (`failOnce`): the bot must send that event again.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  readonly secrets = new Map<string, string>();
  readonly hang = new Set<string>();
  readonly fail = new Set<string>();
  readonly failOnce = new Set<string>();
  readonly #hung: ServerResponse[] = [];
  #server: Server | undefined;
  url = '';

  /** The receiver's clock (a test whose bot runs on a moved clock gives the same one). */
  constructor(readonly now: () => number = () => Date.now()) {}

  async start(): Promise<this> {
    this.#server = createServer((req, res) => this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.#hung) res.destroy();
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  /** Requests hanging now. */
  get hanging(): number {
    return this.#hung.filter((r) => !r.destroyed).length;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  /** What a receiver keeps after deduplicating on the id: each event once, in the order first seen. */
  unique(path: string): Received[] {
    const seen = new Set<string>();
    return this.at(path).filter((r) => {
      if (seen.has(r.id)) return false;
      seen.add(r.id);
      return true;
    });
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const timestamp = String(req.headers['x-migrate-request-timestamp'] ?? '');
      const given = String(req.headers['x-migrate-signature'] ?? '');
      const secret = this.secrets.get(path) ?? '';
      const expected = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${raw}`).digest('hex')}`;
      const valid =
        secret !== '' &&
        given.length === expected.length &&
        timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      const body = JSON.parse(raw) as Record<string, unknown>;
      const id = String(req.headers['x-migrate-event-id']);
      const type = String(body.type);
      const again = this.received.some((r) => r.path === path && r.id === id);
      const fresh = Math.abs(this.now() / 1000 - Number(timestamp)) <= 300;
      this.received.push({ path, id, type, body, valid, timestamp: Number(timestamp), raw, fresh });
      if (this.hang.has(path)) {
        this.#hung.push(res);
        return;
      }
      const failNow = this.fail.has(path) || (this.failOnce.has(type) && !again);
      res.writeHead(failNow ? 500 : 200).end();
    });
  }
}
