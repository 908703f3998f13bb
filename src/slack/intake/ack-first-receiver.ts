import type { IncomingMessage, ServerOptions, ServerResponse } from 'node:http';
import type { ListenOptions } from 'node:net';
import {
  type App,
  type Context,
  HTTPReceiver,
  type HTTPReceiverOptions,
  HTTPResponseAck,
  HTTPModuleFunctions as http,
  type Logger,
  type ReceiverEvent,
} from '@slack/bolt';
import type { Drain } from './drain.js';
import { FairWorkQueue } from './fair-work-queue.js';
import { receiveSlackRequest, SIGNATURE_PROPERTY } from './verified-request.js';

/**
 * Acknowledged requests whose work runs at once; the others wait their turn. High enough that a
 * shortcut's `trigger_id` (valid 3 s) never waits long, low enough to leave the CPU to acks.
 */
export const MAX_RUNNING = 16;
/** Slots one workspace may hold: the other half stays open to the other workspaces. */
export const MAX_RUNNING_PER_WORKSPACE = 8;
/** The most the work before an event's acknowledgement may take: well inside Slack's 3 s. */
const BEFORE_ACK_MS = 1_000;

/** `work`, or done after `ms` whatever it still does (it goes on, unawaited). */
function boundedWait(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Bolt's default: past Slack's 3 s, so an unacknowledged request is logged, not silently kept. */
const UNHANDLED_REQUEST_TIMEOUT_MS = 3_001;

/**
 * Node's own limits on every request the server takes (the events endpoint, health, OAuth): the
 * headers within 10 s, the whole request within 15 s, checked every second (Node's default of
 * 30 s would let a slow request live that much longer). Past either, Node answers 408 and closes
 * the connection.
 */
export const SERVER_TIMEOUTS = {
  headersTimeout: 10_000,
  requestTimeout: 15_000,
  connectionsCheckingInterval: 1_000,
} as const;
export type ServerTimeouts = { [K in keyof typeof SERVER_TIMEOUTS]: number };

/**
 * Requests whose acknowledgement carries nothing: slash commands, button clicks and shortcuts.
 * Every listener of ours acks those empty and answers through `respond`, `chat.*` or `views.*`;
 * a view submission or an options request must stay on Bolt's path, as its ack is the answer.
 */
export function acksEmpty(body: Record<string, unknown>): boolean {
  if (typeof body.command === 'string') return true;
  return body.type === 'block_actions' || body.type === 'shortcut' || body.type === 'message_action';
}

/** The workspace a request comes from: `team_id` (commands), `team.id` or `user.team_id` (interactions). */
export function workspaceOf(body: Record<string, unknown>): string {
  if (typeof body.team_id === 'string') return body.team_id;
  const team = body.team as { id?: unknown } | null | undefined;
  if (typeof team?.id === 'string') return team.id;
  const user = body.user as { team_id?: unknown } | undefined;
  return typeof user?.team_id === 'string' ? user.team_id : '';
}

/** The key under which a queued request's listener finds `release` in Bolt's `context`. */
const RELEASE_KEY = 'releaseWorkSlot';

/**
 * Gives the request's work slot back early (the rest of its work waits on a provider, not the CPU).
 * A no-op for requests that hold no slot (Socket Mode, Bolt's own path).
 */
export function workSlotReleaser(context: Context): () => void {
  const release = context[RELEASE_KEY] as unknown;
  return typeof release === 'function' ? (release as () => void) : () => {};
}

const KINDS: Readonly<Record<string, string>> = {
  block_actions: 'action',
  interactive_message: 'action',
  shortcut: 'shortcut',
  message_action: 'shortcut',
  view_submission: 'view',
  view_closed: 'view',
  block_suggestion: 'options',
  event_callback: 'event',
};

/** The kind of a Slack request, as a metric label: command, action, shortcut, view, options, event. */
export function requestKind(body: Record<string, unknown>): string {
  if (typeof body.command === 'string') return 'command';
  const type = String(body.type);
  return Object.hasOwn(KINDS, type) ? KINDS[type]! : 'other';
}

/** What Bolt's `processEvent` is given for a request: its body, retry headers and our properties. */
function receiverEvent(
  req: IncomingMessage,
  body: Record<string, unknown>,
  customProperties: Record<string, unknown>,
  ack: ReceiverEvent['ack'],
): ReceiverEvent {
  return {
    body,
    retryNum: http.extractRetryNumFromHTTPRequest(req),
    retryReason: http.extractRetryReasonFromHTTPRequest(req),
    customProperties,
    ack,
  };
}

/** Told how long each acknowledged request took to ack (seconds), by kind. */
export type AckObserver = (kind: string, seconds: number) => void;

/**
 * Bolt's HTTP receiver, except that commands, button clicks and shortcuts get their empty 200 as
 * soon as the signature checks, before Bolt authorizes the request and runs the middleware of
 * every listener. Under a burst those steps, not the network, are most of the time to the ack.
 * The listeners still call `ack()` (a no-op here), so Socket Mode behaves the same. Everything else
 * (events, view submissions, options, OAuth, `/healthz`) is Bolt's own handling, unchanged.
 */
export class AckFirstReceiver extends HTTPReceiver {
  readonly #signingSecret: string;
  readonly #log: Logger;
  readonly #onAck: AckObserver | undefined;
  readonly #bodyDeadlineMs: number | undefined;
  readonly #drain: Drain | undefined;
  readonly #beforeEventAck: ((body: Record<string, unknown>) => Promise<void>) | undefined;
  #app: App | undefined;
  /** Acknowledged work, fair across workspaces: see `FairWorkQueue`. */
  readonly #work: FairWorkQueue;

  constructor(
    options: HTTPReceiverOptions & {
      signingSecret: string;
      logger: Logger;
      onAck?: AckObserver;
      /** See `BODY_DEADLINE_MS`; tests shorten it and the server's timeouts. */
      bodyDeadlineMs?: number;
      serverTimeouts?: ServerTimeouts;
      /** Counts each accepted request until its work ends, and refuses new ones once draining. */
      drain?: Drain;
      /**
       * Runs before an event's 200 goes out (bounded: see BEFORE_ACK_MS): the uninstall's tombstone,
       * so a request Slack sends right after that answer is already refused.
       */
      beforeEventAck?: (body: Record<string, unknown>) => Promise<void>;
    },
  ) {
    super({
      ...options,
      processBeforeResponse: false,
      unhandledRequestTimeoutMillis: UNHANDLED_REQUEST_TIMEOUT_MS,
    });
    this.#signingSecret = options.signingSecret;
    this.#log = options.logger;
    this.#work = new FairWorkQueue({
      maxRunning: MAX_RUNNING,
      maxRunningPerKey: MAX_RUNNING_PER_WORKSPACE,
      onError: (error) => this.#log.error('listener failed after an early ack', error),
    });
    this.#onAck = options.onAck;
    this.#bodyDeadlineMs = options.bodyDeadlineMs;
    this.#drain = options.drain;
    this.#beforeEventAck = options.beforeEventAck;
    // Bolt's server, made with the timeouts unless the caller gives others (an override of the
    // overloaded `start` cannot be typed as one signature).
    const timeouts = options.serverTimeouts ?? SERVER_TIMEOUTS;
    const start = this.start.bind(this) as (
      listen: number | string | ListenOptions,
      o?: ServerOptions,
    ) => unknown;
    this.start = ((listen: number | string | ListenOptions, serverOptions: ServerOptions = {}) =>
      start(listen, { ...timeouts, ...serverOptions })) as HTTPReceiver['start'];
    const routeOthers = this.requestListener;
    const endpoints = new Set(
      typeof options.endpoints === 'string' ? [options.endpoints] : (options.endpoints ?? ['/slack/events']),
    );
    const probes = new Set((options.customRoutes ?? []).map((route) => route.path));
    // `requestListener` is the receiver's public entry point (what its server calls).
    this.requestListener = (req, res) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      // Draining, past the delay: a new request gets 503 at once (Slack retries events; a command
      // tells the person it failed), never a 200 whose answer this process would not be there to send.
      if (this.#drain && !this.#drain.accepting && !probes.has(path)) {
        res.writeHead(503, { connection: 'close', 'retry-after': '1' }).end();
        return;
      }
      // Whatever goes wrong with one request is that request's failure, never the process's.
      if (req.method === 'POST' && endpoints.has(path)) {
        const handled = this.#handle(req, res).catch((error: unknown) => this.#failed(res, error));
        this.#drain?.track(handled);
      } else routeOthers(req, res);
    };
  }

  override init(app: App): void {
    super.init(app);
    this.#app = app;
  }

  /** Last resort: a request whose handling threw gets a 500 (or its connection closed), and a log line. */
  #failed(res: ServerResponse, error: unknown): void {
    this.#log.error('the receiver failed on a request', error);
    if (!res.headersSent) http.buildNoBodyResponse(res, 500);
    else res.destroy();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const received = performance.now();
    const request = await receiveSlackRequest(req, res, {
      signingSecret: this.#signingSecret,
      logger: this.#log,
      bodyDeadlineMs: this.#bodyDeadlineMs,
    });
    if (!request) return;
    if (request.kind === 'ssl_check') return http.buildSSLCheckResponse(res);
    const { body, buffered } = request;
    const kind = requestKind(body);
    // The dedupe's key for commands and interactions (inbound-dedupe.ts).
    const signed = { [SIGNATURE_PROPERTY]: request.signature };
    if (acksEmpty(body)) {
      http.buildNoBodyResponse(res, 200);
      this.#onAck?.(kind, (performance.now() - received) / 1000);
      // The retry headers are read when the work starts, not before the ack. The request is in
      // flight (for the drain) until its work ends, however long it waits for a slot.
      const done = this.#drain?.begin();
      this.#work.push(workspaceOf(body), async (release) => {
        try {
          await this.#process(
            receiverEvent(req, body, { ...signed, [RELEASE_KEY]: release }, async () => {}),
          );
        } finally {
          done?.();
        }
      });
      return;
    }
    res.once('finish', () => this.#onAck?.(kind, (performance.now() - received) / 1000));
    if (body.type === 'url_verification') return http.buildUrlVerificationResponse(res, body);
    if (body.type === 'app_rate_limited') {
      this.#log.warn('Slack reports this app over its Events API rate limit: events are being dropped');
      return http.buildNoBodyResponse(res, 200);
    }
    const ack = new HTTPResponseAck({
      logger: this.#log,
      processBeforeResponse: false,
      unhandledRequestTimeoutMillis: UNHANDLED_REQUEST_TIMEOUT_MS,
      httpRequest: buffered,
      httpRequestBody: body,
      httpResponse: res,
    });
    const bound = ack.bind();
    // A retry (`x-slack-retry-num`) of an event the first delivery already saw: nothing before its
    // ack (the dedupe drops it later; an uninstall retried after a reinstall must not lock it out).
    const before = req.headers['x-slack-retry-num'] === undefined ? this.#beforeEventAck : undefined;
    const acknowledge: typeof bound = before
      ? async (response) => {
          await boundedWait(before(body), BEFORE_ACK_MS).catch((error: unknown) =>
            this.#log.error('the work before an event was acknowledged failed', error),
          );
          return bound(response);
        }
      : bound;
    try {
      await this.#process(receiverEvent(req, body, signed, acknowledge));
    } catch (error) {
      const acknowledged = await http.defaultProcessEventErrorHandler({
        error: error as Error,
        logger: this.#log,
        request: req,
        response: res,
        storedResponse: ack.storedResponse,
      });
      if (acknowledged) ack.ack();
    }
  }

  async #process(event: ReceiverEvent): Promise<void> {
    if (!this.#app) throw new Error('the receiver was not initialised by an App');
    await this.#app.processEvent(event);
  }
}
