import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { Connection } from '../../src/connections/connection.js';
import { ConnectionRegistry } from '../../src/connections/connection-registry.js';
import { ConnectionStore } from '../../src/connections/connection-store.js';
import { generateKey, SecretBox } from '../../src/crypto/secret-box.js';
import { ErrorCode } from '../../src/errors.js';
import { PoolRegistry } from '../../src/providers/http/http-client.js';
import { SecretRegistry } from '../../src/secrets.js';
import { LocalAtomicKv } from '../../src/store/atomic-kv.js';
import { createStore, type Store } from '../../src/store/create-store.js';
import { captureLogger } from '../helpers/capture-logger.js';

const K1 = generateKey();
const K2 = generateKey();
const TEAM_A = 'T0TEAMA01';
const TEAM_B = 'T0TEAMB01';
const SK = 'stored-unit-secret-key-000000000001';
const ALLOW = ['http://127.0.0.1:9']; // endpoints in these tests are never called

function conn(name: string, overrides: Partial<Connection> = {}): Connection {
  return {
    name,
    team: TEAM_A,
    provider: 'huawei-oms',
    endpoint: 'https://oms.cn-north-4.myhuaweicloud.com',
    projectId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    auth: { type: 'aksk', accessKey: 'HWUNITACCESSKEY00001', secretKey: SK },
    storage: {
      source: { name: 'aws-src', accessKey: 'AKIAUNIT000000000001', secretKey: 'unit-src-secret-000001' },
    },
    ...overrides,
  };
}

let store: Store;
const logs = captureLogger('debug');
const secrets = new SecretRegistry();
const pools = new PoolRegistry();

beforeEach(async () => {
  store = await createStore('memory://', logs.logger);
});
afterEach(async () => {
  await store.close();
});

function stores(keys: string) {
  const box = SecretBox.fromKeyRing(keys);
  return new ConnectionStore(new LocalAtomicKv(store, 'state:'), box, secrets, {
    allowedEndpoints: ALLOW,
    clock: systemClock,
  });
}

describe('ConnectionStore', () => {
  it('stores per workspace, encrypted, and reads back the same connection', async () => {
    const cs = stores(`k1:${K1}`);
    const info = await cs.add(TEAM_A, conn('hw-a'), 'U0ALICE01');
    expect(info).toMatchObject({ name: 'hw-a', authType: 'aksk', storageNames: { source: 'aws-src' } });
    const raw = String(await store.get('state:connections:T0TEAMA01'));
    expect(raw).not.toContain(SK);
    expect(raw).not.toContain('unit-src-secret-000001');
    expect(raw).not.toContain('HWUNITACCESSKEY00001');
    const [loaded] = await cs.load(TEAM_A);
    expect(loaded?.connection).toEqual({ ...conn('hw-a'), region: undefined, serviceId: undefined });
    expect(await cs.load(TEAM_B)).toEqual([]);
    expect(secrets.scrub(`oops ${SK}`)).not.toContain(SK);
  });

  it('keeps names unique per workspace, not across workspaces', async () => {
    const cs = stores(`k1:${K1}`);
    await cs.add(TEAM_A, conn('hw-a'), 'U0ALICE01');
    await expect(cs.add(TEAM_A, conn('hw-a'), 'U0ALICE01')).rejects.toThrow(
      /already has a connection named hw-a/,
    );
    await cs.add(TEAM_B, conn('hw-a', { team: TEAM_B }), 'U0BOB0001');
    expect(await cs.remove(TEAM_B, 'hw-a')).toBe(true);
    expect(await cs.remove(TEAM_B, 'hw-a')).toBe(false);
    expect((await cs.load(TEAM_A)).map((c) => c.info.name)).toEqual(['hw-a']);
  });

  it('a record copied into another workspace does not decrypt there', async () => {
    const cs = stores(`k1:${K1}`);
    await cs.add(TEAM_A, conn('hw-a'), 'U0ALICE01');
    await store.set('state:connections:T0TEAMB01', await store.get('state:connections:T0TEAMA01'));
    const [copied] = await cs.load(TEAM_B);
    expect(copied?.connection).toBeUndefined();
    expect(copied?.error).toMatch(/failed authentication/);
  });

  it('rotation: old records still load, the next write re-encrypts them with the new key', async () => {
    await stores(`k1:${K1}`).add(TEAM_A, conn('hw-old'), 'U0ALICE01');
    const rotated = stores(`k2:${K2},k1:${K1}`);
    expect((await rotated.load(TEAM_A))[0]?.connection?.auth).toMatchObject({ secretKey: SK });
    const keyIds = async () =>
      (
        (
          JSON.parse((await store.get<string>('state:connections:T0TEAMA01')) ?? '{}') as {
            connections?: { sealed: string }[];
          }
        ).connections ?? []
      ).map((c) => c.sealed.split('.')[1]);
    expect(await keyIds()).toEqual(['k1']);
    await rotated.add(TEAM_A, conn('hw-new'), 'U0ALICE01');
    expect(await keyIds()).toEqual(['k2', 'k2']);
    const onlyNew = stores(`k2:${K2}`);
    expect((await onlyNew.load(TEAM_A)).every((c) => c.connection !== undefined)).toBe(true);
  });

  it('reports records it cannot use: no key, unknown key id, endpoint no longer allowed, tampered', async () => {
    await stores(`k1:${K1}`).add(TEAM_A, conn('hw-a'), 'U0ALICE01');
    await stores(`k1:${K1}`).add(TEAM_A, conn('hw-local', { endpoint: 'http://127.0.0.1:9' }), 'U0ALICE01');
    const noKey = new ConnectionStore(new LocalAtomicKv(store, 'state:'), undefined, secrets, {
      allowedEndpoints: ALLOW,
      clock: systemClock,
    });
    expect((await noKey.load(TEAM_A))[0]?.error).toMatch(/MIGRATE_BOT_ENCRYPTION_KEYS is not set/);
    expect(noKey.enabled).toBe(false);
    await expect(noKey.add(TEAM_A, conn('x1'), 'U0ALICE01')).rejects.toThrow(/no encryption key/);
    expect((await stores(`k2:${K2}`).load(TEAM_A))[0]?.error).toMatch(/key "k1"/);
    const strict = new ConnectionStore(
      new LocalAtomicKv(store, 'state:'),
      SecretBox.fromKeyRing(`k1:${K1}`),
      secrets,
      {
        allowedEndpoints: [],
        clock: systemClock,
      },
    );
    const loaded = await strict.load(TEAM_A);
    expect(loaded[0]?.connection).toBeDefined();
    expect(loaded[1]?.error).toMatch(/no longer allowed/);
    const record = JSON.parse((await store.get<string>('state:connections:T0TEAMA01')) ?? '{}') as {
      connections: { sealed: string }[];
    };
    record.connections[0]!.sealed = record.connections[0]!.sealed.replace(/\.(.)/, '.X');
    await store.set('state:connections:T0TEAMA01', JSON.stringify(record));
    expect((await stores(`k1:${K1}`).load(TEAM_A))[0]?.error).toBeDefined();
  });

  it('refuses a stored value that is not in the expected shape (zod on read)', async () => {
    await store.set(
      'state:connections:T0TEAMA01',
      JSON.stringify({ v: 1, connections: [{ name: 'BAD NAME' }] }),
    );
    await expect(stores(`k1:${K1}`).load(TEAM_A)).rejects.toMatchObject({ code: ErrorCode.Internal });
  });
});

