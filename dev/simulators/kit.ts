import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { NO_SHAPES, reshape, type ShapeRules, type ShapeSettings, shapeSettingsSchema } from './shapes.js';

/**
 * Small building blocks shared by the provider simulators: a router, fault injection and an HTTP
 * server on loopback with a `/__sim/*` control surface. Simulators are used by tests, the
 * playground and the benchmarks, never in production.
 */

export interface SimRequest {
  method: string;
  /** Path as received (still percent-encoded). */
  path: string;
  /** Raw query string without `?`. */
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  params: Record<string, string>;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are. */
  body?: unknown;
}

export type SimHandler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, body, headers: { 'content-type': 'application/json', ...headers } };
}

/** Parses a JSON body; `undefined` when it is not JSON (the simulator answers with its own 400). */
export function readJson(request: SimRequest): unknown {
  if (request.rawBody.trim() === '') return undefined;
  try {
    return JSON.parse(request.rawBody);
  } catch {
    return undefined;
  }
}

interface Route {
  method: string;
  segments: string[];
  handler: SimHandler;
}

export class Router {
  readonly #routes: Route[] = [];

  add(method: string, pattern: string, handler: SimHandler): this {
    this.#routes.push({ method, segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  /** `methodAllowed` tells a 405 from a 404. */
  match(
    method: string,
    path: string,
  ): { handler: SimHandler; params: Record<string, string> } | 'methodNotAllowed' | undefined {
    const parts = path.split('/').filter(Boolean);
    let pathMatched = false;
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method) return { handler: route.handler, params };
    }
    return pathMatched ? 'methodNotAllowed' : undefined;
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const value = parts[i]!;
    if (p.startsWith(':')) {
      try {
        params[p.slice(1)] = decodeURIComponent(value);
      } catch {
        return undefined;
      }
    } else if (p !== value) return undefined;
  }
  return params;
}

export const faultSettingsSchema = z.object({
  /** Added to every response. */
  latencyMs: z.number().min(0).max(60_000).default(0),
  /** Probability (0..1) of answering 429 with Retry-After. */
  rate429: z.number().min(0).max(1).default(0),
  retryAfterSeconds: z.number().min(0).max(3600).default(1),
  /** Probability of answering 503. */
  rate5xx: z.number().min(0).max(1).default(0),
  /** Probability of answering 200 with a truncated JSON body. */
  rateMalformed: z.number().min(0).max(1).default(0),
  /** A provider that hangs: requests get no answer while this is true, then proceed in order. */
  hold: z.boolean().default(false),
});
export type FaultSettings = z.infer<typeof faultSettingsSchema>;

export const scriptedFaultSchema = z.object({
  /** Only the first request with this method (and path containing `path`) gets the fault. */
  method: z.string().optional(),
  path: z.string().optional(),
  status: z.number().int().min(200).max(599).optional(),
  /** Error body to send instead of the simulator's default for that status. */
  body: z.unknown().optional(),
  retryAfterSeconds: z.number().min(0).optional(),
  malformed: z.boolean().optional(),
  delayMs: z.number().min(0).max(60_000).optional(),
  /** Drop the connection without an answer. */
  hangUp: z.boolean().optional(),
});
export type ScriptedFault = z.infer<typeof scriptedFaultSchema>;

