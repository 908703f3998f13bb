import { setTimeout as sleep } from 'node:timers/promises';
import { type AtomicKv, SKIP } from '../../store/atomic-kv.js';
import type { ApprovalRecord } from '../shared/approval-record.js';
import type { ApprovalStore } from './approval-store.js';

/**
 * Serializes work on one approval request inside this process: a click and the expiry sweep, or
 * two clicks, never read and change the same record at once. (Across replicas, the decision is
 * claimed with an atomic compare-and-set instead.)
 */
export class RequestLocks {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const run = previous.then(work);
    const tail = run.then(
      () => {},
      () => {},
    );
    this.#tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}

/** True when this decision (`token`) is the first for the request, across every replica sharing `atomic`. */
/** Where the decision of a request is claimed (its first decider's token). */
export function decisionKey(team: string, id: string): string {
  return `approval-decision:${team}:${id}`;
}

export async function claimDecision(
  atomic: AtomicKv,
  record: ApprovalRecord,
  token: string,
): Promise<boolean> {
  const key = decisionKey(record.team, record.id);
  const holder = await atomic.update(key, (current) => (current === undefined ? token : SKIP));
  return holder === token;
}

/** Another replica claimed the decision: wait briefly (2 s at most) for its record, so the click is told who decided. */
export async function decidedElsewhere(
  records: ApprovalStore,
  record: ApprovalRecord,
): Promise<ApprovalRecord> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await records.get(record.team, record.id);
    if (current && current.status !== 'pending') return current;
    await sleep(100);
  }
  return record;
}
