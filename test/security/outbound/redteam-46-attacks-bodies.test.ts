import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Server as NetServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/errors.js';
import { fetchTransport, HttpClient, PoolRegistry } from '../../../src/providers/http/http-client.js';
import { messageText, omsConnection, TestBot } from '../../harness/test-bot.js';
import { captureLogger } from '../../helpers/capture-logger.js';

// Red team of issue 46 item 3 (every provider answer read to PROVIDER_MAX_RESPONSE_MIB at the HTTP
// seam): hostile loopback endpoints that lie about their length, declare gzip, answer huge errors,
// or sit behind the OMS IAM token call and the NCP and UpCloud clients. Every one of these HOLDS.
const MiB = 1024 * 1024;
const HUGE = 300 * MiB;
const CHUNK = Buffer.from(`${'{"id":"1","name":"x","status":2},'.repeat(2_000)}`);
/** 64 MiB of spaces, gzipped to about 64 KiB: a decompression bomb under any length check. */
const BOMB = gzipSync(Buffer.alloc(64 * MiB, 0x20));

interface Hostile {
  url: string;
  requests: number;
  /** Method and path of each request, in order. */
  calls: string[];
  bytes: number;
  close(): Promise<void>;
}

/** Streams up to `HUGE` bytes after `head`, and stops as soon as the bot hangs up (bounded). */
function pump(
  write: (chunk: Buffer) => boolean,
  gone: () => boolean,
  drain: (f: () => void) => void,
  h: Hostile,
  end: () => void,
) {
  const next = () => {
    while (h.bytes < HUGE && !gone()) {
      h.bytes += CHUNK.length;
      if (!write(CHUNK)) return void drain(next);
    }
    if (!gone()) end();
  };
  next();
}

async function listen(server: Server | NetServer): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An HTTP endpoint answering every request with `status` and a huge body (declared or chunked). */
async function hugeHttp(status: number, declare: boolean): Promise<Hostile> {
  const h = { requests: 0, bytes: 0, calls: [] } as unknown as Hostile;
  const server = createHttpServer((req, res) => {
    h.requests++;
    h.calls.push(`${req.method} ${req.url}`);
    req.resume();
    res.on('error', () => undefined);
    res.writeHead(status, {
      'content-type': 'application/json',
      ...(declare ? { 'content-length': String(HUGE) } : {}),
    });
    res.write('{"error_code":"X","error_msg":"');
    pump(
      (c) => res.write(c),
      () => res.destroyed,
      (f) => res.once('drain', f),
      h,
      () => res.end('"}'),
    );
  });
  h.url = await listen(server);
  h.close = () => closeHttp(server);
  return h;
}

/** Raw TCP: a 200 that says `content-length: 100` and then sends up to 300 MB more. */
async function lyingLength(): Promise<Hostile> {
  const h = { requests: 0, bytes: 0, calls: [] } as unknown as Hostile;
  const sockets = new Set<import('node:net').Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => {
      h.requests++;
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n');
      pump(
        (c) => socket.write(c),
        () => socket.destroyed,
        (f) => socket.once('drain', f),
        h,
        () => socket.end(),
      );
    });
  });
  h.url = await listen(server);
  h.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return h;
}

/** A 200 declaring `content-encoding: gzip` whose 64 KiB body inflates to 64 MiB. */
async function gzipBomb(): Promise<Hostile> {
  const h = { requests: 0, bytes: 0, calls: [] } as unknown as Hostile;
  const server = createHttpServer((req, res) => {
    h.requests++;
    req.resume();
    res.on('error', () => undefined);
    h.bytes += BOMB.length;
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'content-length': String(BOMB.length),
    });
    res.end(BOMB);
  });
  h.url = await listen(server);
  h.close = () => closeHttp(server);
  return h;
}

async function closeHttp(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** The most RSS grew above its start while `work` ran, sampled every 5 ms. */
async function peakGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growthMiB: number }> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    const result = await work();
    return { result, growthMiB: (Math.max(peak, process.memoryUsage().rss) - before) / MiB };
  } finally {
    clearInterval(sampler);
  }
}

const TOO_LARGE = /answered with more than 8 MiB, the most a provider answer may have/;
const t = new TestBot();
const servers: Record<string, Hostile> = {};

