import type { CardResource } from '../../contract/card.js';
import type { WatchStore } from '../../watcher/records/watch-store.js';
import { watchesOf } from '../../watcher/watch-notes.js';
import { type RetryFact, retryFactOf } from './retry-fact.js';

/**
 * Where a failed resource's automatic retries stand, for a card nobody watches in that channel
 * (`/migrate status`, a list's rows): the fact of one of its watches, by `connection:id`, so that
 * card, too, says a retry is due instead of offering the manual next step.
 */
export async function retryFactsOf(
  store: WatchStore,
  team: string,
  resources: readonly CardResource[],
): Promise<Map<string, RetryFact>> {
  const found = new Map<string, RetryFact>();
  // Only the failed ones: a series is about a failure, and reading every row's watches costs.
  for (const r of resources.filter((one) => one.state === 'failed').slice(0, 50)) {
    const watches = await watchesOf(store, {
      teamId: team,
      connection: r.connection,
      kind: r.kind,
      id: r.id,
    });
    const facts = watches.map((w) => retryFactOf(w.record)).filter((f) => f !== undefined);
    const fact = facts.find((f) => f.status === 'waiting') ?? facts[0];
    if (fact) found.set(`${r.connection}:${r.id}`, fact);
  }
  return found;
}
