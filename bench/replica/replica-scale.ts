import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { BUSY_STEP_MS } from '../poll/poll-constants.js';
import { productionEnv, productionNodeFlags } from '../poll/poll-scale.js';
import type { WorldInfo, WorldSpec, WorldStats } from '../poll/poll-world.js';
import { commandCounts, commandDelta, nodeUrls } from '../redis-ops.js';
import { type RpcChild, startRpc } from '../rpc.js';
import { type Phases, phases } from './replica-phases.js';
import type { ReplicaResult } from './replica-types.js';

/**
 * Issue #41's replica rows: one world (100 connections, one simulator each, `rttMs` on every
 * provider request, the fake Slack enforcing the tiers), watcher replicas in processes of their
 * own on one Redis, each on its own schedule (a cycle at every multiple of the interval,
 * `replica-loop.ts`), and the lease period the watcher derives from that interval. In order:
 * one replica's idle cycles; a second replica joins (shares over two lease periods), their idle
 * cycles; a busy step during which one of the two is killed with SIGKILL (unpolled gaps, lost and
 * duplicated posts); three replicas join the survivor, the four's idle cycles; a second busy step
 * and its catch-up with four (Slack's 429s). `replica-phases.ts` measures each.
 */
export interface ReplicaOptions {
  smoke: boolean;
  redisUrl?: string;
  /** The watcher process of the build under test (`--compare`: another build's; default: this one's). */
  watcherScript?: string;
  /** Its label in the report. */
  build?: string;
  /** What `redisUrl` is, for the report (one Redis unless told). */
  topology?: 'single' | 'cluster';
  log?: (line: string) => void;
}

/** The full form: the 50,000 watches over 100 connections at 50 ms. */
const FULL = {
  connections: { oms: 34, ncp: 33, upcloud: 33 },
  perConnection: 500,
  intervalMs: 10_000,
  idleTicks: 3,
  /** After the kill: until every ending was said, at least past the stale-claim time (60 s). */
  afterKillMs: 75_000,
  busyMs: 240_000,
  /** Shares of resources that finish and that fail in each busy step (the poll rows' 1 %). */
  endShare: 0.01,
};
/** The smoke form: the same steps, small and quick. */
const SMOKE = {
  connections: { oms: 2, ncp: 2, upcloud: 2 },
  perConnection: 10,
  intervalMs: 500,
  idleTicks: 1,
  afterKillMs: 1_000,
  busyMs: 2_000,
  endShare: 0.1,
};
const RTT_MS = 50;

/** The watcher's own rule (`watcher-options.ts`): twice the interval and 10 s, at least 30 s. */
export const leaseFor = (intervalMs: number, smoke: boolean) =>
  smoke ? 3 * intervalMs : Math.max(30_000, 2 * intervalMs + 10_000);

export async function runReplicaScale(options: ReplicaOptions): Promise<ReplicaResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const form = options.smoke ? SMOKE : FULL;
  const intervalMs = form.intervalMs;
  const leaseMs = leaseFor(intervalMs, options.smoke);
  const redisUrl = options.redisUrl ?? process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const spec: WorldSpec = {
    connections: form.connections,
    perConnection: form.perConnection,
    finishShare: form.endShare,
    failShare: form.endShare,
    seed: 20261126,
    waves: 2,
  };
  const connections = spec.connections.oms + spec.connections.ncp + spec.connections.upcloud;
  const prefix = `bench:replica:${randomBytes(4).toString('hex')}:`;
  const world = await startRpc('poll/poll-world.js');
  const replicas = new Map<string, RpcChild>();
  const script = options.watcherScript ?? 'poll/poll-watcher.js';
  let info: WorldInfo | undefined;
  // Every replica's process is started at once, up front (a replica joins when its schedule starts:
  // its first cycle announces it); their start-up is not part of any figure.
  const started = new Map<string, Promise<RpcChild>>();
  const spawn = (name: string) => {
    const child = startRpc(script, { execArgv: productionNodeFlags(), env: productionEnv() }).then(
      async (c) => {
        await c.call('start', {
          fakeSlackUrl: info!.fakeSlackUrl,
          connections: info!.connections,
          storeUrl: redisUrl,
          keyPrefix: prefix,
          leaseMs,
          holder: name,
        });
        replicas.set(name, c);
        return c;
      },
    );
    started.set(name, child);
    return child;
  };
  const startReplica = (name: string) => started.get(name) ?? spawn(name);
  try {
    info = await world.call<WorldInfo>('start', spec, 600_000);
    const names = ['r1', 'r2', 'r3', 'r4', 'r5'];
    await Promise.all(names.map(spawn));
    const a = await startReplica('r1');
    const setup = await a.call<{ watches: number; ms: number }>('watchAll', { concurrency: 16 }, 3_600_000);
    log(`  replicas: ${setup.watches} watches set up in ${(setup.ms / 1000).toFixed(1)} s on Redis`);
    await world.call('latency', { ms: RTT_MS });
    await world.call('tiers', { on: true });
    await a.call('cycle', {}, 1_800_000); // first observation with the latency on (not measured)
    // One idle cycle of one replica, in Redis commands (nothing else uses this Redis meanwhile).
    const before = await commandCounts(redisUrl);
    await a.call('cycle', {}, 1_800_000);
    const redisOps = commandDelta(before, await commandCounts(redisUrl));
    log(`  one idle cycle of one replica: ${redisOps.total} Redis commands`);

    const p: Phases = phases({ world, replicas, intervalMs, leaseMs, connections, log });
    await p.loop('r1');
    const idle = [await p.idle(form.idleTicks)];
    const join = [await p.join(['r2'], startReplica)];
    idle.push(await p.idle(form.idleTicks));
    const kill = await p.killDuringBusy('r2', form.afterKillMs, BUSY_STEP_MS);
    join.push(await p.join(['r3', 'r4', 'r5'], startReplica));
    idle.push(await p.idle(form.idleTicks));
    const busy = await p.busy(form.busyMs, BUSY_STEP_MS);
    const cycles = await p.stopAll();
    return {
      store: 'redis',
      topology: options.topology ?? 'single',
      watches: spec.perConnection * connections,
      connections,
      rttMs: RTT_MS,
      intervalMs,
      leaseMs,
      setupMs: setup.ms,
      idle,
      join,
      kill,
      busy,
      redisOps,
      cycles,
      smoke: options.smoke,
      build: options.build,
    };
  } finally {
    const t0 = Date.now();
    await Promise.all(
      [...replicas.values()].map(async (child) => {
        await child.call('stop', {}, 60_000).catch(() => undefined);
        await child.stop();
      }),
    );
    log(`  stopped replicas in ${Date.now() - t0} ms`);
    await world.call('stop', {}, 60_000).catch(() => undefined);
    await world.stop();
    log(`  stopped world in ${Date.now() - t0} ms`);
    await cleanRedis(redisUrl, prefix);
  }
}

async function cleanRedis(url: string, prefix: string): Promise<void> {
  const { createClient } = await import('@redis/client');
  // On a cluster, each node's own keys, one DEL a key (keys of two slots in one DEL are refused
  // even on one node), sent together.
  for (const node of nodeUrls(url)) {
    const client = createClient({ url: node });
    await client.connect();
    try {
      for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 }))
        await Promise.all(batch.map((key) => client.del(key)));
    } finally {
      await client.close();
    }
  }
}

/** World stats, typed (the phases read them). */
export type { WorldStats };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runReplicaScale({ smoke: process.argv.includes('--smoke') })
    .then((r) => {
      const { cycles: _cycles, ...figures } = r;
      console.log(JSON.stringify(figures, null, 2));
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  void sleep;
}
