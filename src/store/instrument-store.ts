import { StoreUnavailableError } from '../errors.js';
import type { AtomicKv } from './atomic-kv.js';
import type { Store } from './create-store.js';

/** Told of every store operation once it ends: its name, how long it took, whether the store failed. */
export type StoreObserver = (operation: string, seconds: number, failed: boolean) => void;

const STORE_OPERATIONS = ['get', 'getMany', 'set', 'add', 'delete', 'deleteExpired', 'healthy'] as const;
const ATOMIC_OPERATIONS = [
  'get',
  'getMany',
  'update',
  'setAdd',
  'setRemove',
  'setMembers',
  'setAddBounded',
  'setSize',
  'acquireLease',
  'releaseLease',
  'heartbeat',
  'leave',
  'hit',
  'take',
  'claim',
  'expire',
  'journals',
  'dropJournal',
] as const;

/** The bot's store with every operation timed (`/metrics`: store latency and errors). */
export function instrumentStore(store: Store, observe: StoreObserver): Store {
  return timed(store, STORE_OPERATIONS, observe, '');
}

/** Shared state (AtomicKv) with every operation timed, named `state.<operation>`. */
export function instrumentAtomicKv(kv: AtomicKv, observe: StoreObserver): AtomicKv {
  return timed(kv, ATOMIC_OPERATIONS, observe, 'state.');
}

/**
 * A proxy whose listed methods report each call to `observe`; everything else (fields, `close`,
 * the sets) is the target's own. Methods run on the target itself, so its private fields work.
 * The operation names are this fixed list, so the metric's label set stays bounded.
 */
function timed<T extends object>(
  target: T,
  operations: readonly string[],
  observe: StoreObserver,
  prefix: string,
): T {
  const wrapped = new Map<string, unknown>();
  return new Proxy(target, {
    get(object, property) {
      if (property === 'observe') return observe;
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      if (typeof property !== 'string' || !operations.includes(property)) return value.bind(object);
      let method = wrapped.get(property);
      if (!method) {
        const operation = prefix + property;
        method = async (...args: unknown[]) => {
          const started = performance.now();
          try {
            // The method as the target has it now: one replaced after the first call is the one run.
            const current = Reflect.get(object, property, object) as (...a: unknown[]) => unknown;
            const result: unknown = await current.apply(object, args);
            observe(operation, (performance.now() - started) / 1000, false);
            return result;
          } catch (error) {
            // Only the store's own failures: a refusal thrown by an update's function (a name
            // taken, a cap reached) is the caller's answer, not a store error.
            observe(operation, (performance.now() - started) / 1000, error instanceof StoreUnavailableError);
            throw error;
          }
        };
        wrapped.set(property, method);
      }
      return method;
    },
  });
}
