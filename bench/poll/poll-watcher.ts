import { subscribe } from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { hookWatcher } from '../../src/capabilities/collect/watch.js';
import { CAPABILITIES } from '../../src/capabilities/registry.js';
import { Subscriptions } from '../../src/capabilities/subscriptions/following.js';
import {
  subscriptions as subscriptionsCapability,
  subscriptionsWatch,
} from '../../src/capabilities/subscriptions/index.js';
import { subscribedKinds } from '../../src/capabilities/subscriptions/subscriptions.js';
import { verifyEnding } from '../../src/capabilities/verification/verification.js';
import { systemClock } from '../../src/clock.js';
import { createConfig } from '../../src/config.js';
import type { Connection } from '../../src/connections/connection.js';
import { ConnectionRegistry } from '../../src/connections/connection-registry.js';
import type { MigrationResource, ResourceKind } from '../../src/domain/migration-resource.js';
import { createLogger } from '../../src/logger.js';
import { PoolRegistry } from '../../src/providers/http/http-client.js';
import { SecretRegistry } from '../../src/secrets.js';
import { SlackClients } from '../../src/slack/slack-clients.js';
import { watchSlackFor } from '../../src/slack/watch-slack.js';
import { createStore, type Store } from '../../src/store/create-store.js';
import { type CycleReport, forEachLimited, groupBy } from '../../src/watcher/poll-cycle.js';
import { type WatchTarget, watchTargetOf } from '../../src/watcher/records/watch-store.js';
import { Watcher } from '../../src/watcher/watcher.js';
import { startedForReading } from '../../test/harness/started-capabilities.js';
import { startProfiler } from '../inspector-session.js';
import { ReplicaLoop } from '../replica/replica-loop.js';
import { serveRpc } from '../rpc.js';
import {
  heapSnapshot,
  type PeakBreakdown,
  peakBreakdown,
  startAllocationSampling,
} from '../watcher-memory.js';
import { BENCH_BOT_TOKEN, BENCH_TEAM } from './poll-constants.js';

/**
 * The process under test in the poll benchmark: the real watcher (its poll cycle, outbox, store)
 * with default settings, and beside it a naive poller (one GET per watched resource) over the same
 * provider clients. Its RSS is the watcher's alone: simulators and fake Slack run elsewhere.
 */
let watcher: Watcher;
let subscriptions: Subscriptions;
let registry: ConnectionRegistry;
let pools: PoolRegistry;
let store: Store;
let connections: Connection[] = [];
const secrets = new SecretRegistry();

const mb = (n: number) => Math.round((n / 1024 ** 2) * 10) / 10;
/** How often a cycle's RSS is sampled for its peak. */
const RSS_SAMPLE_MS = 25;

function memory() {
  const m = process.memoryUsage();
  return {
    rssMb: mb(m.rss),
    heapUsedMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    externalMb: mb(m.external + m.arrayBuffers),
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
  };
}

/** Live data only: the heap after a full collection (needs `--expose-gc`). */
function liveHeap(): { heapAfterGcMb: number; rssAfterGcMb: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { heapAfterGcMb: mb(m.heapUsed), rssAfterGcMb: mb(m.rss) };
}

async function start(params: {
  fakeSlackUrl: string;
  connections: Connection[];
  storeUrl: string;
  keyPrefix: string;
  /** Replica rows: the lease period, and this replica's name in leases and logs. */
  leaseMs?: number;
  holder?: string;
}): Promise<void> {
  connections = params.connections;
  const config = createConfig({
    SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789abcdef',
    SLACK_BOT_TOKEN: BENCH_BOT_TOKEN,
    SLACK_API_URL: `${params.fakeSlackUrl}/api/`,
    STORE_URL: params.storeUrl,
    POLL_INTERVAL_SECONDS: '0',
    LOG_LEVEL: 'error',
    // Everything benchmarked is in one workspace: up to 50,000 watches and 100 subscriptions, past
    // the default caps (5,000 and 50).
    MAX_WATCHES_PER_WORKSPACE: '1000000',
    MAX_SUBSCRIPTIONS_PER_WORKSPACE: '1000',
  });
  secrets.add(BENCH_BOT_TOKEN);
  // Warnings (a 429 kept in the outbox, say) are expected under load; errors are shown.
  const logger = createLogger({ level: 'error', destination: process.stderr });
  store = await createStore(config.storeUrl, logger);
  pools = new PoolRegistry();
  registry = new ConnectionRegistry(connections, { pools, logger });
  watcher = await Watcher.create(
    {
      config,
      logger,
      store,
      connections: registry,
      // Drawn as the bot draws them, capabilities' posts (a run's verification) included: without
      // them the watcher would drop those posts and do less than the bot does.
      slack: watchSlackFor(
        new SlackClients(config, logger),
        secrets,
        systemClock,
        startedForReading(CAPABILITIES),
      ),
    },
    {
      keyPrefix: params.keyPrefix,
      ...(params.leaseMs ? { leaseMs: params.leaseMs } : {}),
      ...(params.holder ? { holder: `${params.holder}:${process.pid}` } : {}),
    },
  );
  // The subscriptions capability, its `watch` part handed to the watcher as the bot's start does.
  subscriptions = new Subscriptions(watcher, registry, logger);
  hookWatcher(
    [{ capability: subscriptionsCapability, parts: { watch: subscriptionsWatch(subscriptions) } }],
    watcher,
  );
  // As the bot's verification capability registers it, so endings cost what they cost in the bot.
  watcher.atEnding.push(verifyEnding);
}

