import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { BACKGROUND_REQUESTS_PER_PROVIDER } from '../../src/providers/http/http-client.js';
import type { CycleReport } from '../../src/watcher/poll-cycle.js';
import { BENCH_POLL_PAUSE_MS, type DetectionFigures } from '../failure-detection.js';
import { commandCounts, commandDelta } from '../redis-ops.js';
import { type RpcChild, startRpc } from '../rpc.js';
import { ratio } from '../stats.js';
import { BUSY_STEP_MS } from './poll-constants.js';
import {
  type CycleFigures,
  type IdleRow,
  type PollScaleOptions,
  type PollScaleRow,
  PROVIDERS,
  type Provider,
} from './poll-scale-types.js';
import type { WorldInfo, WorldSpec, WorldStats } from './poll-world.js';

/**
 * The watcher's requests to one provider on the wire at once (the pools' background lanes)… The
 * naive poller gets as many connections at once.
 */
export const CONNECTIONS_PER_PROVIDER = BACKGROUND_REQUESTS_PER_PROVIDER;
/** …and `get` calls per connection at once. The naive poller gets the same bounds. */
export const GETS_PER_CONNECTION = 4;
export type { CycleFigures, IdleRow, PollScaleOptions, PollScaleRow } from './poll-scale-types.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Poll cost at scale: `size` watched resources spread evenly over 100 connections of the three
 * providers (one simulator each, `rttMs` added to every request), the real watcher in its own
 * process, the fake Slack enforcing the rate-limit tiers. Idle and busy cycles, a naive poller in
 * the same run, the physical floor, RSS.
 */
/** The `NODE_OPTIONS` the Dockerfile sets: the benchmark measures the watcher as it is deployed. */
export function productionNodeFlags(dockerfile = readFileSync('Dockerfile', 'utf8')): string[] {
  const line = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(dockerfile);
  if (!line) throw new Error('the Dockerfile sets no NODE_OPTIONS="…" line');
  return line[1]!.split(/\s+/).filter(Boolean);
}

/**
 * The malloc setting the Dockerfile sets (`ENV MALLOC_ARENA_MAX=…`), for the processes the
 * benchmarks measure as deployed: glibc reads it as a process starts, so it goes in its env. This
 * process's own `MALLOC_ARENA_MAX`, when set, wins (an experiment); another build's process
 * (`--compare`) gets it too: it is the deployment's, not a build's.
 */
export function productionEnv(
  dockerfile = readFileSync('Dockerfile', 'utf8'),
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const arenas = env.MALLOC_ARENA_MAX ?? /^ENV MALLOC_ARENA_MAX=(\d+)$/m.exec(dockerfile)?.[1];
  return arenas ? { MALLOC_ARENA_MAX: arenas } : {};
}

export async function runPollScale(options: PollScaleOptions): Promise<PollScaleRow[]> {
  const rows: PollScaleRow[] = [];
  for (const size of options.sizes) {
    const row = await runOne(size, { ...options, idleOnly: false });
    if (!('busy' in row)) throw new Error('a full run returned an idle-only row');
    rows.push(row);
  }
  return rows;
}

export async function runPollIdle(options: PollScaleOptions): Promise<IdleRow[]> {
  const rows: IdleRow[] = [];
  for (const size of options.sizes) {
    const row = await runOne(size, { ...options, idleOnly: true });
    if ('busy' in row) throw new Error('an idle-only run returned a full row');
    rows.push(row);
  }
  return rows;
}

