import { setTimeout as sleep } from 'node:timers/promises';
import { startCluster } from '../../test/harness/redis-topology.js';
import { runReplicaScale } from './replica-scale.js';
import type { ReplicaResult } from './replica-types.js';

/**
 * Issue #50's cluster rows: the replica benchmark's steps (`replica-scale.ts`, the same world,
 * replicas, kill -9 and busy steps) on a local 3-master Redis Cluster of Debian's `redis-server`
 * (`test/harness/redis-topology.ts`: free ports, no persistence, every slot covered), started for
 * this run and stopped at its end, whatever happened. Run right after the one-Redis rows, so the
 * two are of the same run and the same machine load.
 */
export async function runReplicaCluster(options: {
  smoke: boolean;
  log: (line: string) => void;
}): Promise<ReplicaResult> {
  const t0 = Date.now();
  const cluster = await startCluster({ masters: 3 });
  options.log(`  cluster of 3 masters up in ${Date.now() - t0} ms: ${cluster.url}`);
  try {
    return await runReplicaScale({
      smoke: options.smoke,
      redisUrl: cluster.url,
      topology: 'cluster',
      log: options.log,
    });
  } finally {
    // Each server gets SIGKILL and 5 s to exit (redis-topology.ts); the whole stop at most 20 s.
    const stopped = await Promise.race([
      cluster.stop().then(() => true),
      sleep(20_000, false, { ref: false }),
    ]);
    options.log(`  cluster ${stopped ? 'stopped' : 'not stopped within 20 s'} (${cluster.dir})`);
  }
}
