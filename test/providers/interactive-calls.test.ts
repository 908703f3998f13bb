import { describe, expect, it } from 'vitest';
import type { MigrationResource, ResourceKind } from '../../src/domain/migration-resource.js';
import { ErrorCode, ProviderError } from '../../src/errors.js';
import {
  INTERACTIVE_CALLS_PER_CONNECTION,
  limitInteractiveCalls,
  newInteractiveScope,
  runInteractive,
  waitingOn,
} from '../../src/providers/interactive-calls.js';
import type {
  ListQuery,
  MigrationProvider,
  ResourceAction,
  ResourcePage,
} from '../../src/providers/types.js';

/** A provider whose calls wait until the test opens the gate; it counts the calls in flight. */
class GatedProvider implements MigrationProvider {
  readonly id = 'huawei-oms' as const;
  readonly connection = 'hw-slow';
  readonly kinds = ['task'] as const;
  inFlight = 0;
  #open!: () => void;
  #gate = new Promise<void>((resolve) => (this.#open = resolve));
  readonly #actions: ResourceAction[] = ['pause'];

  open(): void {
    this.#open();
  }

  async list(_query: ListQuery): Promise<ResourcePage> {
    return { resources: [] };
  }

  async get(_kind: ResourceKind, id: string): Promise<MigrationResource> {
    this.inFlight++;
    await this.#gate;
    this.inFlight--;
    return { id } as MigrationResource;
  }

  actionsFor(_resource: MigrationResource): ResourceAction[] {
    return this.#actions;
  }

  async checkConnection(): Promise<void> {}
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('limitInteractiveCalls', () => {
  it('leaves calls outside an interactive request (the watcher) unlimited', async () => {
    const inner = new GatedProvider();
    const provider = limitInteractiveCalls(inner);
    const calls = Array.from({ length: 10 }, (_, i) => provider.get('task', String(i)));
    await settle();
    expect(inner.inFlight).toBe(10);
    inner.open();
    expect(await Promise.all(calls)).toHaveLength(10);
  });

  it('lets an interactive request have a few calls in flight per connection, queues the rest in order, and names the connection', async () => {
    const inner = new GatedProvider();
    const provider = limitInteractiveCalls(inner);
    let queued = 0;
    const scope = newInteractiveScope(() => queued++, new AbortController().signal);
    const calls = runInteractive(scope, () =>
      Promise.all(Array.from({ length: 10 }, (_, i) => provider.get('task', String(i)))),
    );
    await settle();
    expect(inner.inFlight).toBe(INTERACTIVE_CALLS_PER_CONNECTION);
    expect(queued).toBe(10 - INTERACTIVE_CALLS_PER_CONNECTION);
    expect(waitingOn(scope)).toEqual(['hw-slow']);
    inner.open();
    expect((await calls).map((r) => r.id)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(waitingOn(scope)).toEqual([]);
  });

  it('takes queued calls out of the queue when their request gives up; the ones in flight carry on', async () => {
    const inner = new GatedProvider();
    const provider = limitInteractiveCalls(inner);
    const giveUp = new AbortController();
    const scope = newInteractiveScope(() => {}, giveUp.signal);
    const calls = runInteractive(scope, async () =>
      Array.from({ length: 6 }, (_, i) => provider.get('task', String(i))),
    );
    const settled = Promise.allSettled(await calls);
    await settle();
    giveUp.abort();
    inner.open();
    const results = await settled;
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(INTERACTIVE_CALLS_PER_CONNECTION);
    const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    expect(refused).toHaveLength(6 - INTERACTIVE_CALLS_PER_CONNECTION);
    for (const error of refused) {
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).code).toBe(ErrorCode.ProviderUnavailable);
    }
  });

  it('is still the same provider: its class, its fields, its local methods', () => {
    const inner = new GatedProvider();
    const provider = limitInteractiveCalls(inner);
    expect(provider).toBeInstanceOf(GatedProvider);
    expect(provider.connection).toBe('hw-slow');
    expect(provider.actionsFor({} as MigrationResource)).toEqual(['pause']);
  });
});
