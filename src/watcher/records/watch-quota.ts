import type { AtomicKv } from '../../store/atomic-kv.js';
import type { Clock } from '../clock.js';
import { CapReachedError } from './workspace-limits.js';

/** Tried at most this often per workspace: members left behind by a crash are looked for. */
const RECONCILE_EVERY_MS = 60_000;

/**
 * The watches cap of each workspace, counted in a set of its watch keys beside the watch index:
 * taking a place is one atomic bounded add (a Lua script on Redis, a lock here otherwise), so two
 * adds racing for the last place never both get it, and a key already counted (a watch added
 * again, a subscription finding a resource it follows) is never counted twice.
 */
export class WatchQuota {
  readonly #kv: AtomicKv;
  readonly #indexKey: string;
  readonly #max: () => number;
  readonly #clock: Clock;
  /** Per workspace, this process's one check that the set was built from the index. */
  readonly #seeding = new Map<string, Promise<void>>();
  readonly #reconciledAt = new Map<string, number>();
  /** Per workspace, the counted keys without a record that the last clean-up saw. */
  readonly #suspects = new Map<string, Set<string>>();

  constructor(kv: AtomicKv, indexKey: string, max: () => number, clock: Clock) {
    this.#kv = kv;
    this.#indexKey = indexKey;
    this.#max = max;
    this.#clock = clock;
  }

  /**
   * Takes a place for this watch key, or throws `CapReachedError` (nothing taken). True when the
   * key took a new place, which the caller gives back if its record is not written after all.
   */
  async admit(key: string): Promise<boolean> {
    const team = teamPart(key);
    await this.#seed(team);
    const max = this.#max();
    let taken = await this.#kv.setAddBounded(setOf(team), key, max);
    if (!taken.in && (await this.#reconcile(team)))
      taken = await this.#kv.setAddBounded(setOf(team), key, max);
    if (!taken.in) throw new CapReachedError('watches', { used: taken.size, max });
    return taken.added;
  }

  /** The watch is gone: its place is free. */
  async release(key: string): Promise<void> {
    await this.#kv.setRemove(setOf(teamPart(key)), key);
  }

  /** How many watches a workspace has, as the cap counts them. */
  async used(teamId: string): Promise<{ used: number; max: number }> {
    const team = encodeURIComponent(teamId);
    await this.#seed(team);
    return { used: await this.#kv.setSize(setOf(team)), max: this.#max() };
  }

  /**
   * Watches made before the cap existed are counted: the first time a workspace is counted, its
   * keys in the index are added (idempotent, so replicas doing it at once is harmless), then a
   * marker says it was done.
   */
  #seed(team: string): Promise<void> {
    let seeding = this.#seeding.get(team);
    if (!seeding) {
      seeding = (async () => {
        if ((await this.#kv.get(seededOf(team))) !== undefined) return;
        for (const key of await this.#indexed(team)) await this.#kv.setAdd(setOf(team), key);
        await this.#kv.update(seededOf(team), () => '1');
      })();
      this.#seeding.set(team, seeding);
      seeding.catch(() => this.#seeding.delete(team));
    }
    return seeding;
  }

  /**
   * At the cap: drops counted keys that have neither a record nor a place in the index (a crash
   * between the count and the write). True when a place was freed. A key is dropped only when two
   * clean-ups at least RECONCILE_EVERY_MS apart both found it so: an add on another replica sits
   * between its count and its record write for one write's time, and dropping its key there let a
   * fourth watch into three places (CI, on a Redis Cluster).
   */
  async #reconcile(team: string): Promise<boolean> {
    const now = this.#clock.now();
    if (now - (this.#reconciledAt.get(team) ?? 0) < RECONCILE_EVERY_MS) return false;
    this.#reconciledAt.set(team, now);
    const indexed = new Set(await this.#indexed(team));
    const unindexed = (await this.#kv.setMembers(setOf(team))).filter((k) => !indexed.has(k));
    const records = unindexed.length ? await this.#kv.getMany(unindexed) : [];
    const stale = unindexed.filter((_, i) => records[i] === undefined);
    const seen = this.#suspects.get(team);
    const confirmed = stale.filter((key) => seen?.has(key));
    this.#suspects.set(team, new Set(stale.filter((key) => !seen?.has(key))));
    for (const key of confirmed) await this.#kv.setRemove(setOf(team), key);
    return confirmed.length > 0;
  }

  async #indexed(team: string): Promise<string[]> {
    const prefix = `w:${team}:`;
    return (await this.#kv.setMembers(this.#indexKey)).filter((k) => k.startsWith(prefix));
  }
}

/** The workspace part of a watch key (`w:<team>:…`), as the key has it (encoded). */
function teamPart(key: string): string {
  return key.slice(2, key.indexOf(':', 2));
}

const setOf = (team: string) => `team-watches:${team}`;
const seededOf = (team: string) => `team-watches-seeded:${team}`;
