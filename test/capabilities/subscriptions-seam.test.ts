import { describe, expect, it } from 'vitest';
import { subscriptions } from '../../src/capabilities/subscriptions/index.js';
import { SubscriptionStore, subscriptionKey } from '../../src/capabilities/subscriptions/subscriptions.js';
import { LocalAtomicKv } from '../../src/store/atomic-kv.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { subcommandsOf } from '../harness/started-capabilities.js';
import { importersOf, sources } from './folder-importers.js';

/**
 * Subscriptions (a channel following a whole connection or task group) are one capability folder:
 * outside `src/capabilities/subscriptions/` only the registry names it. The cycle hands it every
 * item of a followed connection's list pages through `Watcher.listing`, and what it counts against
 * a workspace's caps through `Watcher.counting`. The list may only get shorter.
 */
const FOLDER = 'capabilities/subscriptions/';
const IMPORTS_IT = /from\s+'[./]*(?:capabilities\/)?subscriptions\/[^']+'/;

const STILL_READ_BY: Record<string, string> = {
  'capabilities/registry.ts': 'the one list of capabilities',
};

describe('the subscriptions capability is one folder', () => {
  const importers = importersOf(FOLDER, IMPORTS_IT);

  it('is named outside its folder only by the registry', () => {
    expect(importers.filter((f) => !(f in STILL_READ_BY))).toEqual([]);
  });

  it('lists no file that stopped reading it', () => {
    expect(Object.keys(STILL_READ_BY).filter((f) => !importers.includes(f))).toEqual([]);
  });

  it('left nothing at the old places', () => {
    const old = sources().filter(
      (f) =>
        f.startsWith('watcher/subscriptions/') ||
        f === 'slack/blocks/subscriptions.ts' ||
        f === 'slack/listeners/commands/subcommands/subscribe.ts' ||
        f === 'use-cases/subscribe-channel.ts',
    );
    expect(old).toEqual([]);
  });

  it('brings its three subcommands', () => {
    expect(subcommandsOf(subscriptions).map((s) => s.name)).toEqual([
      'subscribe',
      'unsubscribe',
      'subscriptions',
    ]);
  });
});

describe('its stored keys are the ones written before', () => {
  it('reads a subscription stored under the old key and set, and writes the same', async () => {
    const kv = new LocalAtomicKv(new MemoryStore(), 'w:');
    const old = {
      teamId: 'T0OLD0001',
      channelId: 'C0OLD0001',
      connection: 'hw-prod',
      mode: 'endings',
      by: 'U0OLD0001',
      createdAt: 1_700_000_000_000,
    };
    // As 0.2.0 and every release since wrote it: `sub:<team>:<channel>:<connection>:*` in `subscriptions`.
    await kv.update('sub:T0OLD0001:C0OLD0001:hw-prod:*', () => JSON.stringify(old));
    await kv.setAdd('subscriptions', 'sub:T0OLD0001:C0OLD0001:hw-prod:*');
    const store = new SubscriptionStore(kv);
    expect(await store.list('T0OLD0001')).toEqual([old]);
    expect(subscriptionKey({ ...old, groupId: 'g/1' })).toBe('sub:T0OLD0001:C0OLD0001:hw-prod:g%2F1');
    expect(await store.remove(old)).toEqual(old);
    expect(await kv.setMembers('subscriptions')).toEqual([]);
  });
});
