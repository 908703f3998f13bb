import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/**
 * Real Redis set-ups on loopback, made of Debian's `redis-server` (and `redis-cli` for the cluster's
 * creation), each on free ports, in a folder of its own: a plain server, a 3-master Redis Cluster,
 * and a Sentinel watching a master with its replica. The tests start the ones they need; CI starts
 * one of each for the whole run through the command line at the bottom of this file
 * (`node test/harness/redis-topology.ts start cluster <dir>`), so that the store, watcher and
 * replica suites run against each (TEST_REDIS_URL). Every wait is bounded.
 *
 * No import from the project: Node runs this file as it is (type stripping) from `.ci/run`.
 */
export interface RedisTopology {
  /** STORE_URL / TEST_REDIS_URL for it. */
  url: string;
  /** Every server's port (masters, then replicas, then Sentinels). */
  ports: number[];
  dir: string;
  stop(): Promise<void>;
}

export interface SentinelTopology extends RedisTopology {
  masterName: string;
  masterPort: number;
  replicaPort: number;
  sentinelPort: number;
  /** `SENTINEL FAILOVER`, then waits (bounded) until the replica answers as the master. */
  failover(): Promise<void>;
}

export interface ServerOptions {
  /** More `redis-server` arguments (`--aclfile`…). */
  args?: string[];
  /** Serve TLS only, with these files (redis-certs.ts); clients must show a certificate when `authClients`. */
  tls?: {
    cert: string;
    key: string;
    ca: string;
    clientCert: string;
    clientKey: string;
    authClients?: boolean;
  };
  /** `redis-cli` arguments to reach it (TLS, a user) while it starts. */
  cli?: string[];
  /** Run detached and outliving this process (CI's command line); tests keep them as children. */
  detached?: boolean;
}

interface Started {
  port: number;
  child: ChildProcess;
}

const WAIT_MS = 15_000;

/**
 * A port for a server of the tests, with its cluster bus port (port + 10000) free too, both below
 * or above the kernel's ephemeral range: a port found free there can be handed to any outgoing
 * connection on the machine (the tests make thousands on loopback) before redis-server binds it,
 * and the server exits. Outside it only another listener can take it: the servers of the tests,
 * drawn at random from thousands of ports, and a start that exits tries new ports (`restarting`).
 */
export async function freePort(avoid: ReadonlySet<number> = new Set()): Promise<number> {
  const [low, high] = portRange();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + randomInt(high - low + 1);
    if (avoid.has(port) || !(await portFree(port)) || !(await portFree(port + 10_000))) continue;
    return port;
  }
  throw new Error(`no free port pair in ${low}-${high} in 50 attempts`);
}

/** Where `freePort` draws: a port and its bus port both outside ip_local_port_range. */
export function portRange(ephemeral = ephemeralRange()): [number, number] {
  const [first, last] = ephemeral;
  // Below the range (the default 32768-60999 leaves 10000-22767), else above it.
  if (first - 1 - 10_000 >= 10_000 + 500) return [10_000, first - 1 - 10_000];
  if (last + 1 + 500 <= 65_535 - 10_000) return [last + 1, 65_535 - 10_000];
  // A range over nearly every port: draw anyway, and let a start that exits try again.
  return [10_000, 65_535 - 10_000];
}

function ephemeralRange(): [number, number] {
  try {
    const [first, last] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (first && last) return [first, last];
  } catch {
    // Not Linux: its default.
  }
  return [32_768, 60_999];
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Sends one inline command; resolves with the first reply line, or undefined (no answer). */
export function rawCommand(port: number, command: string, timeoutMs = 500): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write(`${command}\r\n`));
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.includes('\r\n')) {
        socket.destroy();
        resolve(data);
      }
    });
    socket.once('error', () => resolve(undefined));
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve(undefined);
    });
  });
}

/**
 * A bounded wait for a condition, of its own: .ci/run runs this file with `node` directly, which
 * cannot load test/harness/until.ts through a `.js` import.
 */
