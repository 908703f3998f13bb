import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { BuildInfo } from '../build-info.js';
import { RequestLabels } from './request-labels.js';

/** The watcher's cumulative Slack delivery counters (the outbox's `DeliveryStats`). */
export interface DeliveryCounts {
  posts: number;
  edits: number;
  editsDeferred: number;
  rateLimited: number;
  slackErrors: number;
  dropped: number;
}

/** What one poll cycle did (the watcher's `CycleReport`). */
export interface CycleCounts {
  ms: number;
  watches: number;
  pages: number;
  providerRequests: number;
  failedConnections: number;
  events: number;
  outboxDepth: number;
  outboxOldestMs: number;
  /** The connections (by `team/name` id, `*` for every team) that did not answer. */
  failed?: readonly string[];
}

/** One provider HTTP request, retries included, as the HTTP client saw it. */
export interface ProviderCall {
  provider: string;
  operation: string;
  ms: number;
  /** The error code (`provider_unavailable`, …) when the request failed. */
  error?: string;
  /** The provider's documented "not found" answered an id lookup: an answer, not an error. */
  notFound?: boolean;
}

/** Read at scrape time, so a gauge is never older than the scrape. */
export interface MetricSources {
  delivery?: () => DeliveryCounts;
  leasesHeld?: () => number;
  approvalsPending?: () => Promise<number>;
  /** The running build, for the `build_info` gauge. */
  build?: BuildInfo;
  /**
   * The connections file's connections, id (`team/name`, `*` for every team) → label: the only
   * values the poll-failure label takes, so it stays bounded (every other connection is `other`).
   */
  configuredConnections?: () => ReadonlyMap<string, string>;
}

export type RequestOutcome = 'ok' | 'refused' | 'failed';

const PREFIX = 'migrate_bot_';
/** Acks must land within Slack's 3 s: buckets around that budget. */
const ACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5];
const CALL_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const CYCLE_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** Store round trips: well under a millisecond in memory, a few on Redis, more when it struggles. */
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** A Web API method (ours to name) as a label: its stable part, only label-safe characters. */
function labelOf(what: string): string {
  return (what.split(':')[0] ?? '').replace(/[^A-Za-z0-9._ -]/g, '').slice(0, 48) || 'unknown';
}

/**
 * The bot's Prometheus metrics, in a registry of its own (several bots can run in one process, as
 * the tests do; the global default registry would mix them). Counters the watcher already keeps
 * (`DeliveryStats`) are read at scrape time and added as deltas, so delivery code needs no hooks.
 */
export class BotMetrics {
  readonly registry = new Registry();
  readonly #acks: Histogram<'kind'>;
  /** Acks not yet in `#acks`: recorded on the ack path as two numbers, observed off it. */
  readonly #pendingAcks = new PendingAcks((kind, seconds) => this.#acks.observe({ kind }, seconds));
  readonly #requests: Counter<'surface' | 'what' | 'outcome'>;
  readonly #duplicates: Counter<'kind'>;
  readonly #requestSeconds: Histogram<'surface'>;
  readonly #providerRequests: Counter<'provider' | 'operation' | 'outcome'>;
  readonly #providerSeconds: Histogram<'provider' | 'operation'>;
  readonly #providerErrors: Counter<'provider' | 'code'>;
  readonly #cycles: Counter;
  readonly #cycleSeconds: Histogram;
  readonly #cyclePages: Counter;
  readonly #cycleRequests: Counter;
  readonly #cycleFailedConnections: Counter;
  readonly #cycleEvents: Counter;
  readonly #watches: Gauge;
  readonly #outboxDepth: Gauge;
  readonly #outboxOldest: Gauge;
  readonly #storeSeconds: Histogram<'operation'>;
  readonly #storeErrors: Counter<'operation'>;
  readonly #slackSeconds: Histogram<'method' | 'outcome'>;
  readonly #pollFailures: Counter<'connection'>;
  readonly #ready: Gauge;
  readonly #configured: () => ReadonlyMap<string, string>;
  /** What `requests_total{what}` may say: the app's registrations, once they are made. */
  #requestLabels = new RequestLabels();

