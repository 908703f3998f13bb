import type { MigrationResource } from '../../domain/migration-resource.js';
import type { LastAction, LastActions } from '../../resources/last-actions.js';
import type { WindowFact } from '../../watcher/window-fact.js';
import type { CapabilityStates } from '../capability.js';
import { factsFor } from './window-facts.js';
import { windowsState } from './window-state.js';
import type { TimeWindow } from './window-store.js';

/**
 * What every surface (the watched card, `/migrate status`, `list`, the Home tab) shows of the time
 * windows covering a resource, read from what the windows wrote, not from a watch's history: the
 * last action on it when a window took it (the window that holds it), and the windows' facts (a cap,
 * the next change). Store reads only.
 */
export interface ResourceWindows {
  /** The last action on it, when a window took it. */
  last?: LastAction;
  facts: WindowFact[];
}

export interface WindowReads {
  capabilities: CapabilityStates;
  resources: { lastActions: Pick<LastActions, 'get'> };
}

/** The workspace's windows (none when they cannot be read: a surface still opens). */
export async function windowsListed(deps: WindowReads, teamId: string): Promise<TimeWindow[]> {
  return (
    (await windowsState(deps)
      .store.list(teamId)
      .catch(() => undefined)) ?? []
  );
}

/** Each resource's windows, by `connection:id`; none for a workspace without windows. */
export async function windowsOf(
  deps: WindowReads,
  teamId: string,
  resources: readonly MigrationResource[],
  now: number,
): Promise<Map<string, ResourceWindows>> {
  const out = new Map<string, ResourceWindows>();
  const windows = await windowsListed(deps, teamId);
  if (windows.length === 0) return out;
  for (const r of resources) {
    const facts = factsFor(windows, r, now);
    // Only a paused task can be held by a window's pause: the others need no read.
    const held = r.state === 'paused' || r.state === 'pausing';
    const last = held ? await deps.resources.lastActions.get(teamId, r).catch(() => undefined) : undefined;
    if (facts.length > 0 || last?.window)
      out.set(`${r.connection}:${r.id}`, { ...(last?.window ? { last } : {}), facts });
  }
  return out;
}
