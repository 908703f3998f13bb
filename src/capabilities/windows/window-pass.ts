import type { ConnectionRegistry } from '../../connections/connection-registry.js';
import type { MigrationResource } from '../../domain/migration-resource.js';
import type { Logger } from '../../logger.js';
import type { BandwidthWindow, ResourceAction } from '../../providers/types.js';
import type { LastAction } from '../../resources/last-actions.js';
import type { AtomicKv } from '../../store/atomic-kv.js';
import type { Clock } from '../../watcher/clock.js';
import { type WindowActed, windowActed } from './window-acted.js';
import { isCap, manualRules } from './window-cap.js';
import { coveredNow, PAUSABLE } from './window-cover.js';
import { type DueEdge, dueEdge, nextChange } from './window-edges.js';
import { isFinal, isGone } from './window-errors.js';
import { EdgeRefusal, type RefusalTeller } from './window-refusal.js';
import { resourceKey, type TimeWindow, targetOfKey, type WindowStore } from './window-store.js';

/** An edge applied this long after it was due is told as late (the bot was away): once, and said so. */
const LATE_MS = 5 * 60_000;
/** How often a pause window that holds looks again for what has started running since. */
const LOOK_AGAIN_MS = 60_000;
/** How often an end a provider failed tries again: a dozen tries (and audit entries) an hour. */
const RETRY_MS = 5 * 60_000;

/**
 * What a window let go of: resumed, left paused (a person paused it by hand since), uncapped, or
 * left with the bandwidth rules a person set during the window.
 */
export interface Released {
  resumed: MigrationResource[];
  kept: MigrationResource[];
  lifted: MigrationResource[];
  ruled: MigrationResource[];
}

/**
 * What `#letGo` did; what it could not reach (a provider failed: still held, tried again) and what
 * was refused for good (by the provider, the policy or the state: asking again changes nothing).
 */
type LetGo = Released & { unreached: Failed[]; refused: Failed[] };
type Failed = { key: string; error: unknown };

export interface WindowPassDeps {
  windows: WindowStore;
  connections: ConnectionRegistry;
  /** Who last acted on a resource: a window resumes only what it paused itself. */
  lastAction(teamId: string, r: MigrationResource): Promise<LastAction | undefined>;
  /**
   * Pauses or resumes through the same use case a person's button uses (`actOnResource`), as the
   * window's setter, asked of the policy again, audited, with the window named (`WindowActed`).
   */
  act(
    window: TimeWindow,
    teamId: string,
    r: MigrationResource,
    action: ResourceAction,
    note: WindowActed,
  ): Promise<void>;
  /**
   * Applies an OMS bandwidth cap (a `limit` window), or lifts it: back to `restore`, the rules a
   * person had set before the window (none when absent).
   */
  limit?(
    window: TimeWindow,
    teamId: string,
    r: MigrationResource,
    bytesPerSecond: number | undefined,
    restore?: readonly BandwidthWindow[],
  ): Promise<void>;
  /**
   * The policy refused an edge to the window's setter: audited once, and said once in the thread of
   * each resource it left as it was. Called once per edge, however many passes are refused it.
   */
  refused?: RefusalTeller;
  /** The bandwidth rules set on `r` now; undefined when they cannot be read (then nothing is capped). */
  rulesOf?(teamId: string, r: MigrationResource): Promise<BandwidthWindow[] | undefined>;
  /**
   * Writes the windows covering each watched resource of a workspace onto its watch records
   * (`WatchNotes.windows`): the card editor shows them from there, as any other fact.
   */
  showFacts?(teamId: string, windows: readonly TimeWindow[], now: number): Promise<void>;
  /** The watch keys there are (a new watch gets its windows' facts at the next pass). */
  watchKeys?(): Promise<string[]>;
  /** The shared state the pass's lease is taken in, and who this replica is. */
  kv: AtomicKv;
  holder: string;
  leaseMs: number;
  clock: Clock;
  logger: Logger;
}

/**
 * The one scheduler of windows: run before each watcher cycle, by the replica holding the
 * `windows` lease (the others skip it). For each window it works out the edge that applies at the
 * watcher's clock now and, if nobody acted on that edge yet, claims it with one compare-and-set on
 * the window (`WindowStore.claim`) before anything is asked of a provider: an edge acts once across
 * restarts and replicas even when the lease moves mid-pass. What it paused it holds (`paused`) until
 * it lets go of it: an end takes that list in one compare-and-set too, and gives back what a provider
 * failure kept it from resuming, for a later pass. What the window did is a fact of the resource
 * (`requested`, with the window named): the watcher's card and thread show it from there.
 */