async function until(what: string, check: () => Promise<boolean>, waitMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${waitMs} ms`);
    await sleep(50);
  }
}

function redisCli(port: number, cli: readonly string[], ...args: string[]): string {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...cli, ...args], {
    encoding: 'utf8',
    timeout: WAIT_MS,
  });
  if (result.error)
    throw new Error(`redis-cli could not run (is redis-tools installed?): ${result.error.message}`);
  return `${result.stdout}${result.stderr}`;
}

function startServer(dir: string, port: number, args: readonly string[], options: ServerOptions): Started {
  const name = `redis-${port}`;
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--logfile',
      path.join(dir, `${name}.log`),
      '--pidfile',
      path.join(dir, `${name}.pid`),
      ...(options.tls
        ? [
            '--port',
            '0',
            '--tls-port',
            String(port),
            '--tls-cert-file',
            options.tls.cert,
            '--tls-key-file',
            options.tls.key,
            '--tls-ca-cert-file',
            options.tls.ca,
            '--tls-auth-clients',
            options.tls.authClients ? 'yes' : 'no',
          ]
        : []),
      ...args,
      ...(options.args ?? []),
    ],
    { stdio: 'ignore', detached: options.detached ?? false },
  );
  if (options.detached) child.unref();
  return { port, child };
}

/** redis-cli's arguments to reach a server started with `options`. */
function cliArgs(options: ServerOptions): string[] {
  const { tls } = options;
  const viaTls = tls
    ? ['--tls', '--cacert', tls.ca, '--cert', tls.clientCert, '--key', tls.clientKey, '--sni', 'redis.test']
    : [];
  return [...viaTls, ...(options.cli ?? [])];
}

async function waitAnswering(started: Started, options: ServerOptions): Promise<void> {
  let failed: Error | undefined;
  started.child.once('error', (error) => {
    failed = new Error(
      `could not start redis-server (is it installed? .ci/run installs it): ${error.message}`,
    );
  });
  await until(`redis-server did not answer on port ${started.port}`, async () => {
    if (failed) throw failed;
    if (started.child.exitCode !== null) throw new Error(`redis-server on port ${started.port} exited`);
    return /PONG|NOAUTH/.test(redisCli(started.port, cliArgs(options), 'PING'));
  });
}

function stopper(dir: string, servers: Started[]): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      await Promise.all(servers.map((s) => stopChild(s.child)));
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await Promise.race([exited, sleep(5_000)]);
}

/** One plain redis-server. */
export function startSingle(options: ServerOptions = {}): Promise<RedisTopology> {
  return restarting(() => startSingleOnce(options));
}

async function startSingleOnce(options: ServerOptions): Promise<RedisTopology> {
  const dir = mkdtempSync(path.join(tmpdir(), 'migrate-bot-redis-'));
  const server = startServer(dir, await freePort(), [], options);
  try {
    await waitAnswering(server, options);
  } catch (error) {
    await stopper(dir, [server])();
    throw error;
  }
  const scheme = options.tls ? 'rediss' : 'redis';
  return {
    url: `${scheme}://127.0.0.1:${server.port}`,
    ports: [server.port],
    dir,
    stop: stopper(dir, [server]),
  };
}

/**
 * Starts a set-up again on new ports, up to three times, when one of its servers exits while
 * starting: another server of the tests took a port between `freePort` and the bind.
 */
async function restarting<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= 3 || !/redis-server on port \d+ exited/.test(String(error))) throw error;
    }
  }
}

/** A Redis Cluster of `masters` masters (3 unless told), every slot covered, `cluster_state:ok`. */
export function startCluster(options: ServerOptions & { masters?: number } = {}): Promise<RedisTopology> {
  return restarting(() => startClusterOnce(options));
}

