/**
 * Redis commands a piece of work costs: the server's `INFO commandstats` call counts before and
 * after it. Every client of the server counts, so it is read with nothing else on that server
 * (the bench's own Redis, or BENCH_REDIS_URL pointing at a private one).
 */
export type CommandCounts = Record<string, number>;

export async function commandCounts(url: string): Promise<CommandCounts> {
  const { createClient } = await import('@redis/client');
  const counts: CommandCounts = {};
  // A cluster's commands are counted on each of its nodes: the sum is what the work cost.
  for (const node of nodeUrls(url)) {
    const client = createClient({ url: node });
    await client.connect();
    try {
      const info = await client.info('commandstats');
      for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
        counts[m[1]!] = (counts[m[1]!] ?? 0) + Number(m[2]);
    } finally {
      await client.close();
    }
  }
  return counts;
}

/**
 * One `redis://` URL per server: the URL itself for one Redis, each node named by a
 * `redis+cluster://host:port,host:port` URL (the bench's cluster has masters only).
 */
export function nodeUrls(url: string): string[] {
  const cluster = /^redis\+cluster:\/\/([^/?#]+)/.exec(url);
  if (!cluster) return [url];
  return cluster[1]!.split(',').map((hostPort) => `redis://${hostPort}`);
}

/** `after − before`, without the `INFO` calls that read them; `total` is the sum. */
export function commandDelta(
  before: CommandCounts,
  after: CommandCounts,
): { total: number; byCommand: Record<string, number> } {
  const byCommand: Record<string, number> = {};
  let total = 0;
  for (const [command, calls] of Object.entries(after)) {
    if (command === 'info' || command === 'hello' || command === 'client|setinfo') continue;
    const delta = calls - (before[command] ?? 0);
    if (delta <= 0) continue;
    byCommand[command] = delta;
    total += delta;
  }
  return { total, byCommand };
}

/** Keys the server looked up so far (`INFO stats`: keyspace hits + misses): an MGET of n keys counts n. */
export async function keyLookups(url: string): Promise<number> {
  const { createClient } = await import('@redis/client');
  let total = 0;
  for (const node of nodeUrls(url)) {
    const client = createClient({ url: node });
    await client.connect();
    try {
      const info = await client.info('stats');
      for (const m of info.matchAll(/^keyspace_(?:hits|misses):(\d+)/gm)) total += Number(m[1]);
    } finally {
      await client.close();
    }
  }
  return total;
}
