import type { MigrationResource, NormalizedState } from '../domain/migration-resource.js';
import type { MigrationProvider } from '../providers/types.js';
import type { CycleReport } from './cycle-report.js';

/** Failed tasks a group card names; the rest are "and N more" behind a button. */
export const FAILED_SHOWN = 5;

/** What a task group's card shows of its tasks: how many in each state, and the first failures. */
export interface GroupTally {
  tasks: number;
  counts: Partial<Record<NormalizedState, number>>;
  failedCount: number;
  failed: { id: string; name: string; code?: string }[];
  /** The group has more tasks than the pages read: the counts are of the first ones. */
  partial: boolean;
}

/**
 * Reads a task group's tasks (ListTasks filtered by `group_id`, pages of `pageSize`, at most
 * `maxPages`) into counts: a group of 1,000 tasks is one card, not 1,000 watches.
 */
export async function tallyGroup(
  provider: MigrationProvider,
  groupId: string,
  settings: { pageSize: number; maxPages: number },
  report: CycleReport,
): Promise<GroupTally> {
  const tally: GroupTally = { tasks: 0, counts: {}, failedCount: 0, failed: [], partial: false };
  for (let page = 0; page < settings.maxPages; page++) {
    report.providerRequests++;
    report.pages++;
    const { resources, total } = await provider.list({
      kind: 'task',
      groupId,
      limit: settings.pageSize,
      offset: page * settings.pageSize,
    });
    for (const task of resources) add(tally, task);
    const end = (page + 1) * settings.pageSize;
    if (resources.length < settings.pageSize || (total !== undefined && end >= total)) return tally;
  }
  tally.partial = true;
  return tally;
}

function add(tally: GroupTally, task: MigrationResource): void {
  if (task.unreadable) return;
  tally.tasks++;
  tally.counts[task.state] = (tally.counts[task.state] ?? 0) + 1;
  if (task.state !== 'failed') return;
  tally.failedCount++;
  if (tally.failed.length < FAILED_SHOWN)
    tally.failed.push({
      id: task.id,
      name: task.name,
      ...(task.lastError?.code ? { code: task.lastError.code } : {}),
    });
}

/** Whether the card should be redrawn: the counts moved. */
export function tallyChanged(before: GroupTally | undefined, after: GroupTally): boolean {
  return (
    JSON.stringify(before?.counts ?? {}) !== JSON.stringify(after.counts) || before?.tasks !== after.tasks
  );
}