/** Replica rows: the replica's own schedule (`ReplicaLoop`). */
let loop: ReplicaLoop | undefined;

/** Lists every connection's resources (pages of 100) and watches each, one channel per connection. */
async function watchAll(params: { concurrency: number }): Promise<{ watches: number; ms: number }> {
  const started = performance.now();
  let watches = 0;
  // Setup is not measured: 10,000 cards at Slack's pace (about 4 posts a second per workspace)
  // would take 40 minutes, so the watcher's posting pace is off while the cards are posted.
  const pace = watcher.options.postPace;
  watcher.options.postPace = undefined;
  try {
    await postCards(params.concurrency, () => watches++);
  } finally {
    watcher.options.postPace = pace;
  }
  return { watches, ms: Math.round(performance.now() - started) };
}

/**
 * One subscription per connection (mode failures, one channel each) instead of a watch per
 * resource; the first cycle finds every resource and makes its watch (not measured).
 */
async function subscribeAll(): Promise<{ watches: number; ms: number }> {
  const started = performance.now();
  for (const connection of connections)
    await subscriptions.subscribe({
      teamId: BENCH_TEAM,
      channelId: `C0S${connection.name.replace(/[^a-z0-9]/g, '').toUpperCase()}`,
      connection: connection.name,
      mode: 'failures',
      by: 'bench',
      createdAt: Date.now(),
    });
  await watcher.runCycle();
  const watches = (await watcher.store.watchKeys()).length;
  return { watches, ms: Math.round(performance.now() - started) };
}

async function postCards(concurrency: number, counted: () => void): Promise<void> {
  await forEachLimited(connections, 4, async (connection) => {
    const provider = registry.provider(connection, 'background');
    const kind = provider.kinds[0]!;
    const resources: MigrationResource[] = [];
    for (let page = 0; page < 1_000; page++) {
      const { resources: batch, total } = await provider.list({ kind, limit: 100, offset: page * 100 });
      resources.push(...batch);
      if (batch.length < 100 || (total !== undefined && resources.length >= total)) break;
    }
    const channelId = `C0B${connection.name.replace(/[^a-z0-9]/g, '').toUpperCase()}`;
    await forEachLimited(resources, concurrency, async (resource) => {
      await watcher.watch({
        teamId: BENCH_TEAM,
        channelId,
        connection: connection.name,
        kind,
        id: resource.id,
        by: 'bench',
        resource,
      });
      counted();
    });
  });
}

/**
 * BENCH_WIRE_TRACE=file: every provider request of each measured cycle, as one JSON line per cycle
 * (origin, path, ms from the cycle's start to when it was created, its headers came, its body ended).
 */
const wireTrace = process.env.BENCH_WIRE_TRACE;
let traceStart = 0;
/** Origin, path, and ms since the cycle started: created, headers in, body ended. */
type TracedRequest = { o: string; p: string; c: number; h?: number; e?: number };
let traced: TracedRequest[] | undefined;
const tracedOf = new WeakMap<object, TracedRequest>();
if (wireTrace) {
  const at = () => Math.round((performance.now() - traceStart) * 10) / 10;
  subscribe('undici:request:create', (m) => {
    const { request } = m as { request: { origin: string; path: string } };
    if (!traced) return;
    const entry = { o: String(request.origin), p: request.path, c: at() };
    traced.push(entry);
    tracedOf.set(request, entry);
  });
  subscribe('undici:request:headers', (m) => {
    const e = tracedOf.get((m as { request: object }).request);
    if (e) e.h = at();
  });
  subscribe('undici:request:trailers', (m) => {
    const e = tracedOf.get((m as { request: object }).request);
    if (e) e.e = at();
  });
}

