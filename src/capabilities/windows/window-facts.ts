import { dueEdge, nextChange } from './window-edges.js';
import type { WindowFact } from './window-fact.js';
import { MAX_WINDOW_FACTS } from './window-fact.js';
import { resourceKey, type TimeWindow } from './window-store.js';

/** A watched resource as a window's target is matched against it. */
export interface Covered {
  connection: string;
  kind: string;
  id: string;
  /** The OMS task group it belongs to, if any. */
  groupId?: string;
}

/** Whether `w` acts on `r`: its connection, its task group (the group or a task of it), or itself. */
export function covers(w: Pick<TimeWindow, 'target'>, r: Covered): boolean {
  const t = w.target;
  if (t.connection !== r.connection) return false;
  if (t.kind === 'connection') return true;
  if (t.kind === 'group') return (r.kind === 'task-group' && r.id === t.id) || r.groupId === t.id;
  return r.kind === t.resourceKind && r.id === t.id;
}

/**
 * The windows covering `r` as its card shows them at `now` (the watcher's clock): those holding
 * it first (a pause window inside an occurrence, a limit window that capped it), then by their next change; at most MAX_WINDOW_FACTS. Pure: the same windows at the same
 * edges give the same facts, so a record is written only when a window changed.
 */
export function factsFor(windows: readonly TimeWindow[], r: Covered, now: number): WindowFact[] {
  const facts = windows
    // An occurrence the policy refused to its setter acts on nothing: the card says nothing of it.
    .filter((w) => covers(w, r) && (w.refused === undefined || w.refused !== dueEdge(w, now)?.edge))
    .map((w): WindowFact => {
      const next = nextChange(w, now);
      return {
        id: w.id,
        name: w.name,
        days: w.days,
        start: w.start,
        end: w.end,
        zone: w.zone,
        ...(w.skip !== undefined ? { skip: w.skip } : {}),
        action: w.action.kind,
        ...(w.action.kind === 'limit' ? { bytesPerSecond: w.action.bytesPerSecond } : {}),
        // A cap holds on what the window capped (`paused`): not on a kind without rules (an OMS
        // sync task), nor on a task group (its tasks carry the cap).
        holding:
          next?.kind === 'end' && (w.action.kind === 'pause' || (w.paused ?? []).includes(resourceKey(r))),
        ...(next ? { next } : {}),
      };
    });
  const rank = (f: WindowFact) => (f.holding ? 0 : 1) * 1e15 + (f.next?.at ?? 1e15 - 1);
  return facts.sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id)).slice(0, MAX_WINDOW_FACTS);
}
