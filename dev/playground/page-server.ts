import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Logger } from '../../src/logger.js';
import type { Conversation, ConversationChange } from './conversation.js';
import { Interactions, PageRequestError } from './interactions.js';
import { BOT_USER_ID, CHANNEL, USERS } from './people.js';

/** The page's files, served by name only (never a path from the request). */
const STATIC_FILES: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/block-actions.js': 'block-actions.js',
  '/block-parts.js': 'block-parts.js',
  '/block-values.js': 'block-values.js',
  '/blocks.js': 'blocks.js',
  '/dom.js': 'dom.js',
  '/elements.js': 'elements.js',
  '/emoji.js': 'emoji.js',
  '/messages.js': 'messages.js',
  '/mrkdwn.js': 'mrkdwn.js',
  '/people.js': 'people.js',
  '/selects.js': 'selects.js',
  '/server.js': 'server.js',
  '/state.js': 'state.js',
  '/views.js': 'views.js',
  '/style.css': 'style.css',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const MAX_BODY_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/**
 * The static page lives in `dev/playground/web` and is not compiled, so it is found from the
 * repository root (the nearest folder with a package.json), whether this module runs from `dev/`
 * in tests or from `dist/dev/` after a build.
 */
export function findWebRoot(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dev', 'playground', 'web');
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

const stateValuesSchema = z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown())));
const userIdSchema = z.string().min(1).max(20);
const requests = {
  compose: z.object({ userId: userIdSchema, text: z.string().max(4000), threadTs: z.string().optional() }),
  action: z.object({
    userId: userIdSchema,
    target: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('message'), ts: z.string() }),
      z.object({ kind: z.literal('view'), viewId: z.string() }),
    ]),
    action: z.record(z.string(), z.unknown()),
    values: stateValuesSchema.default({}),
  }),
  submit: z.object({ userId: userIdSchema, viewId: z.string(), values: stateValuesSchema.default({}) }),
  close: z.object({ userId: userIdSchema, viewId: z.string(), all: z.boolean().default(false) }),
  options: z.object({
    userId: userIdSchema,
    viewId: z.string(),
    actionId: z.string(),
    blockId: z.string(),
    value: z.string().max(200),
    values: stateValuesSchema.default({}),
  }),
  home: z.object({ userId: userIdSchema }),
  language: z.object({ userId: userIdSchema, locale: z.enum(['en-US', 'ko-KR', 'zh-CN']) }),
};

export interface PageServerOptions {
  conversation: Conversation;
  /** The bot's `/slack/events` URL and signing secret: page actions become signed requests to it. */
  botEventsUrl: string;
  signingSecret: string;
  /** The fake Slack, which also records every `response_url` post (`/__fake/responses/…`). */
  fakeSlackUrl: string;
  logger: Logger;
  webRoot?: string;
  /** Sets a person's Slack language in the fake Slack (`users.info` answers with it). */
  setLocale?: (userId: string, locale: string) => void;
}

/**
 * The playground's web page: a Slack-like channel and App Home at `/`, live updates over
 * server-sent events at `/api/events`, the page's actions at `/api/*`, and the `response_url`s
 * the bot answers on (`/response/<id>`), which update the page and are passed on to the fake Slack.
 */
