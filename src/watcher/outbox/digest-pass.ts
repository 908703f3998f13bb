import { SKIP } from '../../store/atomic-kv.js';
import type { Clock } from '../clock.js';
import { groupBy } from '../observe.js';
import {
  type ChannelRecord,
  channelKey,
  emptyMailbox,
  enqueue,
  type WatchStore,
} from '../records/watch-store.js';
import { digestNote } from './notification.js';
import type { Outbox } from './outbox.js';

/** The daily digest: after a cycle, once a day per channel, what its watches did since the last one. */
export class DigestPass {
  readonly #store: WatchStore;
  readonly #outbox: Outbox;
  readonly #clock: Clock;
  readonly #hourUtc: () => number | undefined;
  /** Channels whose digest of `day` is out, so later cycles of the day skip the digest pass. */
  #digested: { day: string; channels: Set<string> } = { day: '', channels: new Set() };

  constructor(deps: {
    store: WatchStore;
    outbox: Outbox;
    clock: Clock;
    hourUtc: () => number | undefined;
  }) {
    this.#store = deps.store;
    this.#outbox = deps.outbox;
    this.#clock = deps.clock;
    this.#hourUtc = deps.hourUtc;
  }

  /**
   * Once a day at `digestHourUtc`, one message per channel; the day is claimed by compare-and-set.
   * `channels`: the channels of the watches this cycle read that are not broken.
   */
  async run(channels: ReadonlySet<string>): Promise<void> {
    const hour = this.#hourUtc();
    if (hour === undefined || channels.size === 0) return;
    const at = this.#clock.now();
    const now = new Date(at);
    if (now.getUTCHours() < hour) return;
    const day = now.toISOString().slice(0, 10);
    if (this.#digested.day !== day) this.#digested = { day, channels: new Set() };
    const done = this.#digested.channels;
    if ([...channels].every((c) => done.has(c))) return;
    // Read again: the digest shows the states this cycle just observed.
    const fresh = (await this.#store.loadAll()).filter((w) => !w.record.broken);
    const byChannel = groupBy(fresh, (w) => channelKey(w.record.watch.teamId, w.record.watch.channelId));
    for (const [key, watches] of byChannel) {
      const { teamId, channelId } = watches[0]!.record.watch;
      const stored = await this.#store.update<ChannelRecord>(key, (current) => {
        if (current?.digestDay === day) return SKIP;
        const base: ChannelRecord = current ?? { ...emptyMailbox(), teamId, channelId, digest: {} };
        const note = digestNote(day, watches, base.digest);
        const digest = Object.fromEntries(
          watches.map((w) => [w.key, { state: w.record.state, progress: w.record.snapshot.progress }]),
        );
        return enqueue({ ...base, digestDay: day, digest }, [
          {
            key: `${teamId}:${channelId}:digest:${day}`,
            type: 'notice',
            event: 'digest',
            teamId,
            channel: channelId,
            note,
            createdAt: at,
            attempts: 0,
          },
        ]);
      });
      if (stored && stored.outbox.length > 0) await this.#outbox.drain(key);
      const after = await this.#store.read<ChannelRecord>(key);
      if (after?.digestDay === day && after.outbox.length === 0) done.add(key);
    }
  }
}
