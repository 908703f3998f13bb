import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnectionRegistry } from '../../../src/connections/connection-registry.js';
import { RESOURCE_KINDS } from '../../../src/domain/migration-resource.js';
import { PoolRegistry } from '../../../src/providers/http/http-client.js';
import { LocalAtomicKv } from '../../../src/store/atomic-kv.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { groupByConnection } from '../../../src/watcher/connection-groups.js';
import { resourceSetFor, resourceSetOf, watchSlotTag } from '../../../src/watcher/records/watch-keys.js';
import {
  channelKey,
  healthKey,
  WatchStore,
  watchKey,
  watchTargetOf,
} from '../../../src/watcher/records/watch-store.js';
import { captureLogger } from '../../helpers/capture-logger.js';

// The poll cycle groups watches by connection from their keys alone, before reading any record.
describe('watchTargetOf', () => {
  it('gives back the target of every watch key, whatever characters its parts hold', () => {
    fc.assert(
      fc.property(
        fc.record({
          teamId: fc.string(),
          channelId: fc.string(),
          connection: fc.string(),
          kind: fc.constantFrom(...RESOURCE_KINDS),
          id: fc.string(),
        }),
        (target) => {
          expect(watchTargetOf(watchKey(target))).toEqual(target);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('is undefined for keys of another shape', () => {
    for (const key of [
      healthKey('hw'),
      channelKey('T1', 'C1'),
      'w:a:b:c',
      'w:a:b:c:d:e:f',
      'w:%E0:b:c:task:x',
    ])
      expect(watchTargetOf(key)).toBeUndefined();
  });
});

// Issue 50: on a cluster what a poll and a click read together lies in one slot.
describe('watchSlotTag', () => {
  it('gives a watch and its resource’s set the tag of their workspace and connection, whatever their parts hold', () => {
    const enc = encodeURIComponent;
    fc.assert(
      fc.property(
        fc.record({
          teamId: fc.string(),
          channelId: fc.string(),
          connection: fc.string(),
          kind: fc.constantFrom(...RESOURCE_KINDS),
          id: fc.string(),
        }),
        (target) => {
          const key = watchKey(target);
          const tag = `${enc(target.teamId)}:${enc(target.connection)}`;
          expect(watchSlotTag(key)).toBe(tag);
          expect(watchSlotTag(resourceSetOf(key))).toBe(tag);
          expect(watchSlotTag(resourceSetFor(target))).toBe(tag);
          expect(tag).not.toMatch(/[{}]/);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('leaves every other key without a tag', () => {
    for (const key of [healthKey('T1/hw'), channelKey('T1', 'C1'), 'index', 'w:a', 'resource-watches:a'])
      expect(watchSlotTag(key)).toBeUndefined();
  });
});

describe('groupByConnection', () => {
  it('puts every watch key in its own workspace connection’s group, in the keys’ order, whatever its parts hold', async () => {
    const { logger } = captureLogger('fatal');
    const deps = {
      store: new WatchStore(new LocalAtomicKv(new MemoryStore(), 'w:')),
      connections: new ConnectionRegistry([], { pools: new PoolRegistry(), logger }),
      logger,
    };
    const part = fc.oneof(
      fc.constantFrom('T1', 'T2', 'C1', 'hw-prod', 'a:b', '50%'),
      fc.string({ maxLength: 4 }),
    );
    const target = fc.record({
      teamId: part,
      channelId: part,
      connection: part,
      kind: fc.constantFrom(...RESOURCE_KINDS),
      id: part,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(target, { maxLength: 40 }), async (targets) => {
        const keys = [...new Set(targets.map(watchKey))].sort();
        const expected = new Map<string, string[]>();
        for (const key of keys) {
          const t = watchTargetOf(key)!;
          const id = `${t.teamId}/${t.connection}`;
          expected.set(id, [...(expected.get(id) ?? []), key]);
        }
        const groups = await groupByConnection(keys, [], deps);
        expect(new Map([...groups].map(([id, g]) => [id, g.keys]))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
  it('keeps a key of another shape apart from a channel whose shared part it spells', async () => {
    const { logger } = captureLogger('fatal');
    const store = new WatchStore(new LocalAtomicKv(new MemoryStore(), 'w:'));
    const deps = {
      store,
      connections: new ConnectionRegistry([], { pools: new PoolRegistry(), logger }),
      logger,
    };
    const regular = watchKey({ teamId: 'T1', channelId: 'C1', connection: 'hw-prod', kind: 'task', id: '1' });
    // Read by its record, since its shape names no target: it must not take the channel's place.
    const odd = 'w:T1:C1:hw-prod:';
    expect(watchTargetOf(odd)).toBeUndefined();
    // Written under the store (as an older build or another tool might have): a watch the bot makes
    // goes through `create`, which counts it against its workspace's cap.
    await store.backend.update(odd, () =>
      JSON.stringify({ watch: { teamId: 'T2', connection: 'ncp-prod' } }),
    );
    const groups = await groupByConnection([odd, regular].sort(), [], deps);
    expect(new Map([...groups].map(([id, g]) => [id, g.keys]))).toEqual(
      new Map([
        ['T1/hw-prod', [regular]],
        ['T2/ncp-prod', [odd]],
      ]),
    );
  });
});