export class PageServer {
  readonly #options: PageServerOptions;
  readonly #interactions: Interactions;
  readonly #webRoot: string;
  readonly #streams = new Set<ServerResponse>();
  /** Each person's Slack language, as the page shows it. */
  readonly #locales = new Map<string, string>();
  readonly #server = createServer((req, res) => {
    this.#handle(req, res).catch((error: unknown) => {
      this.#options.logger.warn({ err: error, url: req.url }, 'playground page request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
    });
  });
  #heartbeat: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  url = '';

  constructor(options: PageServerOptions) {
    this.#options = options;
    this.#webRoot = options.webRoot ?? findWebRoot();
    this.#interactions = new Interactions({
      conversation: options.conversation,
      eventsUrl: options.botEventsUrl,
      signingSecret: options.signingSecret,
      responseUrl: (id) => `${this.url}/response/${encodeURIComponent(id)}`,
    });
  }

  async listen(port: number, host: string): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address() as AddressInfo;
    const shownHost = host === '127.0.0.1' || host === '::1' || host === '0.0.0.0' ? 'localhost' : host;
    this.url = `http://${shownHost}:${address.port}`;
    this.#unsubscribe = this.#options.conversation.onChange((change) => this.#broadcast(change));
    this.#heartbeat = setInterval(() => {
      for (const stream of this.#streams) stream.write(': ping\n\n');
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
    return this;
  }

  async stop(): Promise<void> {
    clearInterval(this.#heartbeat);
    this.#unsubscribe?.();
    for (const stream of this.#streams) stream.end();
    this.#streams.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://playground');
    if (req.method === 'GET') {
      if (url.pathname === '/api/events') return this.#openStream(req, res);
      if (url.pathname === '/api/state') return sendJson(res, 200, this.#state());
      const shared = /^\/files\/([A-Za-z0-9_-]{1,64})$/.exec(url.pathname);
      if (shared) {
        const bytes = this.#options.conversation.file(shared[1]!);
        if (!bytes) return sendJson(res, 404, { error: 'file_not_found' });
        res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' }).end(bytes);
        return;
      }
      const file = STATIC_FILES[url.pathname];
      if (file) return this.#sendFile(res, file);
      return sendJson(res, 404, { error: 'not_found' });
    }
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' });
    const raw = await readBody(req);
    if (url.pathname.startsWith('/response/')) return this.#responseUrlPost(req, res, url, raw);
    let body: unknown;
    try {
      body = JSON.parse(raw || '{}');
    } catch {
      return sendJson(res, 400, { error: 'invalid_json' });
    }
    try {
      const result = await this.#api(url.pathname, body);
      if (result === undefined) return sendJson(res, 404, { error: 'not_found' });
      return sendJson(res, 200, result);
    } catch (error) {
      if (error instanceof z.ZodError)
        return sendJson(res, 400, { error: 'invalid_request', details: error.issues });
      if (error instanceof PageRequestError) return sendJson(res, 409, { error: error.message });
      throw error;
    }
  }

  /** The page's requests; undefined for an unknown route. */
  async #api(route: string, body: unknown): Promise<unknown> {
    const interactions = this.#interactions;
    switch (route) {
      case '/api/compose': {
        const r = requests.compose.parse(body);
        await interactions.compose(r.userId, r.text, r.threadTs);
        return { ok: true };
      }
      case '/api/action': {
        const r = requests.action.parse(body);
        await interactions.act(r.userId, r.target, r.action, r.values);
        return { ok: true };
      }
      case '/api/view-submission': {
        const r = requests.submit.parse(body);
        await interactions.submitView(r.userId, r.viewId, r.values);
        return { ok: true };
      }
      case '/api/view-closed': {
        const r = requests.close.parse(body);
        await interactions.closeView(r.userId, r.viewId, r.all);
        return { ok: true };
      }
      case '/api/options': {
        const r = requests.options.parse(body);
        return interactions.suggest(r.userId, r.viewId, r.actionId, r.blockId, r.value, r.values);
      }
      case '/api/language': {
        // As in Slack: the person changes their language, Slack tells the app (`user_change`).
        const r = requests.language.parse(body);
        this.#locales.set(r.userId, r.locale);
        this.#options.setLocale?.(r.userId, r.locale);
        await interactions.userChanged(r.userId);
        return { ok: true, users: this.#state().users };
      }
      case '/api/home-opened': {
        const r = requests.home.parse(body);
        await interactions.openHome(r.userId);
        return { ok: true };
      }
      default:
        return undefined;
    }
  }

  /**
   * The bot answers on a `response_url` the playground handed out. The fake Slack judges it first
   * (it records it, or refuses one that breaks Block Kit limits); the page shows what Slack would:
   * the message, or a notice saying why it was refused. The bot gets the fake's answer.
   */
  async #responseUrlPost(req: IncomingMessage, res: ServerResponse, url: URL, raw: string): Promise<void> {
    const id = decodeURIComponent(url.pathname.slice('/response/'.length));
    const contentType = req.headers['content-type'] ?? 'application/json';
    const judged = await fetch(`${this.#options.fakeSlackUrl}/response/${encodeURIComponent(id)}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: raw,
    });
    const verdict = await judged.text();
    const conversation = this.#options.conversation;
    const known = judged.ok
      ? conversation.applyResponsePost(id, parseResponseBody(raw, contentType))
      : conversation.reportRefusedResponse(id, verdict);
    if (!known) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no_response_url');
      return;
    }
    res.writeHead(judged.status, { 'content-type': 'text/plain' }).end(verdict);
  }

  #state() {
    return {
      users: USERS.map((u) => ({ ...u, locale: this.#locales.get(u.id) ?? 'en-US' })),
      botUserId: BOT_USER_ID,
      channel: CHANNEL,
      ...this.#options.conversation.snapshot(),
    };
  }

  #openStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(`event: snapshot\ndata: ${JSON.stringify(this.#state())}\n\n`);
    this.#streams.add(res);
    req.on('close', () => this.#streams.delete(res));
  }

  #broadcast(change: ConversationChange): void {
    const frame = `event: change\ndata: ${JSON.stringify(change)}\n\n`;
    for (const stream of this.#streams) stream.write(frame);
  }

  #sendFile(res: ServerResponse, file: string): void {
    const content = readFileSync(path.join(this.#webRoot, file));
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      // The page is edited while the playground runs: always serve the current file.
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy':
        "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; connect-src 'self'",
    });
    res.end(content);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body ?? null));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `response_url` posts come as JSON (Bolt's `respond`) or, from other clients, form-encoded. */
function parseResponseBody(raw: string, contentType: string): Record<string, unknown> {
  try {
    if (contentType.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
    const form = Object.fromEntries(new URLSearchParams(raw));
    return typeof form.payload === 'string' ? (JSON.parse(form.payload) as Record<string, unknown>) : form;
  } catch {
    return {};
  }
}
