import type { MigrationResource, NormalizedState } from '../domain/migration-resource.js';
import { ENGLISH, type Translator } from '../i18n/translator.js';

/**
 * The order an on-call engineer reads a list in: what needs a person first (failed), then what may
 * need one (paused, pausing), then what is moving, waiting, and what is done. Unreadable items come
 * right after the failures: they may hide one.
 */
const TRIAGE_RANK: Record<NormalizedState, number> = {
  failed: 0,
  unknown: 2,
  paused: 3,
  pausing: 3,
  retrying: 4,
  running: 4,
  deleting: 4,
  monitoring: 5,
  queued: 6,
  succeeded: 7,
  cancelled: 8,
  deleted: 9,
};

function rank(r: MigrationResource): number {
  return r.unreadable ? 1 : TRIAGE_RANK[r.state];
}

/** Sorted for triage; within a group, the most recently changed first, then by name. */
export function orderForTriage(resources: readonly MigrationResource[]): MigrationResource[] {
  return [...resources].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (b.updatedAt?.getTime() ?? b.startedAt?.getTime() ?? 0) -
        (a.updatedAt?.getTime() ?? a.startedAt?.getTime() ?? 0) ||
      a.name.localeCompare(b.name),
  );
}

/** The groups a summary line counts, in triage order; their words are `list.summary.<label>`. */
const SUMMARY: { label: SummaryLabel; states: readonly NormalizedState[] }[] = [
  { label: 'failed', states: ['failed'] },
  { label: 'paused', states: ['paused', 'pausing'] },
  { label: 'running', states: ['running', 'retrying', 'deleting'] },
  { label: 'syncing', states: ['monitoring'] },
  { label: 'waiting', states: ['queued'] },
  { label: 'succeeded', states: ['succeeded'] },
];
type SummaryLabel = 'failed' | 'paused' | 'running' | 'syncing' | 'waiting' | 'succeeded' | 'unreadable';

/**
 * "3 failed · 2 paused · 5 running": the groups that have anything, in triage order, in the
 * reader's words. Every row counts once, by the state it shows, so the figures add up to the rows
 * under them: a task group's own tasks are rows of their own, and counting them only through their
 * group ("4 running" beside 6 Migrating rows) hid a group's failed tasks from "failed" too.
 * `total`: how many match in all, when more match than were read; those are said to be uncounted.
 */
export function triageSummary(
  resources: readonly MigrationResource[],
  tr: Translator = ENGLISH,
  total?: number,
): string {
  const parts: string[] = [];
  const say = (label: SummaryLabel, n: number) =>
    parts.push(tr.t(`list.summary.${label}`, { n: tr.count(n) }));
  const unreadable = resources.filter((r) => r.unreadable).length;
  for (const group of SUMMARY) {
    const n = resources.filter((r) => !r.unreadable && group.states.includes(r.state)).length;
    if (n > 0) say(group.label, n);
    if (group.label === 'failed' && unreadable > 0) say('unreadable', unreadable);
  }
  const unread = (total ?? 0) - resources.length;
  if (unread > 0) parts.push(tr.t('list.summary.unread', { count: tr.count(unread) }));
  return parts.join(' · ');
}
