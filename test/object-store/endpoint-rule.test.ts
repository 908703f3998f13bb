import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectStoreSimulator } from '../../dev/simulators/object-store/index.js';
import { ObjectStoreError } from '../../src/object-store/object-store.js';
import { type EndpointRule, S3ObjectStore } from '../../src/object-store/s3-object-store.js';

// Issue 73, item 1: every request to a bucket passes the endpoint rule of providers and webhooks.
// A loopback S3 store answers a listing of everything; the bot's one S3 client may reach it only
// when the allow-list names it: an address written into the endpoint, or a name that resolves
// (or is rebound) to a loopback, private, NAT64-wrapped or metadata address, is refused at the
// connection, and the store never hears a request.

const AK = 'RULESTOREACCESSKEY01';
const SK = 'rule-store-secret-key-0000000000000001';
let sim: ObjectStoreSimulator;

beforeAll(async () => {
  sim = await new ObjectStoreSimulator({ keys: { [AK]: { secret: SK } } }).start();
  sim.putObject('bucket', 'a.txt', 'a\n');
});
afterAll(async () => {
  await sim.stop();
});

const storeAt = (endpoint: string, rule: Partial<EndpointRule> = {}) =>
  new S3ObjectStore(
    { endpoint, region: 'us-east-1', accessKey: AK, secretKey: SK, pathStyle: true },
    { allowedEndpoints: [], now: Date.now, ...rule },
  );

async function failureOf(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    return error instanceof ObjectStoreError ? error.failure : String(error);
  }
}

async function listAll(store: S3ObjectStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of store.list('bucket', '')) keys.push(...page.map((o) => o.key));
  return keys;
}

describe('the object store client and the endpoint rule', () => {
  it('refuses an endpoint written as a loopback address, sending nothing', async () => {
    const before = sim.calls.length;
    const port = new URL(sim.url).port;
    for (const endpoint of [sim.url, `http://[::ffff:127.0.0.1]:${port}`]) {
      expect(await failureOf(listAll(storeAt(endpoint))), endpoint).toBe('blocked');
      expect(await failureOf(storeAt(endpoint).readLines('bucket', 'a.txt', 1_000)), endpoint).toBe(
        'blocked',
      );
    }
    expect(sim.calls.length).toBe(before);
  });

  it('refuses a name that resolves to an internal address, checked at the connection', async () => {
    const before = sim.calls.length;
    const port = new URL(sim.url).port;
    for (const address of ['127.0.0.1', '::ffff:7f00:1', '64:ff9b::7f00:1', '169.254.169.254', '10.0.0.5']) {
      const resolve = async () => [{ address, family: address.includes(':') ? 6 : 4 }];
      const store = storeAt(`http://s3.eu-central-1.example.com:${port}`, { resolve });
      expect(await failureOf(listAll(store)), address).toBe('blocked');
    }
    expect(sim.calls.length).toBe(before);
  });

  it('reaches the same store when the allow-list names it', async () => {
    expect(await listAll(storeAt(sim.url, { allowedEndpoints: [sim.url] }))).toEqual(['a.txt']);
    // An allow-list entry for another origin lets nothing else through.
    const other = storeAt(sim.url, { allowedEndpoints: ['http://127.0.0.1:1'] });
    expect(await failureOf(listAll(other))).toBe('blocked');
  });
});
