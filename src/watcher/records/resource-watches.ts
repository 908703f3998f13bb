import type { AtomicKv } from '../../store/atomic-kv.js';
import { resourceSetFor, resourceSetOf } from './watch-keys.js';
import type { WatchTarget } from './watch-store.js';

/** Watches added to their sets at once while a workspace's sets are built (bounded in flight). */
const SEED_BATCH = 256;

/**
 * Each resource's watches in a workspace (one per channel watching it), as a set of watch keys
 * beside the watch index, kept by `WatchStore.create` and `remove`. A click on a resource's post
 * reads this set and those few records: at 50,000 watches it used to read the whole index.
 */
export class ResourceWatches {
  readonly #kv: AtomicKv;
  readonly #indexKey: string;
  /** Per workspace, this process's one check that its sets were built from the index. */
  readonly #seeding = new Map<string, Promise<void>>();

  constructor(kv: AtomicKv, indexKey: string) {
    this.#kv = kv;
    this.#indexKey = indexKey;
  }

  add(key: string): Promise<void> {
    return this.#kv.setAdd(resourceSetOf(key), key);
  }

  remove(key: string): Promise<void> {
    return this.#kv.setRemove(resourceSetOf(key), key);
  }

  /** The keys of this resource's watches in the workspace, sorted (a key may lack its record). */
  async keysOf(teamId: string, target: Omit<WatchTarget, 'teamId' | 'channelId'>): Promise<string[]> {
    await this.#seed(encodeURIComponent(teamId));
    return (await this.#kv.setMembers(resourceSetFor({ teamId, ...target }))).sort();
  }

  /**
   * Watches made before these sets existed are found: the first time a workspace is asked, its
   * keys in the index are added to their sets (idempotent, so replicas doing it at once is
   * harmless), then a marker says it was done.
   */
  #seed(team: string): Promise<void> {
    let seeding = this.#seeding.get(team);
    if (!seeding) {
      seeding = (async () => {
        const marker = `resource-watches-seeded:${team}`;
        if ((await this.#kv.get(marker)) !== undefined) return;
        const prefix = `w:${team}:`;
        const keys = (await this.#kv.setMembers(this.#indexKey)).filter((key) => key.startsWith(prefix));
        // Many at a time: one after another, 25,000 watches made a workspace's first click take 2 s.
        for (let i = 0; i < keys.length; i += SEED_BATCH)
          await Promise.all(keys.slice(i, i + SEED_BATCH).map((key) => this.add(key)));
        await this.#kv.update(marker, () => '1');
      })();
      this.#seeding.set(team, seeding);
      seeding.catch(() => this.#seeding.delete(team));
    }
    return seeding;
  }
}
