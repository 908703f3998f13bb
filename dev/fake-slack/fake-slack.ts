import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { blockLimitProblems, type Surface } from './block-limits.js';
import { FakeChannels } from './fake-channels.js';
import { FakeFiles } from './fake-files.js';
import { FakeSlackOAuth } from './fake-oauth.js';
import { FakeWorkflows } from './fake-workflows.js';
import type { RecordedCall } from './recorded-call.js';

export type { RecordedCall } from './recorded-call.js';

export interface FakeSlackOptions {
  botToken: string;
  /** Users `users.info` reports as workspace admins. */
  admins?: string[];
  /** User id → Slack locale (`ko-KR`) that `users.info` reports with `include_locale`; default `en-US`. */
  locales?: Record<string, string>;
  /**
   * Seconds part of the message timestamps it hands out (default 1700000000, so tests can name
   * them). Long-lived uses (the playground with a persistent store) pass the start time, so a ts
   * kept from an earlier run never names a message of this one.
   */
  tsEpoch?: number;
  /** User group id → member user ids, for `usergroups.users.list`. */
  usergroups?: Record<string, string[]>;
  teamId?: string;
  botUserId?: string;
  port?: number;
  /**
   * Answer 429 with Retry-After like Slack's rate-limit tiers (off by default; `true` = the
   * defaults of `TierLimits`). The benchmarks turn it on; `setTierLimits` changes it later.
   */
  enforceTiers?: boolean | Partial<TierLimits>;
  /** Its clock: rate limits and call times (default the system's; a test may pass its watcher's). */
  now?: () => number;
}

/**
 * Slack's rate limits as the fake enforces them, per workspace (and per channel for posts). The
 * published figures: Tier 2 20+/min, Tier 3 50+/min, Tier 4 100+/min per method and workspace;
 * `chat.postMessage` about 1 per second per channel with short bursts, plus a workspace-wide limit
 * Slack does not quantify (the default here is an assumption).
 */
export interface TierLimits {
  /** `chat.postMessage` per channel: a bucket of `postBurst` refilled at this rate per second. */
  postPerChannelPerSecond: number;
  postBurst: number;
  /** `chat.postMessage` per workspace in any 60 s. */
  postPerWorkspacePerMinute: number;
  /** Calls per workspace in any 60 s, per method, for the tiered methods the fake serves. */
  perMinute: Record<string, number>;
}

export const DEFAULT_TIER_LIMITS: TierLimits = {
  postPerChannelPerSecond: 1,
  postBurst: 3,
  postPerWorkspacePerMinute: 300,
  perMinute: {
    'chat.update': 50,
    'chat.delete': 50,
    'conversations.history': 50,
    'conversations.replies': 50,
    'conversations.info': 50,
    'chat.postEphemeral': 100,
    'views.open': 100,
    'views.update': 100,
    'views.push': 100,
    'views.publish': 100,
    'users.info': 100,
    'usergroups.users.list': 20,
  },
};

/** A call the tier limits refused (not recorded in `calls`: Slack did not process it). */
export interface ThrottledCall {
  method: string;
  team: string;
  channel?: string;
  retryAfterSeconds: number;
  at: number;
}

interface RateLimit {
  method: string;
  retryAfterSeconds: number;
  remaining: number;
}

const VIEW_SURFACE: Record<string, Surface> = {
  'views.open': 'modal',
  'views.update': 'modal',
  'views.push': 'modal',
  'views.publish': 'home',
};

/**
 * A Slack Web API on loopback, for tests, the playground and benchmarks: records every call and
 * every `response_url` post, answers like Slack (ok/error, ts values), enforces Block Kit limits,
 * and can answer 429 with Retry-After or go down entirely.
 */