export class WindowPass {
  readonly #d: WindowPassDeps;
  /** Per workspace, what its facts were last written from: unchanged, nothing is read or written. */
  readonly #shown = new Map<string, string>();
  /** Per window (`team:id`), when a pause window that holds last looked at what it covers. */
  readonly #looked = new Map<string, number>();

  constructor(deps: WindowPassDeps) {
    this.#d = deps;
  }

  /** Applies each window's edge that is due (on the scheduler's timer and before each cycle). */
  async run(): Promise<void> {
    const d = this.#d;
    if (!(await d.kv.acquireLease('lease:windows', d.holder, d.leaseMs))) return;
    for (const teamId of await d.windows.teams()) {
      for (const w of await d.windows.list(teamId)) {
        try {
          await this.#apply(teamId, w);
        } catch (error) {
          // One window's trouble (a connection down) leaves the others to run; its edge stays claimed.
          d.logger.warn({ err: error, teamId, window: w.id }, 'window could not act');
        }
      }
    }
  }

  /**
   * Writes the windows' facts on the watches they cover: before each cycle only (the cycle draws
   * them), as it reads the watch index.
   */
  async showFacts(): Promise<void> {
    const d = this.#d;
    if (!d.showFacts || !(await d.kv.acquireLease('lease:windows', d.holder, d.leaseMs))) return;
    const teams = await d.windows.teams();
    // The watch index is read only when some workspace has windows (at most once a pass).
    const keys = teams.length > 0 ? await d.watchKeys?.().catch(() => undefined) : undefined;
    for (const teamId of teams) {
      await this.#showFacts(teamId, keys).catch((error: unknown) =>
        d.logger.warn({ err: error, teamId }, 'window facts not written; tried again next pass'),
      );
    }
  }

  /**
   * The cards' window facts, written when the workspace's windows, their next changes or its
   * watches changed since the last pass here (a replica taking the lease over writes them once).
   */
  async #showFacts(teamId: string, keys: readonly string[] | undefined): Promise<void> {
    const d = this.#d;
    if (!d.showFacts) return;
    const now = d.clock.now();
    const windows = await d.windows.list(teamId);
    const signature = JSON.stringify([
      windows.map((w) => [w, nextChange(w, now)]),
      keys?.filter((k) => k.includes(`:${encodeURIComponent(teamId)}:`)).sort(),
    ]);
    if (this.#shown.get(teamId) === signature) return;
    await d.showFacts(teamId, windows, now);
    this.#shown.set(teamId, signature);
  }

  /** A clean stop hands the lease over at once, as the watcher's own leases are, not a period later. */
  async stop(): Promise<void> {
    await this.#d.kv.releaseLease('lease:windows', this.#d.holder).catch(() => undefined);
  }

  async #apply(teamId: string, w: TimeWindow): Promise<void> {
    const now = this.#d.clock.now();
    const due = dueEdge(w, now);
    if (!due) return;
    const fresh = due.edge !== w.edge;
    let current = w;
    if (fresh) {
      const claimed = await this.#d.windows.claim(teamId, w.id, due.edge);
      if (!claimed) return; // Another replica (or an earlier pass) has it.
      this.#d.logger.info({ teamId, window: w.id, edge: due.edge }, 'window edge claimed');
      current = claimed;
    } else if (!this.#again(teamId, w, due, now)) {
      // Claimed already: left to do is only what an end could not let go of (a provider failed),
      // or, while a pause window holds, what has started running since it last looked.
      return;
    }
    const note: WindowActed = {
      id: w.id,
      name: w.name,
      zone: w.zone,
      ...(due.kind === 'start' ? { until: due.occurrence.end } : {}),
      // Due while the bot was away (and the window already existed): applied now, and said so.
      ...(fresh && now - due.at > LATE_MS && w.createdAt < due.at ? { lateFrom: due.at } : {}),
    };
    if (due.kind === 'start') await this.#start(teamId, current, due, note, fresh);
    else await this.#end(teamId, current, due.edge, note);
  }

  /**
   * Whether an edge claimed already has more to do now: an end, what it still holds (every
   * `RETRY_MS`); a pause window's start, what it could not pause yet (once a minute).
   */
  #again(teamId: string, w: TimeWindow, due: DueEdge, now: number): boolean {
    const looked = this.#looked.get(`${teamId}:${w.id}`);
    if (due.kind === 'end')
      return (w.paused?.length ?? 0) > 0 && (looked === undefined || now - looked >= RETRY_MS);
    return w.action.kind === 'pause' && (looked === undefined || now - looked >= LOOK_AGAIN_MS);
  }

  /**
   * Pauses (or caps) what the window covers. At its start everything it may; on a later pass of a
   * pause window, what became pausable since (a task that was waiting, a pause a provider failed),
   * except what it paused already and a person resumed since: their resume stands. What a person
   * paused or resumed since the occurrence began is theirs too. One refusal leaves the others.
   */
  async #start(
    teamId: string,
    w: TimeWindow,
    due: DueEdge,
    note: WindowActed,
    fresh: boolean,
  ): Promise<void> {
    const paused: string[] = [];
    const kept: Record<string, BandwidthWindow[]> = {};
    this.#looked.set(`${teamId}:${w.id}`, this.#d.clock.now());
    if (w.action.kind === 'limit' && !fresh) return;
    const held = new Set(fresh ? [] : (w.paused ?? []));
    const refusal = new EdgeRefusal();
    for (const r of await coveredNow(this.#d.connections, teamId, w)) {
      if (w.action.kind === 'limit') {
        if (refusal.skips(r)) continue;
        const manual = await manualRules(this.#d, w, teamId, r);
        if (manual === undefined) continue;
        // A kind without rules (an OMS sync task) is left as it is; the others still get the cap.
        const capped = await this.#d.limit?.(w, teamId, r, w.action.bytesPerSecond).then(
          () => true,
          (error: unknown) =>
            refusal.caught(r, error) ||
            this.#d.logger.warn({ err: error, window: w.id, id: r.id }, 'window cap not set'),
        );
        if (capped) paused.push(resourceKey(r));
        // Still capped (its end could not lift it yet): the rules from before stay those to put back.
        if (capped && manual !== 'cap') kept[resourceKey(r)] = manual;
        continue;
      }
      const provider = this.#d.connections.provider(
        this.#d.connections.get(teamId, r.connection),
        'background',
      );
      if (!PAUSABLE.has(r.state) || !provider.actionsFor(r).includes('pause')) continue;
      if (held.has(resourceKey(r))) continue;
      try {
        if (await this.#byHandSince(teamId, r, due.at)) continue;
        if (refusal.skips(r)) continue;
        await this.#d.act(w, teamId, r, 'pause', note);
        paused.push(resourceKey(r));
      } catch (error) {
        // Refused (OMS.0066: it stopped running meanwhile) or not reached: the others still pause,
        // and a later pass while the window holds tries it again if it still runs.
        if (!refusal.caught(r, error))
          this.#d.logger.warn({ err: error, window: w.id, id: r.id }, 'window pause not made');
      }
    }
    await refusal.tell(this.#d, teamId, w, due.edge, w.action.kind === 'limit' ? 'cap' : 'pause');
    if (paused.length === 0) return;
    const written = await this.#d.windows.hold(teamId, w.id, paused, kept);
    if (!written)
      this.#d.logger.warn({ window: w.id, paused }, 'window removed while it paused; left paused');
  }

  /** Whether a person (not a window) paused or resumed `r` through the bot at `since` or later. */
  async #byHandSince(teamId: string, r: MigrationResource, since: number): Promise<boolean> {
    const last = await this.#d.lastAction(teamId, r);
    return last !== undefined && windowActed(last) === undefined && last.at >= since;
  }

  /**
   * Lets go of what the window holds. What a provider failure kept it from letting go of stays
   * held: the next pass tries it again (the edge is done only for what succeeded).
   */
  async #end(teamId: string, w: TimeWindow, edge: string, note: WindowActed): Promise<void> {
    this.#looked.set(`${teamId}:${w.id}`, this.#d.clock.now());
    const taken = await this.#d.windows.take(teamId, w.id);
    if (!taken) return; // Nothing held, or another replica took it.
    const { unreached, refused } = await this.#letGo(teamId, { ...w, ...taken }, note);
    const refusal = new EdgeRefusal();
    for (const f of refused) refusal.caught(targetOfKey(f.key), f.error);
    await refusal.tell(this.#d, teamId, w, edge, 'resume');
    if (unreached.length === 0) return;
    const keys = unreached.map((u) => u.key);
    this.#d.logger.warn(
      { err: unreached[0]!.error, window: w.id, keys },
      'window let go of not all; tried again',
    );
    const written = await this.#d.windows.hold(teamId, w.id, keys, taken.kept ?? {});
    if (!written)
      this.#d.logger.warn({ window: w.id, keys }, 'window removed while it let go; left as they are');
  }

  /**
   * A window removed while it holds anything lets go of it at once, as its end would: resumes what it paused
   * and nobody touched since, lifts its cap. `removed` is the window as `WindowStore.remove` returned it, to
   * exactly one caller (an end that took what it held first lets go of that itself). What a provider failure
   * kept it from letting go of is told as the error: the window is gone, so no later pass tries it again.
   */
  async release(teamId: string, removed: TimeWindow): Promise<Released> {
    if ((removed.paused?.length ?? 0) === 0) return { resumed: [], kept: [], lifted: [], ruled: [] };
    const { unreached, refused, ...released } = await this.#letGo(teamId, removed, {
      id: removed.id,
      name: removed.name,
      zone: removed.zone,
    });
    const failed = unreached[0] ?? refused[0];
    if (failed) throw failed.error;
    return released;
  }

  /** Resumes (or uncaps) what `w` holds: only what it paused itself, and nobody touched since. */
  async #letGo(teamId: string, w: TimeWindow, note: WindowActed): Promise<LetGo> {
    const done: LetGo = { resumed: [], kept: [], lifted: [], ruled: [], unreached: [], refused: [] };
    const listed = await listedOnce(this.#d.connections, teamId, w.paused ?? []);
    for (const key of w.paused ?? []) {
      try {
        const told = await this.#letGoOf(teamId, w, key, note, listed);
        if (told) done[told.as].push(told.r);
      } catch (error) {
        if (!isFinal(error)) done.unreached.push({ key, error });
        else {
          done.refused.push({ key, error });
          this.#d.logger.warn({ err: error, window: w.id, key }, 'window let go refused; left as it is');
        }
      }
    }
    return done;
  }

  /** Lets go of one resource `w` holds; what it did, or undefined when there was nothing to do. */
  async #letGoOf(
    teamId: string,
    w: TimeWindow,
    key: string,
    note: WindowActed,
    listed: Listed,
  ): Promise<{ as: keyof Released; r: MigrationResource } | undefined> {
    const { connection, kind, id } = targetOfKey(key);
    const provider = this.#d.connections.provider(this.#d.connections.get(teamId, connection), 'background');
    // Read in its kind's one list, or else alone. Only a real not-found is gone; any other failure
    // to read throws, to be tried again.
    const whole = listed.get(`${connection}:${kind}`);
    const r = whole
      ? whole.get(id)
      : await provider.get(kind, id).catch((error: unknown) => {
          if (isGone(error)) return undefined;
          throw error;
        });
    if (!r) return undefined;
    if (w.action.kind === 'limit') {
      // Rules a person set during the window are theirs: left as they are, not lifted.
      const now = await this.#d.rulesOf?.(teamId, r);
      if (this.#d.rulesOf && (now === undefined || !isCap(now, w))) return { as: 'ruled', r };
      await this.#d.limit?.(w, teamId, r, undefined, w.kept?.[key] ?? []);
      return { as: 'lifted', r };
    }
    // Only what this window paused and nobody touched since: a person's pause (or resume) wins. No
    // attribution left (it expires after a week away) is no one else's: the window's list says it.
    const last = await this.#d.lastAction(teamId, r);
    if (r.state !== 'paused') return undefined;
    if (last && (windowActed(last)?.id !== w.id || last.action !== 'pause')) return { as: 'kept', r };
    if (!provider.actionsFor(r).includes('resume')) return undefined;
    await this.#d.act(w, teamId, r, 'resume', note);
    return { as: 'resumed', r };
  }
}

