import { InvalidInputError } from '../../errors.js';
import type { MigrationProvider } from '../../providers/types.js';
import type { ApprovalRecord } from '../shared/approval-record.js';

/**
 * What an approved request makes: a new resource, or (a delta run in `restart` mode) the
 * resource it follows started again, which stays the resource the request made.
 */
export async function createOrRestart(
  provider: MigrationProvider,
  approved: ApprovalRecord,
): Promise<{ id: string; name: string }> {
  const rerun = approved.rerun;
  if (rerun?.mode === 'restart') {
    if (!provider.resume) throw new InvalidInputError(`${provider.id} cannot start ${rerun.of.id} again.`);
    await provider.resume(rerun.of.kind, rerun.of.id);
    return { id: rerun.of.id, name: rerun.of.name || rerun.of.id };
  }
  if (!provider.create) throw new InvalidInputError(`${provider.id} cannot create resources.`);
  return provider.create(approved.kind, approved.request);
}
