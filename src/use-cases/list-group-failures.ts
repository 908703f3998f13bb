import type { MigrationResource } from '../domain/migration-resource.js';
import type { UseCaseContext } from './context.js';

export interface GroupFailures {
  group: MigrationResource;
  failed: MigrationResource[];
  /** More failed tasks than were read (the pages are bounded). */
  more: boolean;
}

const PAGE = 100;
const MAX_PAGES = 5;

/** A task group's failed tasks: the group card's "List all N failed" button. */
export async function listGroupFailures(
  ctx: UseCaseContext,
  target: { connection: string; id: string },
): Promise<GroupFailures> {
  await ctx.require('view', ctx.here, 'see migrations');
  const { provider, resource: group } = await ctx.deps.resources.resolver.fetch(
    ctx.teamId,
    target.connection,
    'task-group',
    target.id,
  );
  const failed: MigrationResource[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const { resources } = await provider.list({
      kind: 'task',
      groupId: group.id,
      states: ['failed'],
      limit: PAGE,
      offset: page * PAGE,
    });
    failed.push(...resources.filter((r) => r.state === 'failed'));
    if (resources.length < PAGE) return { group, failed, more: false };
  }
  return { group, failed, more: true };
}
