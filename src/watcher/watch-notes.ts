import type { Claim } from '../resources/claims.js';
import { SKIP } from '../store/atomic-kv.js';
import type { WatchSchedule } from './watch-schedule.js';
import type { RequestedAction, WatchRecord, WatchStore, WatchTarget } from './watch-store.js';

/** A resource as people name it across channels: every watch of it in a workspace carries a note. */
export type NotedResource = Pick<WatchTarget, 'connection' | 'kind' | 'id'>;

/**
 * Notes that travel with every watch of one resource in a workspace (who asked for an action, who
 * is on a failure): each watch's card is marked for its next edit and checked again soon, so every
 * channel shows the same thing.
 */
export class WatchNotes {
  readonly #store: WatchStore;
  readonly #schedule: WatchSchedule;

  constructor(store: WatchStore, schedule: WatchSchedule) {
    this.#store = store;
    this.#schedule = schedule;
  }

  /** Who asked for `requested` (stamped by the caller on the watcher's clock); events say so. */
  async request(teamId: string, target: NotedResource, requested: RequestedAction): Promise<void> {
    // The card says "Pausing… requested by @Bob" at once, not only in the thread later.
    await this.#note(teamId, target, (current) => ({
      ...current,
      requested,
      card: { ...current.card, dirty: !current.ended },
    }));
  }

  /** A failure taken on or handed back (`claim` undefined); returns the watches of the resource. */
  async claim(teamId: string, target: NotedResource, claim: Claim | undefined): Promise<WatchRecord[]> {
    return this.#note(teamId, target, (current) => {
      const { claim: _was, ...rest } = current;
      return { ...rest, ...(claim ? { claim } : {}), card: { ...current.card, dirty: !current.ended } };
    });
  }

  async #note(
    teamId: string,
    target: NotedResource,
    change: (current: WatchRecord) => WatchRecord,
  ): Promise<WatchRecord[]> {
    const watched = (await this.#store.loadAll()).filter(
      ({ record: r }) =>
        r.watch.teamId === teamId &&
        r.watch.connection === target.connection &&
        r.watch.kind === target.kind &&
        r.watch.id === target.id,
    );
    for (const { key } of watched)
      await this.#store.update<WatchRecord>(key, (current) => (current ? change(current) : SKIP));
    if (watched.length > 0) this.#schedule.recheckSoon(watched.map((w) => w.key));
    return watched.map((w) => w.record);
  }
}