/** Per `connection:kind`, every resource of the kind by id, when one list held them all. */
type Listed = Map<string, Map<string, MigrationResource>>;

/**
 * What an end lets go of, read in one list per connection and kind (a connection window's tasks)
 * rather than one read each, where the kind's resources fit in one page; a kind that does not fit,
 * or a lone resource, is read alone. A list that fails leaves them to their own reads.
 */
async function listedOnce(
  connections: ConnectionRegistry,
  teamId: string,
  keys: readonly string[],
): Promise<Listed> {
  const count = new Map<string, number>();
  for (const key of keys) {
    const { connection, kind } = targetOfKey(key);
    count.set(`${connection}:${kind}`, (count.get(`${connection}:${kind}`) ?? 0) + 1);
  }
  const listed: Listed = new Map();
  for (const [ck, n] of count) {
    if (n < 2) continue;
    const { connection, kind } = targetOfKey(keys.find((k) => k.startsWith(`${ck}:`))!);
    const provider = connections.provider(connections.get(teamId, connection), 'background');
    const page = await provider.list({ kind, limit: 100, offset: 0 }).catch(() => undefined);
    if (!page || page.resources.length >= 100 || (page.total !== undefined && page.total > 100)) continue;
    listed.set(ck, new Map(page.resources.map((r) => [r.id, r])));
  }
  return listed;
}