  constructor(sources: MetricSources = {}) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    this.#acks = new Histogram({
      name: `${PREFIX}slack_ack_seconds`,
      help: 'Time from receiving a Slack request to its HTTP acknowledgement, by kind',
      labelNames: ['kind'],
      buckets: ACK_BUCKETS,
      registers,
      // A scrape sees every ack observed before it.
      collect: () => this.#pendingAcks.flush(),
    });
    this.#requests = new Counter({
      name: `${PREFIX}requests_total`,
      help: 'Commands, buttons and view submissions handled, by surface, what and outcome (ok, refused, failed)',
      labelNames: ['surface', 'what', 'outcome'],
      registers,
    });
    this.#duplicates = new Counter({
      name: `${PREFIX}slack_duplicates_total`,
      help: 'Slack requests dropped as duplicates (event retries, replayed signed requests), by kind',
      labelNames: ['kind'],
      registers,
    });
    this.#requestSeconds = new Histogram({
      name: `${PREFIX}request_seconds`,
      help: 'Time to handle a command, button or view submission after its ack',
      labelNames: ['surface'],
      buckets: CALL_BUCKETS,
      registers,
    });
    this.#providerRequests = new Counter({
      name: `${PREFIX}provider_requests_total`,
      help: 'Provider API requests (retries included in one request), by provider, operation and outcome',
      labelNames: ['provider', 'operation', 'outcome'],
      registers,
    });
    this.#providerSeconds = new Histogram({
      name: `${PREFIX}provider_request_seconds`,
      help: 'Provider API request latency, retries included',
      labelNames: ['provider', 'operation'],
      buckets: CALL_BUCKETS,
      registers,
    });
    this.#providerErrors = new Counter({
      name: `${PREFIX}provider_errors_total`,
      help: 'Failed provider API requests, by provider and error code',
      labelNames: ['provider', 'code'],
      registers,
    });
    this.#cycles = new Counter({
      name: `${PREFIX}poll_cycles_total`,
      help: 'Watcher poll cycles run',
      registers,
    });
    this.#cycleSeconds = new Histogram({
      name: `${PREFIX}poll_cycle_seconds`,
      help: 'Watcher poll cycle duration',
      buckets: CYCLE_BUCKETS,
      registers,
    });
    this.#cyclePages = new Counter({
      name: `${PREFIX}poll_pages_total`,
      help: 'List pages read by poll cycles',
      registers,
    });
    this.#cycleRequests = new Counter({
      name: `${PREFIX}poll_provider_requests_total`,
      help: 'Provider requests (list pages and gets) made by poll cycles',
      registers,
    });
    this.#cycleFailedConnections = new Counter({
      name: `${PREFIX}poll_connections_failed_total`,
      help: 'Connections that did not answer in a poll cycle',
      registers,
    });
    this.#cycleEvents = new Counter({
      name: `${PREFIX}poll_events_total`,
      help: 'Notifications (state changes, progress, stalls) found by poll cycles',
      registers,
    });
    this.#watches = new Gauge({
      name: `${PREFIX}watches`,
      help: 'Watches at the last poll cycle',
      registers,
    });
    this.#outboxDepth = new Gauge({
      name: `${PREFIX}outbox_depth`,
      help: 'Slack notifications waiting in the outbox at the start of the last poll cycle',
      registers,
    });
    this.#outboxOldest = new Gauge({
      name: `${PREFIX}outbox_oldest_age_seconds`,
      help: 'Age of the oldest waiting notification at the start of the last poll cycle (0 when none)',
      registers,
    });
    this.#storeSeconds = new Histogram({
      name: `${PREFIX}store_operation_seconds`,
      help: 'Store (Redis, SQLite or memory) operation latency, by operation, failed ones included',
      labelNames: ['operation'],
      buckets: STORE_BUCKETS,
      registers,
    });
    this.#storeErrors = new Counter({
      name: `${PREFIX}store_errors_total`,
      help: 'Store operations that failed, by operation',
      labelNames: ['operation'],
      registers,
    });
    this.#slackSeconds = new Histogram({
      name: `${PREFIX}slack_api_seconds`,
      help: 'Slack Web API call latency (retries included), by method and outcome (ok, error)',
      labelNames: ['method', 'outcome'],
      buckets: CALL_BUCKETS,
      registers,
    });
    this.#pollFailures = new Counter({
      name: `${PREFIX}poll_connection_failures_total`,
      help: 'Poll cycles in which a connection did not answer, by connection of the connections file (others: other)',
      labelNames: ['connection'],
      registers,
    });
    // As `/readyz` last answered (the probes ask every few seconds): 0 until the first one.
    this.#ready = new Gauge({
      name: `${PREFIX}ready`,
      help: 'Whether this replica was ready at its last /readyz (1) or not (0: store, Slack token, leases or draining)',
      registers,
    });
    this.#configured = sources.configuredConnections ?? (() => new Map());
    this.#deliveryCounters(sources.delivery);
    const { leasesHeld, approvalsPending } = sources;
    new Gauge({
      name: `${PREFIX}leases_held`,
      help: 'Connection leases this replica holds (it polls those connections)',
      registers,
      collect() {
        this.set(leasesHeld?.() ?? 0);
      },
    });
    new Gauge({
      name: `${PREFIX}approvals_pending`,
      help: 'Migration requests waiting for an approver',
      registers,
      async collect() {
        // A store outage shows as a failed /readyz; the gauge keeps its last value.
        const pending = await approvalsPending?.().catch(() => undefined);
        if (pending !== undefined) this.set(pending);
      },
    });
    if (sources.build)
      // The usual *_build_info idiom: value 1, the build in its labels (joinable onto any series).
      new Gauge({
        name: `${PREFIX}build_info`,
        help: 'The running build: package version, source revision and Node.js version (value 1)',
        labelNames: ['version', 'revision', 'node'],
        registers,
      }).set({ ...sources.build }, 1);
  }

  /** Kinds: command, action, shortcut, view, options, event. */
  ackObserved(kind: string, seconds: number): void {
    this.#pendingAcks.add(kind, seconds);
  }

  /** Kinds: command, action, shortcut, view, options, event, function (a workflow step). */
  duplicateDropped(kind: string): void {
    this.#duplicates.inc({ kind });
  }

  /** The closed set of `what` labels, from the app's registrations (`registerListeners`). */
  useRequestLabels(labels: RequestLabels): void {
    this.#requestLabels = labels;
  }

  /** `surface` is the bot's own word; `what`, the request's id, is labelled from the closed set. */
  requestDone(surface: string, what: string, outcome: RequestOutcome, ms: number): void {
    const label = what === surface ? surface : this.#requestLabels.of(what);
    this.#requests.inc({ surface, what: label, outcome });
    this.#requestSeconds.observe({ surface }, ms / 1000);
  }

  providerCall(call: ProviderCall): void {
    const { provider, operation } = call;
    const outcome = call.error ? 'error' : call.notFound ? 'not_found' : 'ok';
    this.#providerRequests.inc({ provider, operation, outcome });
    this.#providerSeconds.observe({ provider, operation }, call.ms / 1000);
    if (call.error) this.#providerErrors.inc({ provider, code: call.error });
  }

  cycleDone(report: CycleCounts): void {
    this.#cycles.inc();
    this.#cycleSeconds.observe(report.ms / 1000);
    this.#cyclePages.inc(report.pages);
    this.#cycleRequests.inc(report.providerRequests);
    this.#cycleFailedConnections.inc(report.failedConnections);
    this.#cycleEvents.inc(report.events);
    this.#watches.set(report.watches);
    this.#outboxDepth.set(report.outboxDepth);
    this.#outboxOldest.set(report.outboxOldestMs / 1000);
    const configured = this.#configured();
    // Each configured connection has its series from the first cycle on, so a rate() sees its first failure.
    for (const label of configured.values()) this.#pollFailures.inc({ connection: label }, 0);
    for (const id of report.failed ?? [])
      this.#pollFailures.inc({ connection: configured.get(id) ?? 'other' });
  }

  /** What `/readyz` answered (health-routes.ts). */
  readinessChecked(ready: boolean): void {
    this.#ready.set(ready ? 1 : 0);
  }

  /** One store operation (`instrument-store.ts`). */
  readonly storeCall = (operation: string, seconds: number, failed: boolean): void => {
    this.#storeSeconds.observe({ operation }, seconds);
    if (failed) this.#storeErrors.inc({ operation });
  };

  /** One Slack Web API call (`slack-clients.ts`), by method (`chat.postMessage`). */
  readonly slackCall = (method: string, seconds: number, ok: boolean): void => {
    this.#slackSeconds.observe({ method: labelOf(method), outcome: ok ? 'ok' : 'error' }, seconds);
  };

  /** The text a scrape gets, and its content type (`text/plain; version=0.0.4`). */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  #deliveryCounters(read: MetricSources['delivery']): void {
    const names: Record<keyof DeliveryCounts, [string, string]> = {
      posts: ['slack_posts_total', 'Notifications posted to Slack by the watcher'],
      edits: ['slack_edits_total', 'Watch cards edited in Slack'],
      editsDeferred: ['slack_edits_deferred_total', 'Card edits put off to stay within the edit budget'],
      rateLimited: ['slack_rate_limited_total', 'Slack answers of 429 (ratelimited) to the watcher'],
      slackErrors: ['slack_errors_total', 'Slack errors on watcher posts and edits (429s included)'],
      dropped: ['outbox_dropped_total', 'Notifications dropped after a permanent Slack error'],
    };
    const seen: Partial<DeliveryCounts> = {};
    for (const [field, [name, help]] of Object.entries(names) as [keyof DeliveryCounts, [string, string]][]) {
      new Counter({
        name: `${PREFIX}${name}`,
        help,
        registers: [this.registry],
        collect() {
          // The outbox counts since start; the counter takes the growth since the last scrape.
          const now = read?.()[field] ?? 0;
          const delta = now - (seen[field] ?? 0);
          if (delta > 0) this.inc(delta);
          seen[field] = now;
        },
      });
    }
  }
}

/** Longest an ack waits before it is observed in the histogram (a scrape observes it at once). */
const ACK_FLUSH_MS = 1_000;

/**
 * Ack times kept as they come and observed in the histogram later, in one go: a histogram
 * observation (labels hashed and checked, bucket found) costs more than the empty ack it times,
 * and a burst of requests would pay it between its acks. Observed at the next scrape or within
 * `ACK_FLUSH_MS`, whichever comes first, so the figures are the same, only later.
 */
class PendingAcks {
  readonly #observe: (kind: string, seconds: number) => void;
  #kinds: string[] = [];
  #seconds: number[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(observe: (kind: string, seconds: number) => void) {
    this.#observe = observe;
  }

  add(kind: string, seconds: number): void {
    this.#kinds.push(kind);
    this.#seconds.push(seconds);
    if (!this.#timer) {
      this.#timer = setTimeout(() => this.flush(), ACK_FLUSH_MS);
      this.#timer.unref();
    }
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const kinds = this.#kinds;
    const seconds = this.#seconds;
    this.#kinds = [];
    this.#seconds = [];
    for (let i = 0; i < kinds.length; i++) this.#observe(kinds[i]!, seconds[i]!);
  }
}
