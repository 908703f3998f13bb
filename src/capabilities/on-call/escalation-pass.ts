import type { CapabilityCore } from '../../contract/capability.js';
import { targetOfKey } from '../../watcher/records/record-codec.js';
import { escalate } from './escalation.js';
import { ON_CALL, type OnCallState } from './on-call-state.js';

/**
 * One escalation pass over the watches of the workspaces that escalate (the job
 * `on-call:escalation`): the policies of the channels with a failure are read first (the decision itself is pure), then each failed watch
 * (or one whose fact outlived its failure) is moved on in one compare-and-set that says its steps.
 * Nothing is asked of a provider. Resolves with how many watches changed.
 */
export async function escalationPass(s: OnCallState, core: CapabilityCore, now: number): Promise<number> {
  const { store, notes } = core.watcher;
  const keys = await store.watchKeys();
  // Only the watches of workspaces that escalate somewhere are read (the key names the workspace).
  const teams = await s.policies.escalating(keys.flatMap((k) => targetOfKey(k)?.teamId ?? []));
  const loaded = await store.loadMany(
    keys.filter((k) => {
      const team = targetOfKey(k)?.teamId;
      return team === undefined || teams.has(team);
    }),
  );
  const concerned = loaded.filter(
    ({ record: r }) => !r.ended && !r.broken && (r.state === 'failed' || r.facts?.[ON_CALL] !== undefined),
  );
  if (concerned.length === 0) return 0;
  await s.policies.load(concerned.map((w) => w.record.watch));
  return notes.timed(
    ON_CALL,
    concerned,
    (record) => escalate(record, s.policies.get(record.watch), now),
    now,
  );
}