beforeAll(async () => {
  servers.lie = await lyingLength();
  servers.gzip = await gzipBomb();
  servers.e503 = await hugeHttp(503, false);
  servers.e404 = await hugeHttp(404, true);
  servers.iam = await hugeHttp(200, false);
  servers.ncp = await hugeHttp(200, false);
  servers.upcloud = await hugeHttp(200, false);
  const storage = {
    source: { name: 'aws', accessKey: 'AKIASOURCE0000000001', secretKey: 'src-secret-000001' },
  };
  await t.start({
    env: { POLL_INTERVAL_SECONDS: '0' },
    connections: (omsUrl) => [
      omsConnection('hw-prod', omsUrl),
      omsConnection('hw-lie', servers.lie!.url),
      omsConnection('hw-gzip', servers.gzip!.url),
      omsConnection('hw-e503', servers.e503!.url),
      omsConnection('hw-e404', servers.e404!.url),
      omsConnection('hw-iam', omsUrl, {
        auth: {
          type: 'token',
          iamEndpoint: servers.iam!.url,
          user: 'u',
          password: 'iam-pw-0001',
          domain: 'd',
        },
      }),
      {
        name: 'ncp-huge',
        provider: 'ncp',
        endpoint: servers.ncp!.url,
        region: 'KR',
        auth: { type: 'aksk', accessKey: 'NCPAK000001', secretKey: 'ncp-secret-key-000000000001' },
        storage,
      },
      {
        name: 'up-huge',
        provider: 'upcloud',
        endpoint: servers.upcloud!.url,
        serviceId: '1200ecde-db95-4d1c-9133-6508f3232567',
        auth: { type: 'bearer', token: 'ucat_example_0001' },
        storage,
      },
    ],
  });
}, 60_000);
afterAll(async () => {
  await t.stop();
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

describe('redteam 46 bodies: hostile answers at the HTTP seam', () => {
  it('HOLDS: content-length says 100, then 300 MB follow: 100 bytes are read, the socket is dropped', async () => {
    const { result, growthMiB } = await peakGrowth(() => t.ask('list hw-lie'));
    const text = messageText(result);
    expect(text).not.toMatch(/No (tasks|migrations) (found|yet|match)/i);
    expect(text).toMatch(/hw-lie/);
    expect(servers.lie!.bytes).toBeLessThan(HUGE / 4);
    expect(growthMiB).toBeLessThan(96);
    expect(messageText(await t.ask('list hw-prod'))).not.toMatch(/more than 8 MiB/);
  });

  it('HOLDS: a gzip bomb (64 KiB inflating to 64 MiB) is never inflated by the pool transport', async () => {
    const { result, growthMiB } = await peakGrowth(() => t.ask('list hw-gzip'));
    expect(messageText(result)).not.toMatch(/No (tasks|migrations) (found|yet|match)/i);
    expect(growthMiB).toBeLessThan(96);
  });

  it('HOLDS: the same bomb through fetchTransport (which inflates) is cut at the cap, counted inflated', async () => {
    const pools = new PoolRegistry();
    const client = new HttpClient({
      provider: 'huawei-oms',
      baseUrl: servers.gzip!.url,
      pools,
      logger: captureLogger('silent').logger,
      transport: fetchTransport,
      authenticate: () => {},
      parseError: () => ({}),
      purpose: 'interactive',
    });
    const before = servers.gzip!.requests;
    const error = await client
      .send({ operation: 'ListTasks', method: 'GET', path: '/v2/x/tasks' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(String(error.message)).toMatch(/larger than the 8 MiB/);
    // Never retried: the same endpoint would send the same bomb again.
    expect(servers.gzip!.requests - before).toBe(1);
    await pools.close();
  });

  it('HOLDS: a 503 with a 300 MB body: cut at the cap, not retried, memory flat', async () => {
    const { result, growthMiB } = await peakGrowth(() => t.ask('list hw-e503'));
    expect(messageText(result)).toMatch(TOO_LARGE);
    // Each operation the list makes is asked once: a 503 is retried, a 503 too large to read is not.
    const calls = servers.e503!.calls;
    expect(calls.length).toBeGreaterThan(0);
    expect(new Set(calls).size, calls.join(', ')).toBe(calls.length);
    expect(servers.e503!.bytes).toBeLessThan(HUGE / 4);
    expect(growthMiB).toBeLessThan(96);
  });

  it('HOLDS: a 404 that declares 300 MB is refused before its body is read', async () => {
    expect(messageText(await t.ask('list hw-e404'))).toMatch(TOO_LARGE);
    expect(servers.e404!.bytes).toBeLessThan(HUGE / 4);
  });

  it("HOLDS: the OMS IAM token call answered with 300 MB: the list says so, the IAM password's call is not repeated", async () => {
    const { result, growthMiB } = await peakGrowth(() => t.ask('list hw-iam'));
    expect(messageText(result)).toMatch(TOO_LARGE);
    expect(servers.iam!.requests).toBe(1);
    expect(servers.iam!.bytes).toBeLessThan(HUGE / 4);
    expect(growthMiB).toBeLessThan(96);
  });

  it('HOLDS: NCP and UpCloud endpoints answering 300 MB are cut at the cap too', async () => {
    for (const name of ['ncp-huge', 'up-huge']) {
      const { result, growthMiB } = await peakGrowth(() => t.ask(`list ${name}`));
      expect(messageText(result), name).toMatch(TOO_LARGE);
      expect(growthMiB, name).toBeLessThan(96);
    }
    expect(servers.ncp!.bytes).toBeLessThan(HUGE / 4);
    expect(servers.upcloud!.bytes).toBeLessThan(HUGE / 4);
  });
});