export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  /** OAuth installs and token rotation (`oauth.v2.access`); tokens it issues are accepted too. */
  readonly oauth = new FakeSlackOAuth();
  /** Remove the bot from a channel, archive or delete one: posts there then fail as in Slack. */
  readonly channels = new FakeChannels();
  /** Files shared with Slack's two-step upload, bytes included. */
  readonly files = new FakeFiles();
  /** Custom workflow steps: `function_executed` events to send, and how each execution ended. */
  readonly workflows = new FakeWorkflows();
  readonly responses: RecordedCall[] = [];
  /** response_url posts refused for breaking Block Kit limits. */
  readonly rejected: RecordedCall[] = [];
  readonly #options: Required<Omit<FakeSlackOptions, 'admins' | 'locales' | 'usergroups' | 'enforceTiers'>>;
  /** Mutable so tests can change who is an admin or in a group. */
  readonly admins: Set<string>;
  /** User id → the Slack locale `users.info` reports (tests set a person's language here). */
  readonly locales: Map<string, string>;
  readonly usergroups: Map<string, string[]>;
  readonly #rateLimits: RateLimit[] = [];
  /** Calls answered 429 by the tier limits (`enforceTiers`). */
  readonly throttled: ThrottledCall[] = [];
  #tiers: TierLimits | undefined;
  /** `team method` → accepted call times in the last minute; `team channel` → post bucket. */
  readonly #windows = new Map<string, number[]>();
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #down = false;
  #botTokenRevoked = false;
  #tsCounter = 0;
  #server = createServer((req, res) => {
    this.#handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  #listeners = new Set<() => void>();
  readonly #observers = new Set<(call: RecordedCall, answer: Record<string, unknown>) => void>();
  url = '';

  constructor(options: FakeSlackOptions) {
    this.#options = {
      teamId: 'T0FAKE001',
      botUserId: 'U0BOT0001',
      port: 0,
      tsEpoch: 1_700_000_000,
      now: () => Date.now(),
      ...options,
    };
    this.admins = new Set(options.admins ?? []);
    this.locales = new Map(Object.entries(options.locales ?? {}));
    this.usergroups = new Map(Object.entries(options.usergroups ?? {}));
    this.setTierLimits(options.enforceTiers ?? false);
  }

  /** Turns tier enforcement on (`true`: the defaults) or off, and forgets the calls counted so far. */
  setTierLimits(limits: boolean | Partial<TierLimits>): void {
    this.#tiers =
      limits === false
        ? undefined
        : {
            ...DEFAULT_TIER_LIMITS,
            ...(limits === true ? {} : limits),
            perMinute: { ...DEFAULT_TIER_LIMITS.perMinute, ...(limits === true ? {} : limits.perMinute) },
          };
    this.#windows.clear();
    this.#buckets.clear();
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(this.#options.port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /**
   * Calls `observer` after every Web API call or response_url post with what was answered, so a
   * view of the conversation (the playground's channel) can be kept beside the recording.
   */
  observe(observer: (call: RecordedCall, answer: Record<string, unknown>) => void): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  /** Base URL for Bolt's `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A fresh `response_url` the fake will record posts to. */
  responseUrl(id: string): string {
    return `${this.url}/response/${encodeURIComponent(id)}`;
  }

  /** The next `count` calls to `method` answer HTTP 429 with Retry-After. */
  rateLimit(method: string, retryAfterSeconds: number, count = 1): void {
    this.#rateLimits.push({ method, retryAfterSeconds, remaining: count });
  }

  /** The bot token stops working (an admin revoked it): calls with it get `invalid_auth`. */
  revokeBotToken(revoked = true): void {
    this.#botTokenRevoked = revoked;
  }

  /** While down, every request gets a 503 (a Slack outage). */
  setDown(down: boolean): void {
    this.#down = down;
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  responsesTo(id: string): RecordedCall[] {
    return this.responses.filter((r) => r.method === `response:${id}`);
  }

  clear(): void {
    this.calls.length = 0;
    this.responses.length = 0;
  }

  /** Resolves once `predicate` holds, polling on every recorded request; bounded by `timeoutMs`. */
  async waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`fake Slack: condition not met within ${timeoutMs} ms`);
      await Promise.race([
        new Promise<void>((resolve) => {
          const done = () => {
            this.#listeners.delete(done);
            resolve();
          };
          this.#listeners.add(done);
        }),
        sleep(50),
      ]);
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const bytes = await readBody(req);
    const raw = bytes.toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    if (this.#down) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('service unavailable');
      return;
    }
    if (url.pathname.startsWith('/__fake/') && req.method === 'GET') {
      // Read-only view of what was recorded, for the playground's command-line client.
      const id = url.pathname.startsWith('/__fake/responses/')
        ? decodeURIComponent(url.pathname.slice('/__fake/responses/'.length))
        : undefined;
      const body =
        id !== undefined ? this.responsesTo(id) : url.pathname === '/__fake/calls' ? this.calls : undefined;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
      return;
    }
    if (url.pathname.startsWith('/upload/') && req.method === 'POST') {
      const received = this.files.receive(decodeURIComponent(url.pathname.slice('/upload/'.length)), bytes);
      res
        .writeHead(received ? 200 : 404, { 'content-type': 'text/plain' })
        .end(received ? 'OK' : 'not found');
      return;
    }
    if (url.pathname.startsWith('/response/')) {
      const id = decodeURIComponent(url.pathname.slice('/response/'.length));
      const call = {
        method: `response:${id}`,
        body: parseBody(raw, req.headers['content-type']),
        at: this.#options.now(),
      };
      // Slack refuses a response_url message that breaks Block Kit limits, as it does a Web API call.
      const problems = blockLimitProblems(call.body.blocks, 'message');
      if (problems.length > 0) {
        this.#record(this.rejected, call);
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`invalid_blocks: ${problems.join('; ')}`);
        return;
      }
      this.#record(this.responses, call);
      for (const observer of this.#observers) observer(call, { ok: true });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (!url.pathname.startsWith('/api/')) {
      res.writeHead(404).end();
      return;
    }
    const method = url.pathname.slice('/api/'.length);
    const limit = this.#rateLimits.find((r) => r.method === method && r.remaining > 0);
    if (limit) {
      limit.remaining--;
      res.writeHead(429, {
        'retry-after': String(limit.retryAfterSeconds),
        'content-type': 'application/json',
      });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const body = parseBody(raw, req.headers['content-type']);
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ')
      ? auth.slice(7)
      : typeof body.token === 'string'
        ? body.token
        : undefined;
    const retryAfter = this.#tierRetryAfter(method, token, body);
    if (retryAfter !== undefined) {
      res.writeHead(429, { 'retry-after': String(retryAfter), 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const call: RecordedCall = { method, token, body, at: this.#options.now() };
    this.#record(this.calls, call);
    if (method === 'oauth.v2.access') await this.oauth.arriving(body);
    const answer = this.#answer(method, token, body);
    if (answer.ok === true && typeof answer.ts === 'string') call.ts = answer.ts;
    for (const observer of this.#observers) observer(call, answer);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  }

  /** Seconds to wait when this call breaks a tier limit (and it is counted as throttled), else undefined. */
  #tierRetryAfter(
    method: string,
    token: string | undefined,
    body: Record<string, unknown>,
  ): number | undefined {
    const tiers = this.#tiers;
    if (!tiers) return undefined;
    const now = this.#options.now();
    const team = this.oauth.teamOf(token) ?? this.#options.teamId;
    const channel = typeof body.channel === 'string' ? body.channel : undefined;
    const perMinute =
      method === 'chat.postMessage' ? tiers.postPerWorkspacePerMinute : tiers.perMinute[method];
    let wait = 0;
    const windowKey = `${team} ${method}`;
    const window = (this.#windows.get(windowKey) ?? []).filter((t) => t > now - 60_000);
    if (perMinute !== undefined && window.length >= perMinute) wait = window[0]! + 60_000 - now;
    let bucket: { tokens: number; at: number } | undefined;
    if (method === 'chat.postMessage' && channel) {
      const key = `${team} ${channel}`;
      const previous = this.#buckets.get(key) ?? { tokens: tiers.postBurst, at: now };
      const tokens = Math.min(
        tiers.postBurst,
        previous.tokens + ((now - previous.at) / 1000) * tiers.postPerChannelPerSecond,
      );
      bucket = { tokens, at: now };
      this.#buckets.set(key, bucket);
      if (tokens < 1) wait = Math.max(wait, ((1 - tokens) / tiers.postPerChannelPerSecond) * 1000);
    }
    if (wait > 0) {
      const retryAfterSeconds = Math.max(1, Math.ceil(wait / 1000));
      this.throttled.push({ method, team, channel, retryAfterSeconds, at: now });
      this.#windows.set(windowKey, window);
      return retryAfterSeconds;
    }
    if (perMinute !== undefined) {
      window.push(now);
      this.#windows.set(windowKey, window);
    }
    if (bucket) bucket.tokens -= 1;
    return undefined;
  }

  #record(list: RecordedCall[], call: RecordedCall): void {
    list.push(call);
    for (const listener of [...this.#listeners]) listener();
  }

  #answer(method: string, token: string | undefined, body: Record<string, unknown>): Record<string, unknown> {
    if (method === 'oauth.v2.access') return this.oauth.access(body);
    const botToken = this.#botTokenRevoked ? undefined : this.#options.botToken;
    if (token !== botToken && !this.oauth.accepts(token) && !this.workflows.accepts(token))
      return { ok: false, error: token ? 'invalid_auth' : 'not_authed' };
    const surface: Surface | undefined = method.startsWith('chat.') ? 'message' : VIEW_SURFACE[method];
    const blocks =
      surface === 'message' ? body.blocks : (body.view as Record<string, unknown> | undefined)?.blocks;
    if (surface) {
      const problems = blockLimitProblems(blocks, surface);
      if (problems.length > 0) return { ok: false, error: 'invalid_blocks', errors: problems };
      if (surface === 'message' && typeof body.text === 'string' && body.text.length > 40_000) {
        return { ok: false, error: 'msg_too_long' };
      }
    }
    const channel = String(body.channel ?? 'C0FAKE001');
    const refusal = this.channels.refusal(method, channel);
    if (refusal) return { ok: false, error: refusal };
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.local/',
          team: 'Fake Team',
          team_id: this.oauth.teamOf(token) ?? this.#options.teamId,
          user: 'migrate',
          user_id: this.#options.botUserId,
          bot_id: 'B0FAKE001',
        };
      case 'chat.postMessage':
        return { ok: true, channel, ts: this.#nextTs(), message: { text: body.text, blocks: body.blocks } };
      case 'chat.update':
        return { ok: true, channel, ts: body.ts, text: body.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.#nextTs() };
      case 'chat.delete':
        return { ok: true, channel, ts: body.ts };
      case 'chat.getPermalink':
        return this.channels.permalink(channel, body.message_ts);
      case 'views.open':
      case 'views.update':
      case 'views.push':
      case 'views.publish':
        return { ok: true, view: { id: `V${this.#nextTs().replace('.', '')}`, ...(body.view as object) } };
      case 'conversations.info':
        return this.channels.info(channel);
      case 'users.info': {
        const user = String(body.user ?? '');
        const admin = this.admins.has(user);
        // Like Slack: the locale only when asked for it.
        const asked = body.include_locale === true || body.include_locale === 'true';
        const locale = asked ? { locale: this.locales.get(user) ?? 'en-US' } : {};
        return {
          ok: true,
          user: { id: user, name: user.toLowerCase(), is_admin: admin, is_owner: false, ...locale },
        };
      }
      case 'files.getUploadURLExternal':
        return this.files.getUploadUrl(this.url, body);
      case 'files.completeUploadExternal':
        return this.files.complete(body);
      case 'functions.completeSuccess':
        if (this.workflows.knows(body.function_execution_id)) return this.workflows.complete(method, body);
        return typeof body.function_execution_id === 'string' &&
          body.outputs &&
          typeof body.outputs === 'object'
          ? { ok: true }
          : { ok: false, error: 'invalid_arguments' };
      case 'functions.completeError':
        if (this.workflows.knows(body.function_execution_id)) return this.workflows.complete(method, body);
        return typeof body.function_execution_id === 'string' && typeof body.error === 'string'
          ? { ok: true }
          : { ok: false, error: 'invalid_arguments' };
      case 'usergroups.users.list': {
        const members = this.usergroups.get(String(body.usergroup ?? ''));
        return members ? { ok: true, users: members } : { ok: false, error: 'no_such_subteam' };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  #nextTs(): string {
    return `${this.#options.tsEpoch}.${String(++this.#tsCounter).padStart(6, '0')}`;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Web API calls come form-encoded with JSON-encoded nested values, or as JSON. */
function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (raw === '') return {};
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return { _raw: raw };
    }
  }
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    body[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return body;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