/** Seeded so a run with faults can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  settings: FaultSettings = faultSettingsSchema.parse({});
  readonly #queue: ScriptedFault[] = [];
  readonly #random: () => number;
  /** Resolves the requests held by `hold` when it is turned off (or the faults are reset). */
  #unhold: (() => void) | undefined;
  #held: Promise<void> | undefined;

  constructor(random: () => number = seededRandom(42)) {
    this.#random = random;
  }

  configure(settings: Partial<FaultSettings>): void {
    this.settings = faultSettingsSchema.parse({ ...this.settings, ...settings });
    if (!this.settings.hold) this.#letGo();
  }

  /** Resolves at once, or, while `hold` is on, when it is turned off. */
  whileHeld(): Promise<void> {
    if (!this.settings.hold) return Promise.resolve();
    this.#held ??= new Promise<void>((resolve) => (this.#unhold = resolve));
    return this.#held;
  }

  #letGo(): void {
    this.#unhold?.();
    this.#unhold = undefined;
    this.#held = undefined;
  }

  /** The next requests get these faults, in order, before any random ones. */
  script(...faults: ScriptedFault[]): void {
    this.#queue.push(...faults);
  }

  reset(): void {
    this.settings = faultSettingsSchema.parse({});
    this.#queue.length = 0;
    this.#letGo();
  }

  next(method: string, path: string): ScriptedFault | undefined {
    const index = this.#queue.findIndex(
      (f) => (!f.method || f.method === method) && (!f.path || path.includes(f.path)),
    );
    if (index >= 0) return this.#queue.splice(index, 1)[0];
    const s = this.settings;
    if (s.rate429 > 0 && this.#random() < s.rate429)
      return { status: 429, retryAfterSeconds: s.retryAfterSeconds };
    if (s.rate5xx > 0 && this.#random() < s.rate5xx) return { status: 503 };
    if (s.rateMalformed > 0 && this.#random() < s.rateMalformed) return { malformed: true };
    return undefined;
  }
}

export interface SimServerOptions {
  name: string;
  router: Router;
  faults?: FaultInjector;
  /** Runs before routing for non-control requests; returning a response rejects the request. */
  authenticate?: (request: SimRequest) => SimResponse | undefined | Promise<SimResponse | undefined>;
  /** Body of an injected 429/5xx, in the provider's own error format. */
  faultBody?: (status: number) => unknown;
  /** Content-Type of those bodies (UpCloud answers `application/problem+json`). */
  faultContentType?: string;
  /** Extra `/__sim/*` routes (seeding, clock control). */
  control?: Router;
  /** Shapes mode at start (see shapes.ts) and what the provider's answers must keep. */
  shapes?: Partial<ShapeSettings>;
  shapeRules?: ShapeRules;
  port?: number;
}

export interface SimServer {
  url: string;
  port: number;
  faults: FaultInjector;
  /** Turns shapes mode on or off (`POST /__sim/shapes` does the same). */
  setShapes(settings: Partial<ShapeSettings>): void;
  /** The shapes now in force (a simulator reads `otherReadings` here, per request). */
  readonly shapes: ShapeSettings;
  /** Requests served per `METHOD /route-pattern`-free key (`GET /v2/p/tasks`), excluding control calls. */
  readonly requestCount: number;
  /** The newest requests served (control calls excluded), oldest first: what a test counts per click. */
  readonly requests: readonly SimRequestSeen[];
  resetRequestCount(): void;
  /** Tells `listener` of every request served from now on (control calls excepted); returns how to stop. */
  onRequest(listener: (method: string, path: string) => void): () => void;
  close(): Promise<void>;
}

/** One request as the simulator saw it (the path still percent-encoded), stamped on the wall clock. */
export interface SimRequestSeen {
  method: string;
  path: string;
  at: number;
}

/** Requests kept in `SimServer.requests`: enough for a test's clicks, bounded for a long playground run. */
const REQUESTS_KEPT = 1_000;

export async function startSimServer(options: SimServerOptions): Promise<SimServer> {
  const faults = options.faults ?? new FaultInjector();
  let shapes: ShapeSettings = { ...NO_SHAPES, ...options.shapes };
  const shapeRules: ShapeRules = options.shapeRules ?? { keep: [], enums: [] };
  let requestCount = 0;
  const listeners = new Set<(method: string, path: string) => void>();
  const requests: SimRequestSeen[] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, json(500, { error: 'simulator crashed', detail: String(error) }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://sim');
    const rawQuery = (req.url ?? '').includes('?')
      ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1)
      : '';
    const base: Omit<SimRequest, 'params'> = {
      method: req.method ?? 'GET',
      path: url.pathname,
      rawQuery,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
    };
    if (url.pathname.startsWith('/__sim/')) {
      send(res, await control(base));
      return;
    }
    requestCount++;
    for (const listener of listeners) listener(base.method, base.path);
    requests.push({ method: base.method, path: base.path, at: Date.now() });
    if (requests.length > REQUESTS_KEPT) requests.splice(0, requests.length - REQUESTS_KEPT);
    await faults.whileHeld();
    const fault = faults.next(base.method, base.path);
    const delay = (fault?.delayMs ?? 0) + faults.settings.latencyMs;
    if (delay > 0) await sleep(delay);
    if (fault?.hangUp) {
      req.socket.destroy();
      return;
    }
    if (fault?.status && fault.status >= 400) {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      const body = fault.body ?? options.faultBody?.(fault.status) ?? { error: 'injected fault' };
      send(res, faultResponse(fault.status, body, headers));
      return;
    }
    const rejected = await options.authenticate?.({ ...base, params: {} });
    if (rejected) {
      send(res, rejected);
      return;
    }
    const route = options.router.match(base.method, base.path);
    if (route === undefined) {
      send(res, faultResponse(404, options.faultBody?.(404) ?? { error: 'not found' }));
      return;
    }
    if (route === 'methodNotAllowed') {
      send(res, faultResponse(405, options.faultBody?.(405) ?? { error: 'method not allowed' }));
      return;
    }
    const response = await route.handler({ ...base, params: route.params });
    if (fault?.malformed) {
      const text = JSON.stringify(response.body ?? {});
      send(res, { ...response, body: text.slice(0, Math.max(1, Math.floor(text.length / 2))) });
      return;
    }
    send(
      res,
      response.status < 300 && typeof response.body === 'object'
        ? { ...response, body: reshape(response.body, shapes, shapeRules) }
        : response,
    );
  }

  function faultResponse(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
    const contentType = options.faultContentType ?? 'application/json';
    return { status, body, headers: { 'content-type': contentType, ...headers } };
  }

  async function control(request: Omit<SimRequest, 'params'>): Promise<SimResponse> {
    if (request.path === '/__sim/health')
      return json(200, { ok: true, name: options.name, requests: requestCount });
    if (request.path === '/__sim/shapes' && request.method === 'POST') {
      const body = shapeSettingsSchema.safeParse(readJson({ ...request, params: {} }) ?? {});
      if (!body.success) return json(400, { error: body.error.message });
      shapes = {
        ...shapes,
        ...Object.fromEntries(Object.entries(body.data).filter(([, v]) => v !== undefined)),
      };
      return json(200, { shapes });
    }
    if (request.path === '/__sim/faults' && request.method === 'POST') {
      const body = z
        .object({
          settings: faultSettingsSchema.partial().optional(),
          script: z.array(scriptedFaultSchema).optional(),
          reset: z.boolean().optional(),
        })
        .safeParse(readJson({ ...request, params: {} }) ?? {});
      if (!body.success) return json(400, { error: body.error.message });
      if (body.data.reset) faults.reset();
      if (body.data.settings) faults.configure(body.data.settings);
      if (body.data.script) faults.script(...body.data.script);
      return json(200, { settings: faults.settings });
    }
    const route = options.control?.match(request.method, request.path);
    if (route && route !== 'methodNotAllowed') return route.handler({ ...request, params: route.params });
    return json(404, { error: 'unknown control route' });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    faults,
    setShapes(settings) {
      shapes = { ...shapes, ...settings };
    },
    get shapes() {
      return shapes;
    },
    get requestCount() {
      return requestCount;
    },
    get requests() {
      return requests;
    },
    resetRequestCount() {
      requestCount = 0;
      requests.length = 0;
    },
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, response: SimResponse): void {
  const body =
    response.body === undefined
      ? ''
      : typeof response.body === 'string'
        ? response.body
        : JSON.stringify(response.body);
  res.writeHead(response.status, { 'content-length': Buffer.byteLength(body), ...response.headers });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A clock the simulators read; tests and demos can move it by hand. */
export class SimClock {
  #offsetMs = 0;
  #frozenAt: number | undefined;

  now(): number {
    return (this.#frozenAt ?? Date.now()) + this.#offsetMs;
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
  }

  freeze(at: number = Date.now()): void {
    this.#frozenAt = at;
  }
}

/**
 * What every provider simulator shares: start and stop on loopback, the address, fault knobs, and
 * the `/__sim/clock/advance` control route. A simulator says how it serves in `serverOptions()`.
 */
export abstract class Simulator {
  abstract readonly clock: SimClock;
  #server: SimServer | undefined;

  /** Routes, auth and fault bodies of this provider; `control` gets the clock route added. */
  protected abstract serverOptions(): SimServerOptions;

  get url(): string {
    return this.server.url;
  }

  get faults(): FaultInjector {
    return this.server.faults;
  }

  /** Shapes mode (shapes.ts): nulls, undocumented fields, unknown enumeration values. */
  setShapes(settings: Partial<ShapeSettings>): void {
    this.server.setShapes(settings);
  }

  /** Whether the simulator follows the other reading of everything the documentation leaves open (shapes.ts). */
  get otherReadings(): boolean {
    return this.#server?.shapes.otherReadings === true;
  }

  /** Whether the simulator follows the other reading of `name` (a `READINGS` key): all on, or it named. */
  otherReading(name: string): boolean {
    const other = this.#server?.shapes.otherReadings ?? false;
    return other === true || (Array.isArray(other) && other.includes(name));
  }

  get server(): SimServer {
    if (!this.#server) throw new Error(`${this.constructor.name} not started`);
    return this.#server;
  }

  async start(): Promise<this> {
    const options = this.serverOptions();
    const control = (options.control ?? new Router()).add('POST', '/__sim/clock/advance', (r) => {
      const body = z.object({ ms: z.number().min(0) }).safeParse(readJson(r));
      if (!body.success) return json(400, { error: body.error.message });
      this.clock.advance(body.data.ms);
      return json(200, { now: this.clock.now() });
    });
    this.#server = await startSimServer({ ...options, control });
    return this;
  }

  async stop(): Promise<void> {
    await this.#server?.close();
  }
}