async function runOne(size: number, options: PollScaleOptions): Promise<PollScaleRow | IdleRow> {
  const log = options.log ?? ((line: string) => console.log(line));
  const rttMs = options.rttMs ?? 50;
  const spec: WorldSpec = {
    connections: options.connections ?? { oms: 34, ncp: 33, upcloud: 33 },
    perConnection: 0,
    finishShare: 0.01,
    failShare: 0.01,
    seed: 20260601,
  };
  const connectionCount = spec.connections.oms + spec.connections.ncp + spec.connections.upcloud;
  spec.perConnection = Math.round(size / connectionCount);
  const watches = spec.perConnection * connectionCount;
  const prefix = `bench:watch:${randomBytes(4).toString('hex')}:`;
  const redisUrl = options.redisUrl ?? process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const sqliteDir = options.store === 'sqlite' ? mkdtempSync(path.join(tmpdir(), 'bench-poll-')) : undefined;
  const world = await startRpc('poll/poll-world.js');
  let watcher: RpcChild | undefined;
  try {
    const info = await world.call<WorldInfo>('start', spec, 600_000);
    // BENCH_CPU_PROF_DIR=dir writes a CPU profile of the watcher process there (docs/performance.md).
    const profile = process.env.BENCH_CPU_PROF_DIR;
    watcher = await startRpc(options.watcherScript ?? 'poll/poll-watcher.js', {
      execArgv: [
        ...(options.watcherFlags ?? productionNodeFlags()),
        '--expose-gc',
        ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
      ],
      env: productionEnv(),
    });
    await watcher.call('start', {
      fakeSlackUrl: info.fakeSlackUrl,
      connections: info.connections,
      storeUrl: storeUrlOf(options.store, redisUrl, sqliteDir),
      keyPrefix: prefix,
    });
    // BENCH_HEAP_SNAPSHOT_DIR: heap snapshots at 0 watches, after setup, the idle and the busy cycles.
    const snapshot = (label: string) =>
      process.env.BENCH_HEAP_SNAPSHOT_DIR
        ? watcher!.call('heapSnapshot', { label: `${options.store}-${size}-${label}` }, 600_000)
        : undefined;
    await snapshot('0-start');
    // Setup (not measured): every resource watched, its card posted. Slack limits are off for it.
    const follow = options.follow ?? 'watches';
    const setup = await watcher.call<{ watches: number; ms: number }>(
      follow === 'subscriptions' ? 'subscribeAll' : 'watchAll',
      { concurrency: 16 },
      3_600_000,
    );
    log(
      `  ${options.store} ${watches}${options.build ? ` (${options.build})` : ''}: ${setup.watches} ${follow === 'subscriptions' ? `watches found through ${connectionCount} subscriptions` : 'watches set up'} in ${(setup.ms / 1000).toFixed(1)} s`,
    );
    if (setup.watches !== watches) throw new Error(`expected ${watches} watches, got ${setup.watches}`);
    await snapshot('1-setup');
    await world.call('latency', { ms: rttMs });
    await world.call('tiers', { on: true });
    await watcher.call('cycle', {}, 1_800_000); // first observation with the latency on

    const measure = async (): Promise<
      CycleFigures & { report: CycleReport; cpuMs: number; gcMs: number }
    > => {
      await world.call('resetStats');
      const redisBefore = options.store === 'redis' ? await commandCounts(redisUrl) : undefined;
      const { report, ms, cpuMs, gcMs, memory } = await watcher!.call<{
        report: CycleReport;
        ms: number;
        cpuMs: number;
        gcMs: number;
        memory: { rssMb: number; cyclePeakRssMb: number; atPeak?: unknown };
      }>('cycle', {}, 1_800_000);
      if (memory.atPeak && process.env.BENCH_RSS_BREAKDOWN)
        log(`  at the cycle's peak: ${JSON.stringify(memory.atPeak)}`);
      const stats = await world.call<WorldStats>('stats');
      const { total, ...byProvider } = stats.requests;
      // Redis commands of the cycle (docs/performance.md's capacity plan): nothing else uses it then.
      const redisOps = redisBefore ? commandDelta(redisBefore, await commandCounts(redisUrl)) : undefined;
      return {
        report,
        ...(redisOps ? { redisOps } : {}),
        ms,
        providerRequests: total,
        byProvider,
        slackCalls: stats.slackTotal,
        slackByMethod: stats.slackCalls,
        slack429: stats.throttledTotal,
        rssMb: memory.rssMb,
        cyclePeakRssMb: memory.cyclePeakRssMb,
        cpuMs,
        gcMs,
      };
    };
    const idles: Awaited<ReturnType<typeof measure>>[] = [];
    const bares: { ms: number; pages: number }[] = [];
    for (let i = 0; i < (options.idleCycles ?? 3); i++) {
      idles.push(await measure());
      bares.push(await watcher.call<{ ms: number; pages: number }>('bareList', { follow }, 1_800_000));
    }
    await snapshot('2-idle');
    const typical = idles.find((c) => c.ms === median(idles.map((x) => x.ms)))!;
    const idle = { ...typical, cyclePeakRssMb: Math.max(...idles.map((c) => c.cyclePeakRssMb ?? 0)) };
    const bare = bares.find((b) => b.ms === median(bares.map((x) => x.ms)))!;
    if (idle.redisOps) log(`  Redis commands in the idle cycle: ${JSON.stringify(idle.redisOps)}`);
    log(
      `  idle cycle ${idle.ms} ms (${idles.map((c) => c.ms).join(', ')}; CPU ${idles.map((c) => c.cpuMs).join(', ')} ms, GC ${idles.map((c) => c.gcMs).join(', ')} ms, RSS ${idle.rssMb} MB, peak in the cycles ${idle.cyclePeakRssMb} MB), ${idle.providerRequests} requests, ${idle.report.pages} of them list pages; bare list ${bare.ms} ms (${bares.map((b) => b.ms).join(', ')}), ${bare.pages} pages`,
    );
    const { pages, floorMs } = floorOf(spec, rttMs, options.follow);
    const idleToBare = ratio(idle.ms, bare.ms);
    if (options.idleOnly) {
      const { report: _report, cpuMs: _cpu, ...figures } = idle;
      return {
        store: options.store,
        watches,
        idle: figures,
        pages,
        floorMs,
        idleToFloor: ratio(idle.ms, floorMs),
        bare,
        idleToBare,
        cycles: idles.map((c) => ({ ms: c.ms, cpuMs: c.cpuMs })),
      };
    }

    const before = await watcher.call<{ editsDeferred: number }>('stats');
    await world.call('advance', { ms: BUSY_STEP_MS });
    const busy = await measure();
    await snapshot('3-busy');
    const after = await watcher.call<{ editsDeferred: number }>('stats');
    log(
      `  busy cycle ${busy.ms} ms (CPU ${busy.cpuMs} ms, GC ${busy.gcMs} ms, RSS ${busy.rssMb} MB, peak in the cycle ${busy.cyclePeakRssMb} MB), ${busy.slackCalls} Slack calls, ${busy.slack429} answered 429, ${info.transitions} transitions`,
    );

    // Catch-up: cycles (1 s apart, bounded) until every reply of the busy step is out. Each cycle
    // tells the outbox depth it read before delivering (the watcher's own gauge: a quiet record has
    // none), so nothing else reads records in the measured process between its cycles.
    await world.call('resetStats');
    const catchStarted = performance.now();
    let cycles = 0;
    let left = Number.POSITIVE_INFINITY;
    let deliveredBy = catchStarted;
    const catchCpu: number[] = [];
    let catchPeak = 0;
    while (cycles < 30 && performance.now() - catchStarted < 180_000) {
      await sleep(BENCH_POLL_PAUSE_MS);
      const c = await watcher.call<{
        report: CycleReport;
        cpuMs: number;
        memory: { cyclePeakRssMb: number };
      }>('cycle', {}, 1_800_000);
      left = c.report.outboxDepth;
      // Nothing read: the cycle before this one delivered the last reply.
      if (left === 0) break;
      catchCpu.push(c.cpuMs);
      catchPeak = Math.max(catchPeak, c.memory.cyclePeakRssMb);
      cycles++;
      deliveredBy = performance.now();
    }
    // Bounded out: what is still waiting, counted after the measured cycles.
    if (left > 0) left = (await watcher.call<{ outbox: number }>('backlog')).outbox;
    const catchStats = await world.call<WorldStats>('stats');
    const detection = await world.call<DetectionFigures>('detection');
    log(
      `  failure posts: ${detection.posted} of ${detection.expected}, p50 / p99 / max ${detection.latency.p50} / ${detection.latency.p99} / ${detection.latency.max} ms`,
    );
    const catchUp = {
      cycles,
      seconds: round1((deliveredBy - catchStarted) / 1000),
      repliesLeft: left,
      slack429: catchStats.throttledTotal,
      cpuMs: catchCpu.length > 0 ? median(catchCpu) : 0,
      cyclePeakRssMb: catchPeak,
    };

    let naive: PollScaleRow['naive'];
    if (size <= (options.naiveUpTo ?? Number.POSITIVE_INFINITY)) {
      await world.call('resetStats');
      const result = await watcher.call<{ ms: number; gets: number; failures: number }>(
        'naive',
        { connectionsPerProvider: CONNECTIONS_PER_PROVIDER, getsPerConnection: GETS_PER_CONNECTION },
        3_600_000,
      );
      const stats = await world.call<WorldStats>('stats');
      const lanes = CONNECTIONS_PER_PROVIDER * GETS_PER_CONNECTION;
      const perProvider = spec.perConnection;
      const counts = [spec.connections.oms, spec.connections.ncp, spec.connections.upcloud];
      naive = {
        ms: result.ms,
        providerRequests: stats.requests.total,
        floorMs: Math.max(...counts.map((c) => Math.ceil((c * perProvider) / lanes))) * rttMs,
      };
      log(`  naive poller ${result.ms} ms, ${stats.requests.total} requests (${result.failures} failed)`);
    }
    const memory = await watcher.call<{ peakRssMb: number; rssMb: number; heapUsedMb: number }>('memory');
    // After every measured figure (a full collection would flatter a cycle's RSS): what is live.
    const live = await watcher.call<{ heapAfterGcMb: number; rssAfterGcMb: number }>('liveHeap');
    log(
      `  memory at the end: RSS ${memory.rssMb} MB, heap used ${memory.heapUsedMb} MB; after a full GC heap ${live.heapAfterGcMb} MB, RSS ${live.rssAfterGcMb} MB`,
    );
    const { report: _idleReport, ...idleFigures } = idle;
    const { report: _busyReport, ...busyFigures } = busy;
    return {
      store: options.store,
      ...(options.build ? { build: options.build } : {}),
      follow,
      listPages: idle.report.pages,
      watches,
      connections: connectionCount,
      rttMs,
      setupMs: setup.ms,
      idle: idleFigures,
      busy: {
        ...busyFigures,
        transitions: info.transitions,
        editsDeferred: after.editsDeferred - before.editsDeferred,
      },
      catchUp,
      pages,
      floorMs,
      idleToFloor: ratio(idle.ms, floorMs),
      bare,
      idleToBare,
      busyToFloor: ratio(busy.ms, floorMs),
      naive,
      requestRatio: naive ? round1(naive.providerRequests / idle.providerRequests) : undefined,
      peakRssMb: memory.peakRssMb,
      detection,
    };
  } finally {
    await watcher?.call('stop', {}, 60_000).catch(() => undefined);
    await watcher?.stop();
    await world.call('stop', {}, 60_000).catch(() => undefined);
    await world.stop();
    if (options.store === 'redis') await cleanRedis(redisUrl, prefix);
    if (sqliteDir) rmSync(sqliteDir, { recursive: true, force: true });
  }
}

