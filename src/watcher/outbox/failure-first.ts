import { SKIP } from '../../store/atomic-kv.js';
import type { Clock } from '../clock.js';
import type { Loaded } from '../cycle-report.js';
import { forEachLimited, groupBy } from '../observe.js';
import {
  type ChannelRecord,
  channelKey,
  emptyMailbox,
  enqueue,
  type WatchRecord,
  type WatchStore,
} from '../records/watch-store.js';
import {
  chunks,
  failureItem,
  LIST_FROM,
  listingEntry,
  listingKey,
  markListed,
  settleListed,
  urgentEntry,
} from './failure-listing.js';
import type { FailureItem } from './notification.js';
import type { Outbox } from './outbox.js';

/** Channels announced at once. */
const CHANNELS_AT_ONCE = 4;
/** Times a cycle waits for a posting slot, at most, while failures are still due. */
const WINDOWS_WAITED = 3;

/**
 * The cycle's first delivery pass: in each channel, the failures not yet announced go
 * out before anything else, one listing post when several are due at once (see
 * `failure-listing.ts` for how it stays exactly once), the failure reply itself when one is.
 */
export class FailureFirst {
  readonly #store: WatchStore;
  readonly #outbox: Outbox;
  readonly #clock: Clock;

  constructor(deps: { store: WatchStore; outbox: Outbox; clock: Clock }) {
    this.#store = deps.store;
    this.#outbox = deps.outbox;
    this.#clock = deps.clock;
  }

  /**
   * Announces the failures due among these watches (their records as this cycle wrote them).
   * Returns how many failures still wait (the workspace's posting budget was spent, or Slack failed).
   */
  async announce(failing: readonly Loaded[], waitUntil: number): Promise<number> {
    if (failing.length === 0) return 0;
    const byChannel = groupBy(failing, (w) => channelKey(w.record.watch.teamId, w.record.watch.channelId));
    let left = 0;
    await forEachLimited([...byChannel], CHANNELS_AT_ONCE, async ([key, group]) => {
      left += await this.#channel(key, group, waitUntil);
    });
    return left;
  }

  /**
   * `announce` over every connection polled, again after each posting window while failures still
   * wait for one and the cycle may (bounded; not for a backoff or an outage, which a later cycle
   * retries); once none waits, other posts may use the budget again.
   */
  async announceAll(polled: readonly { failing: Loaded[] }[], waitUntil: number): Promise<number> {
    const failing = polled.flatMap((p) => p.failing);
    let left = 0;
    for (let attempt = 0; attempt < WINDOWS_WAITED; attempt++) {
      left = await this.announce(failing, waitUntil);
      const retryAt = left === 0 ? undefined : this.#outbox.failuresRetryAt();
      if (retryAt === undefined) break;
      const now = this.#clock.now();
      const waitMs = Math.max(0, retryAt - now) + 5;
      if (now + waitMs > waitUntil) break;
      await this.#clock.sleep(waitMs);
    }
    if (left === 0) this.#outbox.failuresOut();
    return left;
  }

  async #channel(chKey: string, group: Loaded[], waitUntil: number): Promise<number> {
    const { teamId, channelId } = group[0]!.record.watch;
    const read = await Promise.all(
      group.map(async (w) => ({ key: w.key, record: await this.#store.read<WatchRecord>(w.key) })),
    );
    const records = read.filter((w): w is Loaded => w.record !== undefined && !w.record.broken);
    const listings = await this.#orphans(chKey, records);
    const urgent = records.filter((w) => urgentEntry(w.record));
    if (urgent.length >= LIST_FROM) {
      const sorted = urgent.sort((a, b) =>
        urgentEntry(a.record)!.key < urgentEntry(b.record)!.key ? -1 : 1,
      );
      for (const chunk of chunks(sorted)) {
        const key = listingKey(
          teamId,
          channelId,
          chunk.map((w) => urgentEntry(w.record)!.key),
        );
        const items = await this.#mark(chunk, key);
        if (items.length > 0) listings.set(key, items);
      }
    }
    const now = this.#clock.now();
    if (listings.size > 0)
      await this.#store.update<ChannelRecord>(chKey, (current) => {
        const base = current ?? { ...emptyMailbox(), teamId, channelId, digest: {} };
        const entries = [...listings].map(([key, items]) => listingEntry(teamId, channelId, key, items, now));
        const next = enqueue(base, entries);
        return next === current ? SKIP : next;
      });
    let left = 0;
    const channel = await this.#store.read<ChannelRecord>(chKey);
    if (channel?.outbox.some((e) => e.event === 'failures')) {
      await this.#outbox.drain(chKey, { waitUntil, urgent: true });
      left += await this.#settle(chKey, records);
    }
    if (urgent.length < LIST_FROM)
      for (const w of urgent) {
        await this.#outbox.drain(w.key, { waitUntil, urgent: true });
        const after = await this.#store.read<WatchRecord>(w.key);
        if (after && urgentEntry(after)) left++;
      }
    return left;
  }

  /**
   * Listings the failures' marks name but the channel record neither holds nor sent: a sender died
   * between marking and enqueueing. Rebuilt from the marked entries, under the same key.
   */
  async #orphans(chKey: string, records: readonly Loaded[]): Promise<Map<string, FailureItem[]>> {
    const out = new Map<string, FailureItem[]>();
    const marked = records.flatMap((w) => w.record.outbox.filter((e) => e.listedIn !== undefined));
    if (marked.length === 0) return out;
    const channel = await this.#store.read<ChannelRecord>(chKey);
    const known = new Set([...(channel?.outbox.map((e) => e.key) ?? []), ...(channel?.sent ?? [])]);
    for (const e of marked) {
      const item = failureItem(e);
      if (known.has(e.listedIn!) || !item) continue;
      out.set(e.listedIn!, [...(out.get(e.listedIn!) ?? []), item]);
    }
    return out;
  }

  /** Marks each watch's failure for listing `key` (compare-and-set); the items of those it marked. */
  async #mark(chunk: readonly Loaded[], key: string): Promise<FailureItem[]> {
    const items: FailureItem[] = [];
    for (const w of chunk) {
      const entryKey = urgentEntry(w.record)!.key;
      const stored = await this.#store.update<WatchRecord>(w.key, (current) =>
        current ? (markListed(current, entryKey, key) ?? SKIP) : SKIP,
      );
      const entry = stored?.outbox.find((e) => e.key === entryKey && e.listedIn === key);
      const item = entry && failureItem(entry);
      if (item) items.push(item);
    }
    return items;
  }

  /** Listings Slack has: their failures' marks become `listed`. Returns the failures still waiting. */
  async #settle(chKey: string, records: readonly Loaded[]): Promise<number> {
    const channel = await this.#store.read<ChannelRecord>(chKey);
    const sent = new Set(channel?.sent ?? []);
    const waiting = (channel?.outbox ?? []).filter((e) => e.event === 'failures');
    for (const w of records)
      await this.#store.update<WatchRecord>(w.key, (current) => {
        if (!current) return SKIP;
        let next = current;
        for (const e of current.outbox)
          if (e.listedIn !== undefined && sent.has(e.listedIn))
            next = settleListed(next, e.listedIn, channel) ?? next;
        return next === current ? SKIP : next;
      });
    return waiting.reduce((n, e) => n + (e.note?.kind === 'failures' ? e.note.items.length : 1), 0);
  }
}