async function cycle(): Promise<{
  report: CycleReport;
  ms: number;
  cpuMs: number;
  /** Time in garbage collection pauses during the cycle (main thread). */
  gcMs: number;
  /** `cyclePeakRssMb`: the highest RSS sampled during the cycle; `atPeak`: what made it. */
  memory: ReturnType<typeof memory> & { cyclePeakRssMb: number; atPeak?: PeakBreakdown };
}> {
  const profiling = await startProfile();
  const sampling = await startAllocationSampling();
  const started = performance.now();
  // The watcher's own CPU time in the cycle: steadier than wall time on a shared machine.
  const cpu = process.cpuUsage();
  let gcMs = 0;
  const gcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  gcs.observe({ entryTypes: ['gc'] });
  traceStart = started;
  traced = wireTrace ? [] : undefined;
  // The highest RSS during the cycle, not only after it: what is left when a cycle ends depends on
  // when its last collections ran, and a memory limit has to hold the peak.
  let peakRss = 0;
  let atPeak: PeakBreakdown | undefined;
  const sample = () => {
    const rss = process.memoryUsage.rss();
    if (rss <= peakRss) return;
    peakRss = rss;
    atPeak = peakBreakdown(rss);
  };
  sample();
  const sampler = setInterval(sample, RSS_SAMPLE_MS);
  const report = await watcher.runCycle().finally(() => clearInterval(sampler));
  sample();
  const ms = Math.round(performance.now() - started);
  if (wireTrace && traced) appendFileSync(wireTrace, `${JSON.stringify({ ms, requests: traced })}\n`);
  traced = undefined;
  const used = process.cpuUsage(cpu);
  const cpuMs = Math.round((used.user + used.system) / 1000);
  // Entries are delivered asynchronously: the last collections of the cycle come in a turn later.
  await new Promise((resolve) => setImmediate(resolve));
  gcs.disconnect();
  await profiling?.stop();
  await sampling?.stop();
  if (!report) throw new Error('a cycle was already running');
  return {
    report,
    ms,
    cpuMs,
    gcMs: Math.round(gcMs),
    memory: { ...memory(), cyclePeakRssMb: mb(peakRss), ...(atPeak ? { atPeak } : {}) },
  };
}

/** BENCH_CYCLE_PROF_DIR=dir: a CPU profile of each measured cycle (not of the setup) is written there. */
async function startProfile(): Promise<{ stop(): Promise<void> } | undefined> {
  const dir = process.env.BENCH_CYCLE_PROF_DIR;
  if (!dir) return undefined;
  return startProfiler(dir, { domain: 'Profiler', start: 'start', stop: 'stop', extension: 'cpuprofile' });
}

/**
 * What a poller without list passes does: one GET per watched resource, under the same bounds as
 * the watcher (connections per provider at once, GETs per connection at once). Nothing is stored
 * or sent to Slack: this is only its provider cost.
 */
async function naive(params: { connectionsPerProvider: number; getsPerConnection: number }) {
  const started = performance.now();
  const watched = await watchedTargets();
  const byConnection = groupBy(watched, (w) => w.connection);
  const byProvider = groupBy([...byConnection], ([name]) => registry.get(BENCH_TEAM, name).provider);
  // Its own pools without the watcher's background lanes: its bounds are the ones above.
  const naivePools = new PoolRegistry(undefined, undefined, { backgroundRequestsPerProvider: Infinity });
  const naiveRegistry = new ConnectionRegistry(connections, {
    pools: naivePools,
    logger: createLogger({ level: 'error', destination: process.stderr }),
  });
  let gets = 0;
  let failures = 0;
  await Promise.all(
    [...byProvider.values()].map((list) =>
      forEachLimited(list, params.connectionsPerProvider, async ([name, items]) => {
        const provider = naiveRegistry.provider(registry.get(BENCH_TEAM, name), 'background');
        await forEachLimited(items, params.getsPerConnection, async (w) => {
          gets++;
          await provider.get(w.kind, w.id).catch(() => {
            failures++;
          });
        });
      }),
    ),
  );
  await naivePools.close();
  return { ms: Math.round(performance.now() - started), gets, failures };
}

