import type { ChildProcess } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A replica's way to Redis through `killingRedisProxy`. */
export interface KillingProxy {
  url: string;
  /** Kills `child` (SIGKILL) as Redis answers the first command stream matching `marker`. */
  killAt(marker: RegExp, child: ChildProcess, done: () => void): void;
  disarm(): void;
  /** Whether this replica has sent a command naming `key` since it started. */
  named(key: RegExp): boolean;
}

/**
 * A TCP proxy to the Redis at `storeUrl` for one replica, listening on loopback (pushed to
 * `servers` for the file to close). Once `killAt` is set, the first command stream that holds a
 * line matching it is passed on, and the next answer Redis sends on that socket kills the replica
 * instead of reaching it: a kill -9 between a write and its acknowledgement.
 */
export async function killingRedisProxy(storeUrl: string, servers: Server[]): Promise<KillingProxy> {
  const target = new URL(storeUrl);
  let sent = '';
  let trigger: { marker: RegExp; child: ChildProcess; done: () => void } | undefined;
  const server = createServer((client: Socket) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    let seen = '';
    let armed = false;
    client.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString('latin1')).slice(-200_000);
      sent = (sent + chunk.toString('latin1')).slice(-200_000);
      if (trigger?.marker.test(seen)) armed = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (armed && trigger) {
        const { child, done } = trigger;
        trigger = undefined;
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGKILL');
        done();
        return;
      }
      client.write(chunk);
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.end());
    upstream.on('close', () => client.destroy());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(storeUrl);
  url.host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: url.toString(),
    killAt: (marker, child, done) => {
      trigger = { marker, child, done };
    },
    disarm: () => {
      trigger = undefined;
    },
    named: (key) => key.test(sent),
  };
}
