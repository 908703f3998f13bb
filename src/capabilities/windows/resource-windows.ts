import type { CardResource } from '../../contract/card.js';
import type { NormalizedState } from '../../domain/migration-resource.js';
import type { Translator } from '../../i18n/translator.js';
import type { LastAction, LastActions } from '../../resources/last-actions.js';
import { windowActed } from './window-acted.js';
import type { WindowFact } from './window-fact.js';
import { type Covered, factsFor } from './window-facts.js';
import type { TimeWindow, WindowStore } from './window-store.js';
import { heldLine, windowFactLines } from './window-words.js';

/**
 * What a surface nobody watches (`/migrate status`, `list`, the Home tab) shows of the time windows
 * covering a resource, read from what the windows wrote, not from a watch's history: the last
 * action on it when a window took it (the window that holds it), and the windows' facts (a cap, the
 * next change). Store reads only. A watch record's fact is the `facts` list alone (`WindowFact[]`):
 * `card.lines` and `card.rowLine` read either.
 */
export interface ResourceWindows {
  /** The last action on it, when a window took it. */
  last?: LastAction;
  facts: WindowFact[];
}

export interface WindowReads {
  store: Pick<WindowStore, 'list'>;
  lastActions: Pick<LastActions, 'get'>;
}

/** The workspace's windows (none when they cannot be read: a surface still opens). */
export async function windowsListed(
  reads: Pick<WindowReads, 'store'>,
  teamId: string,
): Promise<TimeWindow[]> {
  return (await reads.store.list(teamId).catch(() => undefined)) ?? [];
}

/**
 * Each resource's windows, by `connection:id`; none for a workspace without windows. A task's
 * group is read when the caller hands the whole resource (`groupId`): a group's window covers it.
 */
export async function windowsOf(
  reads: WindowReads,
  teamId: string,
  resources: readonly CardResource[],
  now: number,
): Promise<Map<string, ResourceWindows>> {
  const out = new Map<string, ResourceWindows>();
  const windows = await windowsListed(reads, teamId);
  if (windows.length === 0) return out;
  for (const r of resources) {
    const facts = factsFor(windows, r as CardResource & Covered, now);
    // Only a paused task can be held by a window's pause: the others need no read.
    const held = r.state === 'paused' || r.state === 'pausing';
    const last = held ? await reads.lastActions.get(teamId, r).catch(() => undefined) : undefined;
    if (facts.length > 0 || windowActed(last))
      out.set(`${r.connection}:${r.id}`, { ...(windowActed(last) ? { last } : {}), facts });
  }
  return out;
}

/** Either shape of the fact: a watch record's list, or what `windowsOf` read. */
function asWindows(fact: unknown): ResourceWindows {
  return Array.isArray(fact) ? { facts: fact as WindowFact[] } : (fact as ResourceWindows);
}

/** The card's lines: a cap that holds while it moves, each window's next change. */
export function windowCardLines(fact: unknown, state: NormalizedState, tr: Translator): string[] {
  return windowFactLines(state, asWindows(fact).facts, tr);
}

/** A row's one line: the window that holds it, else a cap that holds while it moves. */
export function windowRowLine(fact: unknown, state: NormalizedState, tr: Translator): string | undefined {
  return heldLine(state, asWindows(fact), tr);
}
