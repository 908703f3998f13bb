/**
 * A Redis database of its own (1–15, picked at random) for a test whose replicas share one store,
 * so that tests running side by side on the same Redis do not meet; and the clean-up of its keys.
 */
export function replicaRedisUrl(): string {
  const base = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  base.pathname = `/${1 + Math.floor(Math.random() * 15)}`;
  return base.toString();
}

/** Deletes every key of `url` whose name contains `marker` (bounded: SCAN in batches of 500). */
export async function dropRedisKeys(url: string, marker: string): Promise<void> {
  const { createClient } = await import('@redis/client');
  const client = createClient({ url });
  await client.connect();
  try {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `*${marker}*`, COUNT: 500 })) keys.push(...batch);
    if (keys.length > 0) await client.del(keys);
  } finally {
    await client.close();
  }
}
