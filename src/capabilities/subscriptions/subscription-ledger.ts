import { type AtomicKv, SKIP } from '../../store/atomic-kv.js';
import type { Clock } from '../../watcher/clock.js';
import {
  CapReachedError,
  type WorkspaceLimits,
  type WorkspaceUse,
} from '../../watcher/records/workspace-limits.js';

/** One subscription as the caps count it: which channel follows which connection. */
export interface LedgerEntry {
  key: string;
  channel: string;
  connection: string;
  /** When its place was taken (ms): a place whose subscription was never written is given back. */
  at?: number;
}

/** A crash between taking a place and writing the subscription leaves the place taken this long at most. */
const ABANDONED_MS = 60_000;

/**
 * A workspace's subscriptions in one record, so both of its caps (subscriptions, channels per
 * connection) are checked and the place taken in one compare-and-set: two subscribes racing for
 * the last place never both get it, on any replica. A workspace has at most a few dozen, so the
 * record stays small. A subscription already counted (a change of mode) passes at the cap.
 */
export class SubscriptionLedger {
  readonly #kv: AtomicKv;
  readonly #limits: () => WorkspaceLimits;
  readonly #clock: Clock;

  constructor(kv: AtomicKv, limits: () => WorkspaceLimits, clock: Clock) {
    this.#kv = kv;
    this.#limits = limits;
    this.#clock = clock;
  }

  /**
   * Takes a place for `entry`, or throws `CapReachedError` (nothing taken). True when it took a
   * new place, which the caller gives back if the subscription is not written after all. `stored`:
   * the workspace's subscriptions as written (a workspace from before the caps starts from them).
   */
  async reserve(teamId: string, entry: LedgerEntry, stored: () => Promise<LedgerEntry[]>): Promise<boolean> {
    const key = ledgerKey(teamId);
    const seed = (await this.#kv.get(key)) === undefined ? await stored() : [];
    let refused: CapReachedError | undefined;
    let added = false;
    const at = this.#clock.now();
    const attempt = (abandoned: ReadonlySet<string>) =>
      this.#kv.update(key, (current) => {
        refused = undefined;
        added = false;
        const all = current === undefined ? seed : parse(current);
        const entries = all.filter((e) => !abandoned.has(e.key));
        if (entries.some((e) => e.key === entry.key))
          return entries.length === all.length ? SKIP : JSON.stringify(entries);
        refused = this.#refusal(entries, entry);
        if (refused) return entries.length === all.length ? SKIP : JSON.stringify(entries);
        added = true;
        return JSON.stringify([...entries, { ...entry, at }]);
      });
    await attempt(new Set());
    if (refused) {
      const abandoned = await this.#abandoned(teamId, stored);
      if (abandoned.size > 0) await attempt(abandoned);
    }
    if (refused) throw refused;
    return added;
  }

  /** The subscription is gone (or was never written): its place is free. */
  async release(teamId: string, subscriptionKey: string): Promise<void> {
    await this.#kv.update(ledgerKey(teamId), (current) => {
      if (current === undefined) return SKIP;
      const entries = parse(current);
      const rest = entries.filter((e) => e.key !== subscriptionKey);
      return rest.length === entries.length ? SKIP : JSON.stringify(rest);
    });
  }

  /** The workspace uninstalled the app: its record goes. */
  async forget(teamId: string): Promise<void> {
    await this.#kv.update(ledgerKey(teamId), (current) => (current === undefined ? SKIP : undefined));
  }

  /** The workspace's subscriptions and each connection's channels against their caps. */
  async use(teamId: string, stored: () => Promise<LedgerEntry[]>): Promise<Omit<WorkspaceUse, 'watches'>> {
    const raw = await this.#kv.get(ledgerKey(teamId));
    const entries = raw === undefined ? await stored() : parse(raw);
    const limits = this.#limits();
    const channels = new Map<string, Set<string>>();
    for (const e of entries)
      channels.set(e.connection, (channels.get(e.connection) ?? new Set()).add(e.channel));
    return {
      subscriptions: { used: entries.length, max: limits.subscriptions },
      channels: [...channels]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([connection, set]) => ({ connection, used: set.size, max: limits.channelsPerConnection })),
    };
  }

  #refusal(entries: readonly LedgerEntry[], entry: LedgerEntry): CapReachedError | undefined {
    const limits = this.#limits();
    if (entries.length >= limits.subscriptions)
      return new CapReachedError('subscriptions', { used: entries.length, max: limits.subscriptions });
    const channels = new Set(entries.filter((e) => e.connection === entry.connection).map((e) => e.channel));
    if (!channels.has(entry.channel) && channels.size >= limits.channelsPerConnection)
      return new CapReachedError(
        'channels',
        { used: channels.size, max: limits.channelsPerConnection },
        entry.connection,
      );
    return undefined;
  }

  /** Places taken over a minute ago whose subscription is not stored: a crash came in between. */
  async #abandoned(teamId: string, stored: () => Promise<LedgerEntry[]>): Promise<Set<string>> {
    const raw = await this.#kv.get(ledgerKey(teamId));
    if (raw === undefined) return new Set();
    const written = new Set((await stored()).map((e) => e.key));
    const before = this.#clock.now() - ABANDONED_MS;
    return new Set(
      parse(raw)
        .filter((e) => !written.has(e.key) && (e.at ?? 0) < before)
        .map((e) => e.key),
    );
  }
}

const ledgerKey = (teamId: string) => `sub-ledger:${encodeURIComponent(teamId)}`;

function parse(raw: string): LedgerEntry[] {
  return JSON.parse(raw) as LedgerEntry[];
}
