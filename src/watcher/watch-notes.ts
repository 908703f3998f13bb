import { UNDER_WAY_STATES } from '../domain/migration-resource.js';
import { SKIP } from '../store/atomic-kv.js';
import type { Loaded } from './cycle-report.js';
import { eventEntries } from './outbox/event-entries.js';
import { cardDue, cardOf, isPostOf, showsNow } from './outbox/living-posts.js';
import { enqueue } from './outbox/mailbox.js';
import type { WatchNotification } from './outbox/notification.js';
import { targetOfKey } from './records/record-codec.js';
import { sameJson } from './records/same-json.js';
import { dedupBase } from './records/watch-keys.js';
import {
  type HealthRecord,
  healthKey,
  type OutboxEntry,
  type RequestedAction,
  type WatchRecord,
  type WatchStore,
  type WatchTarget,
} from './records/watch-store.js';
import type { DetectedEvent, Observation } from './transitions.js';
import type { WatchSchedule } from './watch-schedule.js';

/**
 * The watches of one resource in a workspace (one per channel), found by key (`ResourceWatches`):
 * a press reads these few records, never the index of every watch.
 */
export async function watchesOf(
  store: WatchStore,
  resource: Pick<WatchTarget, 'teamId' | 'connection' | 'kind' | 'id'>,
): Promise<Loaded[]> {
  const { teamId, connection, kind, id } = resource;
  const keys = await store.resources.keysOf(teamId, { connection, kind, id });
  // Only this resource's records (a key may lack its record).
  return (await store.loadMany(keys)).filter(
    ({ record: r }) =>
      r.watch.teamId === teamId &&
      r.watch.connection === connection &&
      r.watch.kind === kind &&
      r.watch.id === id,
  );
}

/**
 * What timed work decided of one watch: its fact, and the events it says (`WatchNotes.timed`),
 * each with what the capability adds to its note (drawn by its `renderNote`).
 */
export interface TimedOutcome {
  fact: unknown;
  events: (DetectedEvent & { note?: Readonly<Record<string, unknown>> })[];
}

/** A resource as people name it across channels: every watch of it in a workspace carries a note. */
export type NotedResource = Pick<WatchTarget, 'connection' | 'kind' | 'id'>;

/** Where a button was pressed: a channel message (not an ephemeral reply). */
export interface PressedOn {
  channel: string;
  ts: string;
}

/**
 * True when the button was pressed on one of these watches' messages and the one editor has it
 * showing what its record says now: that edit is the presser's answer, nothing else is sent.
 */
export function redrawnOn(watches: readonly WatchRecord[], at: PressedOn | undefined): boolean {
  return at !== undefined && watches.some((w) => showsNow(w, at));
}

/** True when the button was pressed on one of these watches' messages (its card, a living post). */
export function pressedOnTheirs(watches: readonly WatchRecord[], at: PressedOn | undefined): boolean {
  return at !== undefined && watches.some((w) => isPostOf(w, at));
}

/** The watch among these whose card is in `channel` (what a private answer there draws). */
export function cardIn(
  watches: readonly WatchRecord[],
  channel: string | undefined,
): WatchRecord | undefined {
  return watches.find((w) => w.watch.channelId === channel && cardOf(w) !== undefined);
}

/** How the watcher redraws what shows a noted fact: the one editor, or a poll that ends in it. */
export interface NotesEditor {
  /** Edits this watch's card and posts that no longer show its record (the outbox's editors). */
  edit(key: string): Promise<void>;
  /**
   * Polls these watches now, as a cycle does, then delivers and edits (`PollCycle.recheck`); with
   * `seen`, takes that read of their resource as the observation instead of asking the provider.
   */
  poll(keys: readonly string[], seen?: Observation): Promise<unknown>;
  /** Delivers what this watch's outbox holds now (`Outbox.drain`), then edits its posts. */
  deliver(key: string): Promise<unknown>;
}

/**
 * Facts that travel with every watch of one resource in a workspace (who asked for an action, who
 * is on a failure). Listeners and use cases record them here and never edit a post themselves:
 * the one editor (the outbox's, `settle`) redraws every post and card of the resource from its
 * record at once, within the edit budget, and the resource is checked again soon.
 */
export class WatchNotes {
  readonly #store: WatchStore;
  readonly #schedule: WatchSchedule;
  readonly #editor: NotesEditor;

  constructor(store: WatchStore, schedule: WatchSchedule, editor: NotesEditor) {
    this.#store = store;
    this.#schedule = schedule;
    this.#editor = editor;
  }

