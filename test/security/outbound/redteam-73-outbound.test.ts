import dns from 'node:dns';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHookUrl } from '../../../src/capabilities/events/hook-url.js';
import { planCheck } from '../../../src/capabilities/objects/plan.js';
import type { Connection } from '../../../src/connections/connection.js';
import type { MigrationResource } from '../../../src/domain/migration-resource.js';
import { ObjectStoreError } from '../../../src/object-store/object-store.js';
import { type EndpointRule, S3ObjectStore } from '../../../src/object-store/s3-object-store.js';
import { pinnedLookup, type Resolve } from '../../../src/outbound/guarded-connect.js';

// Issue 73 (security round 6), red team of the object-store client: every way an endpoint reaches
// it. A reviewer who did not write the code attacks it on loopback only: a recording S3 store,
// names resolved by an injected resolver (or the system's `localhost`), and a second loopback
// server that must never hear a request it was steered to. docs/security.md lists what held.

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
interface Recorder {
  url: string;
  port: string;
  heard: string[];
  server: Server;
}

async function recorder(handle: Handler): Promise<Recorder> {
  const heard: string[] = [];
  const server = createServer((req, res) => {
    heard.push(`${req.headers.host} ${req.url}`);
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = String((server.address() as AddressInfo).port);
  return { url: `http://127.0.0.1:${port}`, port, heard, server };
}

const emptyListing =
  '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><KeyCount>0</KeyCount>' +
  '<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>';

let store: Recorder; // answers every listing with nothing
let elsewhere: Recorder; // where a redirect or a path trick would steer the bot
beforeAll(async () => {
  store = await recorder((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/xml' }).end(emptyListing),
  );
  elsewhere = await recorder((_req, res) => res.writeHead(200).end(emptyListing));
});
afterAll(async () => {
  for (const r of [store, elsewhere]) {
    r.server.closeAllConnections();
    await new Promise<void>((resolve) => r.server.close(() => resolve()));
  }
});

const client = (endpoint: string, rule: Partial<EndpointRule> = {}, pathStyle = true) =>
  new S3ObjectStore(
    { endpoint, region: 'us-east-1', accessKey: 'AK', secretKey: 'SK', pathStyle },
    { allowedEndpoints: [], now: () => 0, ...rule },
  );

async function failureOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
    return 'ok';
  } catch (error) {
    return error instanceof ObjectStoreError ? error.failure : String(error);
  }
}
const listAll =
  (s: S3ObjectStore, bucket = 'b') =>
  async () => {
    for await (const _ of s.list(bucket, '')) {
      // every page
    }
  };
const readAll = (s: S3ObjectStore, bucket: string, key: string) => async () => {
  const { lines } = await s.readLines(bucket, key, 1_000);
  for await (const _ of lines) {
    // every line
  }
};

/** A resolver that answers `addresses` for every name and records what it was asked. */
function resolver(...addresses: string[]): Resolve & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

const keys = { accessKey: 'AK', secretKey: 'SK' };
const connection = {
  storage: { source: { name: 'src', ...keys }, destination: { name: 'dst', ...keys } },
} as Connection;
const planned = (source: MigrationResource['source']) =>
  planCheck({ source, destination: source } as MigrationResource, connection).source;

describe('red team 73: where an endpoint reaches the object store', () => {
  it('a bucket name with @ : # .. or a host in it never moves a virtual-hosted request off the cloud', async () => {
    for (const bucket of ['x@127.0.0.1', 'x:1', 'a#b', '..', 'a..b', '127.0.0.1', 'x?y', 'evil.example']) {
      const side = planned({ cloud: 'AWS', region: 'us-east-1', bucket });
      expect(side.ok, bucket).toBe(true);
      if (!side.ok) continue;
      // The planned AWS host, on the recorder's port: the resolver says where the SDK connects.
      const resolve = resolver('127.0.0.1');
      const endpoint = `${side.access.endpoint.replace('https:', 'http:')}:${store.port}`;
      const s = client(endpoint, { resolve }, side.access.pathStyle);
      expect(await failureOf(listAll(s, side.bucket)), bucket).toBe('blocked');
      for (const host of resolve.asked) expect(host, bucket).toMatch(/(^|\.)s3\.us-east-1\.amazonaws\.com$/);
    }
    expect(store.heard).toEqual([]);
  });

  it('a region or UpCloud cloud value written as an address, an encoding or a non-host gets no endpoint', () => {
    for (const region of ['%2e', 'us-east-1%2e127.0.0.1', 'x.127.0.0.1', 'ｕｓ-east-1', 'eu\u00001']) {
      expect(planned({ cloud: 'AWS', region, bucket: 'b' }), region).toMatchObject({ why: 'no-endpoint' });
    }
    for (const cloud of ['2130706433', '0x7f.1', '017700000001', '127.1', '127.0.0.1', '[::1]', '0.0.0.0']) {
      expect(planned({ cloud, region: 'r', bucket: 'b' }), cloud).toMatchObject({ why: 'no-endpoint' });
    }
    // Upper case and punycode names are names: reached over HTTPS and judged at the connection.
    for (const cloud of ['LOCALHOST.LOCALDOMAIN', 'xn--80ak6aa92e.com'])
      expect(planned({ cloud, region: 'r', bucket: 'b' }), cloud).toMatchObject({
        ok: true,
        access: { endpoint: `https://${cloud}` },
      });
  });

  it('an endpoint written as loopback in any notation is refused before a byte is sent', async () => {
    const p = store.port;
    for (const endpoint of [
      `http://2130706433:${p}`,
      `http://0x7f.1:${p}`,
      `http://017700000001:${p}`,
      `http://127.1:${p}`,
      `http://127.0.0.1%2e:${p}`,
      `http://0.0.0.0:${p}`,
      `http://[::]:${p}`,
      `http://[::1]:${p}`,
      `http://[::ffff:0:0]:${p}`,
      `http://[::ffff:127.0.0.1]:${p}`,
      `http://[0:0:0:0:0:ffff:7f00:1]:${p}`,
      `http://[64:ff9b::127.0.0.1]:${p}`,
      `http://localhost:${p}`,
      `http://LOCALHOST:${p}`,
    ]) {
      expect(await failureOf(listAll(client(endpoint))), endpoint).toBe('blocked');
    }
    // A zone id does not parse as a URL host at all: the request is never made.
    expect(await failureOf(listAll(client(`http://[fe80::1%25lo]:${p}`)))).not.toBe('ok');
    expect(store.heard).toEqual([]);
  });

  it('a name resolving to public and internal addresses, in either order, is refused', async () => {
    for (const answer of [
      ['203.0.113.10', '127.0.0.1'],
      ['127.0.0.1', '203.0.113.10'],
      ['2001:db8::1', '::ffff:169.254.169.254'],
      ['203.0.113.10', 'fd00::1'],
    ]) {
      const resolve = resolver(...answer);
      const s = client(`http://s3.example.com:${store.port}`, { resolve });
      expect(await failureOf(listAll(s)), answer.join()).toBe('blocked');
      // Resolved once per connection attempt (the SDK tries 3 times), by the lookup that connects.
      expect(resolve.asked.length, answer.join()).toBeGreaterThan(0);
      expect(resolve.asked.length, answer.join()).toBeLessThanOrEqual(3);
    }
    expect(store.heard).toEqual([]);
  });

  it('the lookup that checks is the lookup that connects: no second resolution, no empty address', async () => {
    // A rebinding resolver: a public address the first time, loopback after. The check and the
    // connection share the one answer, so there is no window between them.
    const answers = [['203.0.113.10'], ['127.0.0.1']];
    let calls = 0;
    const lookup = pinnedLookup(async () => {
      const answer = answers[Math.min(calls++, 1)] ?? [];
      return answer.map((address) => ({ address, family: 4 }));
    });
    const first = await new Promise<string>((resolve) =>
      lookup('rebind.example.com', { all: true }, (_e, a) => resolve(JSON.stringify(a))),
    );
    expect(first).toBe('[{"address":"203.0.113.10","family":4}]');
    const second = await new Promise<string>((resolve) =>
      lookup('rebind.example.com', {}, (e) => resolve((e as { code?: string } | null)?.code ?? 'none')),
    );
    expect(second).toBe('EPRIVATEADDRESS');
    expect(calls).toBe(2);
    // An IPv4-only connection to a name with only a (public) IPv6 answer gets no address; Node
    // must refuse the empty one rather than connect to a default host.
    const v6only = pinnedLookup(async () => [{ address: '2001:db8::1', family: 6 }]);
    const error = await new Promise<string>((resolve) => {
      const socket = connect({ host: 'v6.example.com', port: Number(store.port), family: 4, lookup: v6only });
      socket.on('connect', () => resolve('connected'));
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    expect(error).not.toBe('connected');
    expect(store.heard).toEqual([]);
  });

  it('a redirect from an allow-listed store to another internal address is not followed', async () => {
    const target = `http://127.0.0.1:${elsewhere.port}/stolen`;
    for (const [status, headers] of [
      [301, { location: target, 'x-amz-bucket-region': 'us-west-2' }],
      [302, { location: target }],
      [307, { location: target }],
      [308, { location: target }],
    ] as const) {
      const redirecting = await recorder((_req, res) => res.writeHead(status, headers).end());
      const s = client(redirecting.url, { allowedEndpoints: [redirecting.url] });
      expect(await failureOf(listAll(s)), String(status)).not.toBe('ok');
      expect(await failureOf(readAll(s, 'b', 'k')), String(status)).not.toBe('ok');
      expect(redirecting.heard.length).toBeGreaterThan(0);
      redirecting.server.closeAllConnections();
      redirecting.server.close();
    }
    expect(elsewhere.heard).toEqual([]);
  });

  it('HTTP(S)_PROXY in the environment neither bypasses the rule nor carries the requests', async () => {
    const proxy = await recorder((_req, res) => res.writeHead(200).end(emptyListing));
    const saved = { ...process.env };
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy'])
      process.env[name] = proxy.url;
    process.env.NO_PROXY = '';
    try {
      const resolve = resolver('127.0.0.1');
      expect(await failureOf(listAll(client(`http://s3.example.com:${store.port}`, { resolve })))).toBe(
        'blocked',
      );
      const before = store.heard.length;
      expect(await failureOf(listAll(client(store.url, { allowedEndpoints: [store.url] })))).toBe('ok');
      expect(store.heard.length).toBe(before + 1); // straight to the store
      expect(proxy.heard).toEqual([]);
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
      proxy.server.close();
    }
    store.heard.length = 0;
  });

  it('an allow-listed path prefix is not escaped by the endpoint, the bucket or the key', async () => {
    const allowed = `${store.url}/allowed`;
    const rule = { allowedEndpoints: [allowed] };
    // The endpoint itself: `..` and `%2e%2e` are resolved before the allow-list is consulted.
    for (const endpoint of [`${store.url}/allowed/../other`, `${store.url}/allowed/%2e%2e/other`])
      expect(await failureOf(listAll(client(endpoint, rule))), endpoint).toBe('blocked');
    // The provider's bucket name or the failed-list key, with dot segments, under the allowed path.
    const s = client(allowed, rule);
    expect(await failureOf(listAll(s, '..'))).toBe('blocked');
    expect(await failureOf(readAll(s, '..', 'other/x'))).toBe('blocked');
    expect(await failureOf(readAll(s, 'b', '../../other/x'))).toBe('blocked');
    expect(store.heard).toEqual([]);
    // The same client still reads what is under the prefix.
    expect(await failureOf(listAll(s, 'b'))).toBe('ok');
    expect(store.heard).toEqual([
      `127.0.0.1:${store.port} /allowed/b/?encoding-type=url&list-type=2&max-keys=1000&prefix=`,
    ]);
    store.heard.length = 0;
  });

  it('an allow-listed endpoint name does not carry a virtual-hosted bucket to another host unchecked', async () => {
    // `s3.rt73.test` allow-listed, virtual-hosted style: the SDK puts the bucket into the host
    // (`bucket.s3.rt73.test`), which the allow-list does not name and the client reaches with no
    // address check. The system lookup is replaced for the test (loopback, no DNS query leaves).
    const looked: string[] = [];
    const system = dns.lookup;
    (dns as { lookup: unknown }).lookup = (host: string, options: unknown, callback: unknown) => {
      looked.push(host);
      const done = (typeof options === 'function' ? options : callback) as (...a: unknown[]) => void;
      const all = typeof options === 'object' && (options as { all?: boolean }).all;
      if (all) done(null, [{ address: '127.0.0.1', family: 4 }]);
      else done(null, '127.0.0.1', 4);
    };
    try {
      const allowed = `http://s3.rt73.test:${store.port}`;
      const s = client(allowed, { allowedEndpoints: [allowed] }, false);
      expect(await failureOf(listAll(s, 'bucket'))).toBe('blocked');
      expect(looked).toEqual([]);
      expect(store.heard).toEqual([]);
      // Path style, under the allowed origin, still passes.
      expect(await failureOf(listAll(client(allowed, { allowedEndpoints: [allowed] }, true), 'b'))).toBe(
        'ok',
      );
      expect(looked).toEqual(['s3.rt73.test']);
    } finally {
      (dns as { lookup: unknown }).lookup = system;
      store.heard.length = 0;
    }
  });

  it('a webhook URL written as loopback in any notation is refused when added', () => {
    for (const url of [
      'https://2130706433/in',
      'https://0x7f.1/in',
      'https://017700000001/in',
      'https://127.1/in',
      'https://0.0.0.0/in',
      'https://[::]/in',
      'https://[::ffff:7f00:1]/in',
      'https://[::ffff:0:0]/in',
      'https://LOCALHOST/in',
      'https://Metadata.Google.Internal/in',
      'https://169.254.169.254/latest/meta-data',
      'https://[fd00:ec2::254]/latest',
    ])
      expect(checkHookUrl(url, []), url).toMatchObject({ ok: false, reason: 'private' });
    // A zone id is no URL host.
    expect(checkHookUrl('https://[fe80::1%25eth0]/in', [])).toMatchObject({ ok: false, reason: 'notUrl' });
  });

  it('an in-cluster or local name is refused as written, whatever its DNS answers', async () => {
    // docs/security.md lists `*.internal`, `*.svc`, `*.local` and bare names as refused: a name
    // that split-horizon DNS answers with a public address must not be connected to. The resolver
    // fails after recording, so nothing leaves loopback whichever way this goes.
    const asked: string[] = [];
    const resolve: Resolve = async (hostname) => {
      asked.push(hostname);
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    };
    for (const cloud of [
      'metadata.google.internal',
      'minio.storage.svc',
      'nas.local',
      'kubernetes.default.svc.',
    ]) {
      const endpoint = `http://${cloud}:${store.port}`;
      expect(await failureOf(listAll(client(endpoint, { resolve }))), cloud).toBe('blocked');
    }
    const side = planned({ cloud: 'gateway.corp.internal', region: 'r', bucket: 'bucket' });
    expect(side.ok).toBe(true);
    if (side.ok)
      expect(await failureOf(listAll(client(side.access.endpoint, { resolve }), 'bucket'))).toBe('blocked');
    expect(asked).toEqual([]);
    expect(store.heard).toEqual([]);
  });

  it('a webhook URL does not escape an allow-listed path with dot segments or a longer name', () => {
    const entry = 'http://127.0.0.1:9101/allowed';
    expect(checkHookUrl('http://127.0.0.1:9101/allowed/in', [entry])).toMatchObject({ ok: true });
    for (const url of [
      'http://127.0.0.1:9101/allowed/../admin',
      'http://127.0.0.1:9101/allowed/%2e%2e/admin',
      'http://127.0.0.1:9101/allowed/.%2E/admin',
      'http://127.0.0.1:9101/allowedX/in',
      'http://127.0.0.1:9102/allowed/in',
      'http://localhost:9101/allowed/in',
    ])
      expect(checkHookUrl(url, [entry]).ok, url).toBe(false);
  });
});
