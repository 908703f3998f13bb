import type { ResourceKind } from '../../domain/migration-resource.js';
import type { AtomicKv } from '../../store/atomic-kv.js';

/**
 * A retry asked for with Retry these, waiting for its run to end so that the objects it retried
 * are checked again (the reconciling check): kept under the retry's approval request, which names
 * the run it makes once approved. `keys`: the source keys a prefix retry was for (bounded); a list
 * retry's are read again from the provider's list file of `run`.
 */
export interface Reconcile {
  team: string;
  approval: string;
  /** Where Retry these was pressed: the reconciled result is posted there. */
  channel: string;
  /** The run whose objects were retried. */
  run: { connection: string; kind: ResourceKind; id: string };
  /** The retry's name ("<title> · retry n"). */
  retry: string;
  what: 'list' | 'prefix';
  /** How many were found wanting (a list retry: failed) when Retry these was pressed. */
  objects: number;
  keys?: string[];
}

/** Every waiting reconcile, as `<team> <approval>` (neither holds a space). */
const WAITING = 'objects:reconciles';
/** A retry not ended after this long is no longer waited for. */
export const RECONCILE_TTL_MS = 30 * 24 * 60 * 60_000;

export const reconcileKey = (team: string, approval: string) => `objects:reconcile:${team}:${approval}`;

/** Keeps `r` until its retry ends (or is refused, or a month passes). */
export async function awaitReconcile(kv: AtomicKv, r: Reconcile): Promise<void> {
  const key = reconcileKey(r.team, r.approval);
  await kv.update(key, () => JSON.stringify(r));
  await kv.expire(key, RECONCILE_TTL_MS);
  await kv.setAdd(WAITING, `${r.team} ${r.approval}`);
}

/** Forgets a reconcile: done, or its retry will never run. */
export async function dropReconcile(kv: AtomicKv, team: string, approval: string): Promise<void> {
  await kv.update(reconcileKey(team, approval), () => undefined);
  await kv.setRemove(WAITING, `${team} ${approval}`);
}

/** The reconciles waiting, in every workspace; members whose record lapsed are taken out. */
export async function waitingReconciles(kv: AtomicKv): Promise<Reconcile[]> {
  const members = await kv.setMembers(WAITING);
  const raws = await kv.getMany(
    members.map((m) => {
      const [team = '', approval = ''] = m.split(' ');
      return reconcileKey(team, approval);
    }),
  );
  const found: Reconcile[] = [];
  for (const [i, raw] of raws.entries()) {
    const parsed = raw ? parse(raw) : undefined;
    if (parsed) found.push(parsed);
    else await kv.setRemove(WAITING, members[i]!);
  }
  return found;
}

/** A workspace that uninstalled the app: its waiting reconciles are forgotten. */
export async function forgetReconciles(kv: AtomicKv, team: string): Promise<void> {
  for (const m of await kv.setMembers(WAITING)) {
    const [t = '', approval = ''] = m.split(' ');
    if (t === team) await dropReconcile(kv, t, approval);
  }
}

function parse(raw: string): Reconcile | undefined {
  try {
    const v = JSON.parse(raw) as Partial<Reconcile>;
    return typeof v.team === 'string' &&
      typeof v.approval === 'string' &&
      v.run &&
      typeof v.channel === 'string'
      ? (v as Reconcile)
      : undefined;
  } catch {
    return undefined;
  }
}