/**
 * The list pages the connections need at the least, and the floor they make. Watches: ⌈n ÷ 100⌉
 * each: every resource is watched, so the last page shows the last watched id and no closing page
 * is needed, even for UpCloud. Subscriptions must find new resources, so a list is read to its end
 * (`subscriptionPages`).
 */
export function floorOf(
  spec: Pick<WorldSpec, 'connections' | 'perConnection'>,
  rttMs: number,
  follow: 'watches' | 'subscriptions' = 'watches',
): { pages: Record<Provider, number>; floorMs: number } {
  const count = {
    'huawei-oms': spec.connections.oms,
    ncp: spec.connections.ncp,
    upcloud: spec.connections.upcloud,
  };
  const each = (p: Provider) =>
    follow === 'subscriptions'
      ? subscriptionPages(p, spec.perConnection)
      : Math.ceil(spec.perConnection / PAGE_SIZE);
  const pages = Object.fromEntries(PROVIDERS.map((p) => [p, count[p] * each(p)])) as Record<Provider, number>;
  const floorMs = Math.max(...PROVIDERS.map((p) => Math.ceil(pages[p] / CONNECTIONS_PER_PROVIDER))) * rttMs;
  return { pages, floorMs };
}

/**
 * The pages one connection's subscription needs per cycle with `n` resources of its first kind, as
 * the seeds make them (test/watcher/subscription-pages-providers.test.ts counts the same):
 * - Huawei OMS (seed 002): the task list has a total (`count`), ⌈n ÷ 100⌉ pages, and the sync-task
 *   list, the other kind a connection subscription follows, one page (empty here, read to find new);
 * - NCP (seed 000): ⌈n ÷ 100⌉, and one closing page when the list is exactly one full page: §1.3
 *   gives `num` as "number of policies" without saying of the list or of the page, so a full first
 *   page whose `num` equals its length may be the page's own count (src/providers/ncp, e1d060e);
 * - UpCloud (seed 001): the job list has no total and no documented paging, so a short page may be
 *   the API's own page size: only an empty page ends it, ⌈n ÷ 100⌉ + 1.
 */