  /**
   * Who asked for `requested` (stamped on the watcher's clock); events say so. The watches take `seen`,
   * the caller's read after the action, as their observation (without it the resource is polled at
   * once), so posts are redrawn from what the provider says now ("Pausing… requested by @Bob"). Asked
   * again soon only while the change is under way. Returns the resource's watches once redrawn (`fact`).
   */
  async request(
    teamId: string,
    target: NotedResource,
    requested: RequestedAction,
    seen?: Observation,
  ): Promise<WatchRecord[]> {
    const change = (current: WatchRecord) => cardDue({ ...current, requested }, !current.ended);
    const noted = await this.#note(teamId, target, change, seen ? { seen } : 'poll');
    if (noted.some((n) => underWay(n.record))) this.#settle(noted.map((n) => n.key));
    return noted.map((n) => n.record);
  }

  /**
   * Who asked for an action made by timed work (a window's edge), noted on every watch of the
   * resource without asking the provider or drawing anything now: the next cycle observes what
   * the action did and draws each card once, its event saying who asked.
   */
  async requested(teamId: string, target: NotedResource, requested: RequestedAction): Promise<void> {
    await this.#note(teamId, target, (current) => ({ ...current, requested }), 'none');
  }

  /**
   * A person read the resource just now (Refresh): every watch of it takes that read as its
   * observation, as a poll would, and the card of the watch in `channel` is redrawn whatever it
   * showed, so it says when it was checked. Nothing else asks the provider.
   */
  async refreshed(
    teamId: string,
    target: NotedResource,
    seen: Observation,
    channel?: string,
  ): Promise<WatchRecord[]> {
    const redraw = (current: WatchRecord) =>
      current.watch.channelId === channel ? cardDue(current, !current.ended) : SKIP;
    return (await this.#note(teamId, target, redraw, { seen })).map((n) => n.record);
  }

  /**
   * The watcher's own last read of a resource, for a click to decide a delete or cancel on instead
   * of reading again: the snapshot of a watch that is polled (not broken, not ended) on a connection
   * whose last poll answered (no failures since), so it is at most one poll interval old. Undefined
   * otherwise: the caller reads first.
   */
  async lastSeen(teamId: string, target: NotedResource): Promise<WatchRecord | undefined> {
    const live = (await watchesOf(this.#store, { teamId, ...target }))
      .map((w) => w.record)
      .filter((r) => !r.ended && !r.broken && r.state !== 'gone' && !r.follow);
    if (live.length === 0) return undefined;
    // Polled as the workspace's own connection, or as a file connection every workspace shares.
    const healths = await Promise.all(
      [teamId, '*'].map((team) => this.#store.read<HealthRecord>(healthKey(`${team}/${target.connection}`))),
    );
    return healths.some((h) => h && (h.down || h.failures > 0)) ? undefined : live[0];
  }

  /**
   * A capability's fact of a resource (`value` undefined: it has none now; a function: the fact
   * from the one each record holds, in its compare-and-set), on every watch of it in the workspace,
   * under the capability's name: the one editor redraws their cards and posts with it. Nothing is
   * asked of the provider. Returns the watches as they are once redrawn (`showsNow` tells which
   * post shows it).
   */
  async fact(
    teamId: string,
    target: NotedResource,
    name: string,
    value: unknown | ((was: unknown) => unknown),
  ): Promise<WatchRecord[]> {
    const noted = await this.#note(
      teamId,
      target,
      (current) => {
        const { [name]: was, ...others } = current.facts ?? {};
        const next = typeof value === 'function' ? (value as (was: unknown) => unknown)(was) : value;
        const facts = next === undefined ? others : { ...others, [name]: next };
        const { facts: _all, ...rest } = current;
        return cardDue({ ...rest, ...(Object.keys(facts).length > 0 ? { facts } : {}) }, !current.ended);
      },
      'edit',
    );
    return noted.map((n) => n.record);
  }

  /**
   * A capability's own compare-and-sets on watch records (a sign-off, in every channel that
   * watches the resource): the cards and posts of the records it says it wrote (`keys`) are
   * edited now.
   */
  async written<T extends object>(write: (store: WatchStore) => Promise<T>): Promise<T> {
    const result = await write(this.#store);
    const keys: unknown = 'keys' in result ? result.keys : [];
    if (Array.isArray(keys)) for (const key of keys) await this.#editor.edit(String(key));
    return result;
  }

  /**
   * A capability's fact of every watched resource of a workspace (`factOf` undefined: none), as
   * timed work writes it for many at once: a record whose fact changed gets it and its card is
   * marked; the others are not written. Nothing is drawn now: the cycle that follows draws each
   * card once, with what it observes. Resolves with how many changed.
   */
  async facts(teamId: string, name: string, factOf: (record: WatchRecord) => unknown): Promise<number> {
    const keys = (await this.#store.watchKeys()).filter((key) => {
      const t = targetOfKey(key);
      return !t || t.teamId === teamId;
    });
    let changed = 0;
    for (const { key, record } of await this.#store.loadMany(keys)) {
      if (record.watch.teamId !== teamId || sameJson(record.facts?.[name], factOf(record))) continue;
      await this.#store.update<WatchRecord>(key, (current) => {
        if (!current) return SKIP;
        const value = factOf(current);
        if (sameJson(current.facts?.[name], value)) return SKIP;
        const { [name]: _was, ...others } = current.facts ?? {};
        const facts = value === undefined ? others : { ...others, [name]: value };
        const { facts: _all, ...rest } = current;
        return cardDue({ ...rest, ...(Object.keys(facts).length > 0 ? { facts } : {}) }, !current.ended);
      });
      changed++;
    }
    return changed;
  }

  /**
   * Timed work's fact with its replies (a capability's job, e.g. escalation steps). `decide` is pure,
   * asked again in each record's CAS: undefined changes nothing; else the fact (undefined: none) and the
   * events due, each under its own dedup key. Replies go to the outbox for the next cycle; the card is not
   * marked (the fact is not drawn). `records`: as the job loaded them. Resolves with how many changed.
   */
  async timed(
    name: string,
    records: readonly { key: string; record: WatchRecord }[],
    decide: (record: WatchRecord) => TimedOutcome | undefined,
    now: number,
  ): Promise<number> {
    let changed = 0;
    for (const { key, record } of records) {
      if (!decide(record)) continue;
      let wrote = false;
      await this.#store.update<WatchRecord>(key, (current) => {
        const outcome = current && !current.ended ? decide(current) : undefined;
        wrote = outcome !== undefined;
        if (!current || !outcome) return SKIP;
        const { [name]: _was, ...others } = current.facts ?? {};
        const facts = outcome.fact === undefined ? others : { ...others, [name]: outcome.fact };
        const { facts: _all, ...rest } = current;
        const next = { ...rest, ...(Object.keys(facts).length > 0 ? { facts } : {}) };
        const adds = new Map(outcome.events.map((e) => [e.key, e.note]));
        const entries = eventEntries(next, outcome.events, now, false).map((e) =>
          e.note?.kind === 'event' ? { ...e, note: { ...e.note, ...adds.get(e.key), capability: name } } : e,
        );
        return enqueue(next, entries);
      });
      if (wrote) changed++;
    }
    return changed;
  }

  /**
   * Says `note` once in the thread of every card watching a resource (a subscription's watch
   * without a card is not told): one reply per watch under the dedup key `id`, so saying it
   * again adds nothing. `now`: the watcher's clock. `channel`: only the watch whose card is there;
   * `deliver`: posted now rather than with the next cycle (a person's action, not a cycle's job).
   * Resolves with how many watches it was added to.
   */
  async say(
    teamId: string,
    target: NotedResource,
    id: string,
    note: WatchNotification,
    now: number,
    options: { channel?: string; deliver?: boolean } = {},
  ): Promise<number> {
    const { connection, kind, id: resourceId } = target;
    const keys = (await watchesOf(this.#store, { teamId, connection, kind, id: resourceId })).map(
      (w) => w.key,
    );
    const told: string[] = [];
    for (const key of keys)
      await this.#store.update<WatchRecord>(key, (current) => {
        if (!current || current.follow || current.ended) return SKIP;
        if (options.channel !== undefined && current.watch.channelId !== options.channel) return SKIP;
        const entry: OutboxEntry = {
          key: `${dedupBase(current.watch)}:${id}`,
          type: 'reply',
          teamId,
          channel: current.watch.channelId,
          note,
          createdAt: now,
          attempts: 0,
        };
        const next = enqueue(current, [entry]);
        if (next === current) return SKIP;
        told.push(key);
        return next;
      });
    if (options.deliver) for (const key of told) await this.#editor.deliver(key);
    return told.length;
  }

  async #note(
    teamId: string,
    target: NotedResource,
    change: (current: WatchRecord) => WatchRecord | typeof SKIP,
    redraw: 'edit' | 'poll' | 'none' | { seen: Observation },
  ): Promise<{ key: string; record: WatchRecord }[]> {
    // The resource's watches are found by key (`ResourceWatches`): a click reads the few records
    // it changes, never the index of every watch of every workspace (at 50,000 watches).
    const { connection, kind, id } = target;
    const keys = (await watchesOf(this.#store, { teamId, connection, kind, id })).map((w) => w.key);
    for (const key of keys)
      await this.#store.update<WatchRecord>(key, (current) => (current ? change(current) : SKIP));
    if (keys.length === 0 || redraw === 'none') return [];
    if (redraw === 'edit') for (const key of keys) await this.#editor.edit(key);
    else await this.#editor.poll(keys, redraw === 'poll' ? undefined : redraw.seen);
    return this.#store.loadMany(keys);
  }

  /** Polls these watches after each re-check delay while their resource is still under way. */
  #settle(keys: readonly string[]): void {
    this.#schedule.settleSoon(async () => {
      await this.#editor.poll(keys);
      const records = await this.#store.loadMany(keys);
      return !records.some((r) => underWay(r.record));
    });
  }
}

/** The provider says a change asked for is still being carried out (`UNDER_WAY_STATES`). */
function underWay(record: WatchRecord): boolean {
  return !record.ended && UNDER_WAY_STATES.has(record.snapshot.state);
}
