import { StoreUnavailableError } from '../errors.js';
import type { Store } from './create-store.js';
import type { MemberSets } from './member-sets.js';

export type StoreGuard = <T>(operation: string, fn: () => Promise<T>) => Promise<T>;

/** Every failure of the backing store becomes a `StoreUnavailableError`, never a silent "not found". */
export function storeGuard(kind: Store['kind']): StoreGuard {
  return async (operation, fn) => {
    try {
      return await fn();
    } catch (cause) {
      throw new StoreUnavailableError(`The ${kind} store failed during ${operation}; try again shortly.`, {
        cause,
      });
    }
  };
}

/** The sets with the store's own failure rule. */
export function guardedSets(sets: MemberSets, guard: StoreGuard): MemberSets {
  return {
    add: (set, member) => guard('set add', () => sets.add(set, member)),
    addAll: (set, members) => guard('set add', () => sets.addAll(set, members)),
    remove: (set, member) => guard('set remove', () => sets.remove(set, member)),
    members: (set) => guard('set read', () => sets.members(set)),
  };
}