describe('ConnectionRegistry with stored connections', () => {
  const fileConn: Connection = { ...conn('hw-file'), team: undefined };

  it('serves file + stored connections of the team, synchronously after sync()', async () => {
    const cs = stores(`k1:${K1}`);
    const registry = new ConnectionRegistry(
      [fileConn],
      { pools, logger: logs.logger },
      { store: cs, ttlMs: 60_000 },
    );
    await cs.add(TEAM_A, conn('hw-a'), 'U0ALICE01');
    expect(registry.forTeam(TEAM_A).map((c) => c.name)).toEqual(['hw-file']);
    await registry.sync(TEAM_A);
    expect(registry.forTeam(TEAM_A).map((c) => c.name)).toEqual(['hw-file', 'hw-a']);
    expect(registry.forTeam(TEAM_B).map((c) => c.name)).toEqual(['hw-file']);
    const a = registry.get(TEAM_A, 'hw-a');
    expect(registry.isStored(a)).toBe(true);
    expect(registry.isStored(registry.get(TEAM_A, 'hw-file'))).toBe(false);
    expect(() => registry.get(TEAM_B, 'hw-a')).toThrow(/No connection named "hw-a"/);
    // The provider (pools, IAM token) is kept across syncs while the record is unchanged.
    const provider = registry.provider(a, 'interactive');
    await registry.sync(TEAM_A, { force: true });
    expect(registry.provider(registry.get(TEAM_A, 'hw-a'), 'interactive')).toBe(provider);
  });

  it('caches for the TTL, re-reads after invalidate(), and shares one read between concurrent syncs', async () => {
    const cs = stores(`k1:${K1}`);
    let reads = 0;
    const counting = {
      ...cs,
      load: (team: string) => {
        reads++;
        return cs.load(team);
      },
    } as unknown as ConnectionStore;
    const registry = new ConnectionRegistry(
      [],
      { pools, logger: logs.logger },
      { store: counting, ttlMs: 60_000 },
    );
    await Promise.all([registry.sync(TEAM_A), registry.sync(TEAM_A), registry.sync(TEAM_A)]);
    expect(reads).toBe(1);
    await cs.add(TEAM_A, conn('hw-a'), 'U0ALICE01');
    await registry.sync(TEAM_A);
    expect(registry.forTeam(TEAM_A)).toEqual([]);
    registry.invalidate(TEAM_A);
    await registry.sync(TEAM_A);
    expect(registry.forTeam(TEAM_A).map((c) => c.name)).toEqual(['hw-a']);
    expect(reads).toBe(2);
  });

  it('a store outage is "store unavailable", never "no connection named"', async () => {
    const failing = {
      load: async () => {
        throw new Error('ECONNREFUSED');
      },
    } as unknown as ConnectionStore;
    const registry = new ConnectionRegistry([], { pools, logger: logs.logger }, { store: failing });
    await registry.sync(TEAM_A);
    expect(() => registry.get(TEAM_A, 'hw-a')).toThrow(expect.objectContaining({ code: ErrorCode.Store }));
  });

  it('with OAuth, refuses file connections that do not name their workspace', () => {
    expect(
      () => new ConnectionRegistry([fileConn], { pools, logger: logs.logger }, { multiWorkspace: true }),
    ).toThrow(/every connection needs a team; hw-file/);
  });
});