async function startClusterOnce(options: ServerOptions & { masters?: number }): Promise<RedisTopology> {
  const dir = mkdtempSync(path.join(tmpdir(), 'migrate-bot-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < (options.masters ?? 3); i++) ports.push(await freePort(new Set(ports)));
  const servers = ports.map((port) =>
    startServer(
      dir,
      port,
      ['--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, `nodes-${port}.conf`)],
      options,
    ),
  );
  const stop = stopper(dir, servers);
  try {
    for (const server of servers) await waitAnswering(server, options);
    const nodes = ports.map((p) => `127.0.0.1:${p}`);
    const created = redisCli(ports[0]!, cliArgs(options), '--cluster', 'create', ...nodes, '--cluster-yes');
    if (!created.includes('[OK] All 16384 slots covered')) throw new Error(`cluster not created: ${created}`);
    await until('the cluster did not report cluster_state:ok on every node', async () =>
      ports.every((p) => redisCli(p, cliArgs(options), 'CLUSTER', 'INFO').includes('cluster_state:ok')),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const scheme = options.tls ? 'rediss+cluster' : 'redis+cluster';
  return { url: `${scheme}://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, ports, dir, stop };
}

/** A master, its replica and one Sentinel watching them (quorum 1, so one Sentinel may fail over). */
export function startSentinel(options: ServerOptions = {}): Promise<SentinelTopology> {
  return restarting(() => startSentinelOnce(options));
}

async function startSentinelOnce(options: ServerOptions): Promise<SentinelTopology> {
  const dir = mkdtempSync(path.join(tmpdir(), 'migrate-bot-sentinel-'));
  const masterName = 'migrate-bot-primary';
  const taken = new Set<number>();
  const next = async () => {
    const port = await freePort(taken);
    taken.add(port);
    return port;
  };
  const [masterPort, replicaPort, sentinelPort] = [await next(), await next(), await next()];
  const master = startServer(dir, masterPort, [], options);
  const replica = startServer(dir, replicaPort, ['--replicaof', '127.0.0.1', String(masterPort)], options);
  const servers = [master, replica];
  const stop = stopper(dir, servers);
  try {
    await waitAnswering(master, options);
    await waitAnswering(replica, options);
    await until('the replica did not finish its first sync', async () =>
      redisCli(replicaPort, cliArgs(options), 'INFO', 'replication').includes('master_link_status:up'),
    );
    const conf = path.join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `logfile ${path.join(dir, 'sentinel.log')}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${masterName} 1000`,
        `sentinel failover-timeout ${masterName} 5000`,
        '',
      ].join('\n'),
    );
    const sentinel: Started = {
      port: sentinelPort,
      child: spawn('redis-server', [conf, '--sentinel'], {
        stdio: 'ignore',
        detached: options.detached ?? false,
      }),
    };
    if (options.detached) sentinel.child.unref();
    servers.push(sentinel);
    await waitAnswering(sentinel, {});
    await until('the Sentinel did not see the replica', async () =>
      /num-slaves\s+1/.test(redisCli(sentinelPort, [], 'SENTINEL', 'MASTER', masterName).replace(/\n/g, ' ')),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  let current = masterPort;
  return {
    url: `redis+sentinel://127.0.0.1:${sentinelPort}/${masterName}`,
    ports: [masterPort, replicaPort, sentinelPort],
    dir,
    masterName,
    masterPort,
    replicaPort,
    sentinelPort,
    stop,
    failover: async () => {
      const other = current === masterPort ? replicaPort : masterPort;
      const answer = redisCli(sentinelPort, [], 'SENTINEL', 'FAILOVER', masterName);
      if (!answer.includes('OK')) throw new Error(`SENTINEL FAILOVER refused: ${answer}`);
      await until(`port ${other} did not become the master`, async () =>
        redisCli(other, cliArgs(options), 'ROLE').startsWith('master'),
      );
      await until('the Sentinel did not name the new master', async () =>
        redisCli(sentinelPort, [], 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName).includes(String(other)),
      );
      current = other;
    },
  };
}

/**
 * CI's command line: `start <single|cluster|sentinel> <dir>` starts one, detached, writes its URL
 * to `<dir>/url` and prints it; `stop <dir>` kills every server whose pid file is in `<dir>`.
 */
async function main(argv: string[]): Promise<void> {
  const [command, kind, dirArg] = argv;
  if (command === 'stop' && kind) {
    const pids = spawnSync('sh', ['-c', `cat ${JSON.stringify(kind)}/*.pid 2>/dev/null`], {
      encoding: 'utf8',
    });
    for (const pid of pids.stdout.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    return;
  }
  if (command !== 'start' || !dirArg || !['single', 'cluster', 'sentinel'].includes(kind ?? '')) {
    throw new Error('usage: redis-topology.ts start <single|cluster|sentinel> <dir> | stop <dir>');
  }
  const start = kind === 'cluster' ? startCluster : kind === 'sentinel' ? startSentinel : startSingle;
  const topology = await start({ detached: true });
  // The servers keep running; the pid files (and the Sentinel's, found by its port) name them.
  const sentinelPid = topology.ports.length === 3 && kind === 'sentinel' ? pidOnPort(topology.ports[2]!) : '';
  const files = spawnSync('sh', ['-c', `cp ${topology.dir}/*.pid ${JSON.stringify(dirArg)}/`]);
  if (files.status !== 0) throw new Error(`could not copy the pid files to ${dirArg}`);
  if (sentinelPid) writeFileSync(path.join(dirArg, 'sentinel.pid'), sentinelPid);
  writeFileSync(path.join(dirArg, 'url'), topology.url);
  process.stdout.write(`${topology.url}\n`);
}

/** The Sentinel writes no pid file of its own here: its pid, from the server's own answer. */
function pidOnPort(port: number): string {
  const info = redisCli(port, [], 'INFO', 'server');
  return /process_id:(\d+)/.exec(info)?.[1] ?? '';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}

export function readUrl(dir: string): string {
  return readFileSync(path.join(dir, 'url'), 'utf8').trim();
}