/**
 * The idle cycle's measured floor: the list pages the watcher needs (each connection's kinds, pages
 * of 100 until as many resources were listed as it watches), read through the same provider clients
 * and pools (2 requests per provider on the wire) by the same number of connections at once, and
 * nothing else: no records read, compared or written. What the watcher takes beyond this is its own.
 */
async function bareList(params: { follow?: 'watches' | 'subscriptions' } = {}) {
  const { connectionsPerProvider, pageSize } = watcher.options;
  const wanted = await bareWanted();
  const byProvider = groupBy(wanted, (w) => w.connection.provider);
  let pages = 0;
  const started = performance.now();
  await Promise.all(
    [...byProvider.values()].map((list) =>
      forEachLimited(list, connectionsPerProvider, async ({ connection, kind, count }) => {
        const provider = registry.provider(connection, 'background');
        for (let offset = 0; params.follow === 'subscriptions' || offset < count; offset += pageSize) {
          pages++;
          const { resources, total } = await provider.list({ kind, limit: pageSize, offset });
          if (resources.length < pageSize) break;
          // A subscription reads its lists to the end (new resources): a total says where it is.
          if (total !== undefined && offset + resources.length >= total) break;
        }
      }),
    ),
  );
  return { ms: Math.round(performance.now() - started), pages };
}

/**
 * What each connection watches, read once before the first bare run and kept, with a full
 * collection after it: reading every record must not leave garbage for the timed runs to collect.
 */
let bareTargets: { connection: Connection; kind: ResourceKind; count: number }[] | undefined;
async function bareWanted() {
  if (bareTargets) return bareTargets;
  const watched = await watchedTargets();
  bareTargets = [...groupBy(watched, (w) => `${w.connection}\u0000${w.kind}`).values()].map((ws) => ({
    connection: registry.get(BENCH_TEAM, ws[0]!.connection),
    kind: ws[0]!.kind,
    count: new Set(ws.map((w) => w.id)).size,
  }));
  // A subscription also lists the kinds it found nothing of (OMS sync tasks): pages it needs.
  for (const sub of await subscriptions.store.loadAll()) {
    const connection = registry.get(BENCH_TEAM, sub.connection);
    for (const kind of subscribedKinds(sub, registry.provider(connection, 'background').kinds))
      if (!bareTargets.some((t) => t.connection.name === connection.name && t.kind === kind))
        bareTargets.push({ connection, kind, count: 0 });
  }
  (globalThis as { gc?: () => void }).gc?.();
  return bareTargets;
}

/**
 * The watched resources, from the index's keys (each names its target): no record is read, so the
 * benchmark's own bookkeeping does not put 50,000 decoded records into the process it measures.
 */
async function watchedTargets(): Promise<WatchTarget[]> {
  return (await watcher.store.watchKeys()).flatMap((key) => watchTargetOf(key) ?? []);
}

/**
 * The outbox entries still waiting for Slack after the catch-up cycles, counted a few hundred
 * records at a time: reading all 50,000 at once (as this did between those cycles) made this
 * process's highest RSS, about 320 MB, which was the benchmark's doing, not the watcher's.
 */
async function backlog(): Promise<{ outbox: number }> {
  const keys = await watcher.store.watchKeys();
  let outbox = 0;
  for (let i = 0; i < keys.length; i += BACKLOG_CHUNK)
    for (const { record } of await watcher.store.loadMany(keys.slice(i, i + BACKLOG_CHUNK)))
      outbox += record.outbox.length;
  return { outbox };
}
const BACKLOG_CHUNK = 500;

serveRpc({
  start,
  watchAll,
  subscribeAll,
  cycle,
  naive,
  bareList,
  backlog,
  memory,
  liveHeap,
  heapSnapshot: (params: { label: string }) => heapSnapshot(params, memory),
  stats: () => ({ ...watcher.outbox.stats }),
  loopStart({ name, intervalMs }: { name: string; intervalMs: number }) {
    loop = new ReplicaLoop(watcher, name, intervalMs);
  },
  loopTake: () => loop?.take() ?? [],
  loopStop: async () => {
    const cycles = (await loop?.stop()) ?? [];
    const peakRssMb = loop?.peakRssMb;
    loop = undefined;
    return { cycles, peakRssMb };
  },
  async stop() {
    await loop?.stop();
    await watcher.stop();
    await pools.close();
    await store.close();
  },
});
