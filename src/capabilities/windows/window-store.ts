import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ResourceKind } from '../../domain/migration-resource.js';
import { type AtomicKv, SKIP } from '../../store/atomic-kv.js';
import { readJson } from '../../store/open-atomic-kv.js';

/** At most this many windows per workspace: each is read every watcher cycle. */
export const MAX_WINDOWS = 50;

const targetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('connection'), connection: z.string() }),
  z.object({ kind: z.literal('group'), connection: z.string(), id: z.string() }),
  z.object({
    kind: z.literal('resource'),
    connection: z.string(),
    resourceKind: z.string(),
    id: z.string(),
    name: z.string().optional(),
  }),
]);
export type WindowTarget = z.infer<typeof targetSchema>;

export const windowSchema = z.object({
  id: z.string(),
  name: z.string(),
  target: targetSchema,
  days: z.array(z.number().int().min(0).max(6)),
  start: z.number().int().min(0).max(1439),
  end: z.number().int().min(0).max(1439),
  zone: z.string(),
  action: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('pause') }),
    z.object({ kind: z.literal('limit'), bytesPerSecond: z.number().int().positive() }),
  ]),
  /** Who set it, where: its pauses are theirs, asked again of the policy each time. */
  by: z.string(),
  channelId: z.string().optional(),
  createdAt: z.number(),
  /** The start (ms) of the occurrence `skip` skips. */
  skip: z.number().optional(),
  /**
   * The last edge claimed (`start:<ms>`, `end:<ms>`, `skip:<ms>`): the one fact that makes an edge
   * happen once. Claimed by compare-and-set before anything is asked of a provider.
   */
  edge: z.string().optional(),
  /**
   * What this window paused (`connection:kind:id`) and has not let go of yet: only these it resumes.
   * Its end takes them (`take`); what a provider failure kept it from resuming is given back, to be
   * tried again on a later pass.
   */
  paused: z.array(z.string()).optional(),
  /**
   * A `limit` window's: the bandwidth rules a person had set on what it capped (by the same key),
   * put back at its end instead of none. Never overwritten silently.
   */
  kept: z
    .record(
      z.string(),
      z.array(z.object({ start: z.string(), end: z.string(), maxBytesPerSecond: z.number() })),
    )
    .optional(),
  /**
   * The last edge the policy refused to its setter (their role was taken away): audited and said
   * in the threads once per edge, however many passes ask again.
   */
  refused: z.string().optional(),
});
export type TimeWindow = z.infer<typeof windowSchema>;

function parse(raw: string | undefined): TimeWindow[] {
  const value = readJson(raw);
  return value === undefined ? [] : z.array(windowSchema).parse(value);
}

const keyOf = (teamId: string) => `windows:${teamId}`;
const TEAMS = 'windows:teams';

/** A resource as a window's `paused` list names it. */
export function resourceKey(r: { connection: string; kind: string; id: string }): string {
  return `${r.connection}:${r.kind}:${r.id}`;
}

/** A resource as a window names it: its connection, kind and id. */
export interface ResourceTarget {
  connection: string;
  kind: ResourceKind;
  id: string;
}

/** The resource a `paused` key names (ids may hold colons). */
export function targetOfKey(key: string): ResourceTarget {
  const [connection = '', kind, ...rest] = key.split(':');
  return { connection, kind: kind as ResourceKind, id: rest.join(':') };
}

/**
 * Each workspace's windows, in the shared state (one key per workspace, changed by compare-and-set),
 * and the set of workspaces that have any (the window pass reads only those).
 */
export class WindowStore {
  readonly #kv: AtomicKv;

  constructor(kv: AtomicKv) {
    this.#kv = kv;
  }