export function subscriptionPages(provider: Provider, n: number): number {
  const pages = Math.max(1, Math.ceil(n / PAGE_SIZE));
  if (provider === 'huawei-oms') return pages + 1;
  if (provider === 'upcloud') return Math.ceil(n / PAGE_SIZE) + 1;
  return n === PAGE_SIZE ? pages + 1 : pages;
}
const PAGE_SIZE = 100;

/** The embedded store is a file of its own per run, removed after it. */
function storeUrlOf(
  store: PollScaleOptions['store'],
  redisUrl: string,
  sqliteDir: string | undefined,
): string {
  if (store === 'redis') return redisUrl;
  if (store === 'sqlite' && sqliteDir) return `sqlite://${path.join(sqliteDir, 'watch.sqlite')}`;
  return 'memory://';
}

async function cleanRedis(url: string, prefix: string): Promise<void> {
  const { createClient } = await import('@redis/client');
  const client = createClient({ url });
  await client.connect();
  try {
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 }))
      if (batch.length > 0) await client.del(batch);
  } finally {
    await client.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = (process.argv.find((a) => a.startsWith('--sizes='))?.slice(8) ?? '1000')
    .split(',')
    .map(Number);
  const store = process.argv.includes('--redis')
    ? 'redis'
    : process.argv.includes('--sqlite')
      ? 'sqlite'
      : 'memory';
  // --idle-only: setup and the idle cycles only (minutes less per size), e.g. to compare builds.
  const idleCycles = Number(process.argv.find((a) => a.startsWith('--idle-cycles='))?.slice(14) ?? 3);
  const run = process.argv.includes('--idle-only') ? runPollIdle : runPollScale;
  // --watcher-flags="--a --b": the watcher's Node flags instead of the Dockerfile's (an experiment).
  const flags = process.argv.find((a) => a.startsWith('--watcher-flags='))?.slice(16);
  // --watcher-script=<path>: another build's bench/poll/poll-watcher.js; --no-naive: no naive poller.
  const watcherScript = process.argv.find((a) => a.startsWith('--watcher-script='))?.slice(17);
  run({
    sizes,
    store,
    idleCycles,
    watcherFlags: flags?.split(/\s+/).filter(Boolean),
    ...(watcherScript ? { watcherScript } : {}),
    ...(process.argv.includes('--no-naive') ? { naiveUpTo: 0 } : {}),
  })
    .then((rows) => {
      console.log(JSON.stringify(rows, null, 2));
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