  async list(teamId: string): Promise<TimeWindow[]> {
    return parse(await this.#kv.get(keyOf(teamId)));
  }

  teams(): Promise<string[]> {
    return this.#kv.setMembers(TEAMS);
  }

  /** Adds it under a new id; undefined when the workspace has MAX_WINDOWS already. */
  async add(teamId: string, window: Omit<TimeWindow, 'id'>): Promise<TimeWindow | undefined> {
    const id = `w${randomBytes(3).toString('hex')}`;
    let added: TimeWindow | undefined;
    await this.#kv.update(keyOf(teamId), (raw) => {
      const all = parse(raw);
      added = undefined;
      if (all.length >= MAX_WINDOWS) return SKIP;
      added = { ...window, id };
      return JSON.stringify([...all, added]);
    });
    if (added) await this.#kv.setAdd(TEAMS, teamId);
    return added;
  }

  async remove(teamId: string, id: string): Promise<TimeWindow | undefined> {
    let removed: TimeWindow | undefined;
    await this.#kv.update(keyOf(teamId), (raw) => {
      const all = parse(raw);
      removed = all.find((w) => w.id === id);
      if (!removed) return SKIP;
      const rest = all.filter((w) => w.id !== id);
      return rest.length > 0 ? JSON.stringify(rest) : undefined;
    });
    return removed;
  }

  /**
   * Changes one window in one compare-and-set; `change` returns undefined to leave it as it is (it
   * may run more than once, so it must be pure). Resolves with the window written, or undefined.
   */
  async change(
    teamId: string,
    id: string,
    change: (w: TimeWindow) => TimeWindow | undefined,
  ): Promise<TimeWindow | undefined> {
    let written: TimeWindow | undefined;
    await this.#kv.update(keyOf(teamId), (raw) => {
      written = undefined;
      const all = parse(raw);
      const i = all.findIndex((w) => w.id === id);
      const next = i >= 0 ? change(all[i]!) : undefined;
      if (!next) return SKIP;
      written = next;
      return JSON.stringify(all.map((w, j) => (j === i ? next : w)));
    });
    return written;
  }

  /**
   * Claims `edge` for this window: true for exactly one caller across replicas, however many race,
   * and never again for the same edge (a restart finds it claimed). What the window holds (`paused`)
   * is kept whatever the edge: what an end could not let go of is still the window's to let go of.
   */
  async claim(teamId: string, id: string, edge: string): Promise<TimeWindow | undefined> {
    return this.change(teamId, id, (w) => (w.edge === edge ? undefined : { ...w, edge }));
  }

  /**
   * Marks `edge` refused by the policy: the window for exactly one caller across replicas and
   * passes (who audits it and says it), undefined when it was marked already or the window is gone.
   */
  async refuse(teamId: string, id: string, edge: string): Promise<TimeWindow | undefined> {
    return this.change(teamId, id, (w) => (w.refused === edge ? undefined : { ...w, refused: edge }));
  }

  /**
   * Takes what the window holds (its `paused` list and the rules it keeps for them) for one caller
   * to let go of: each key goes to exactly one caller, however many race. Undefined when it holds
   * nothing. What the caller could not let go of it gives back with `hold`.
   */
  async take(teamId: string, id: string): Promise<Pick<TimeWindow, 'paused' | 'kept'> | undefined> {
    let taken: Pick<TimeWindow, 'paused' | 'kept'> | undefined;
    await this.#kv.update(keyOf(teamId), (raw) => {
      const all = parse(raw);
      const w = all.find((x) => x.id === id);
      taken = w?.paused?.length ? { paused: w.paused, kept: w.kept ?? {} } : undefined;
      if (!taken) return SKIP;
      return JSON.stringify(all.map((x) => (x.id === id ? { ...x, paused: [], kept: {} } : x)));
    });
    return taken;
  }

  /**
   * Adds `keys` to what the window holds (it paused or capped them; or could not let go of them
   * yet), with the rules of `kept` it puts back for them. Whatever its edge: they are the window's
   * until it lets go of them. Undefined when the window is gone (removed meanwhile).
   */
  async hold(
    teamId: string,
    id: string,
    keys: readonly string[],
    kept: NonNullable<TimeWindow['kept']>,
  ): Promise<TimeWindow | undefined> {
    const theirs = Object.fromEntries(Object.entries(kept).filter(([key]) => keys.includes(key)));
    return this.change(teamId, id, (w) => ({
      ...w,
      paused: [...new Set([...(w.paused ?? []), ...keys])],
      kept: { ...w.kept, ...theirs },
    }));
  }

  /** The workspace uninstalled the app: its windows go. */
  async forget(teamId: string): Promise<void> {
    await this.#kv.update(keyOf(teamId), () => undefined);
    await this.#kv.setRemove(TEAMS, teamId);
  }
}
