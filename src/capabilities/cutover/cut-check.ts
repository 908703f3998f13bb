import { CapabilityPosts } from '../../watcher/outbox/capability-posts.js';
import { bucketStore } from '../objects/bucket-store.js';
import { CAPABILITY as OBJECTS } from '../objects/check-post.js';
import { planCheck } from '../objects/plan.js';
import { runCheck } from '../objects/run-check.js';
import { type CheckFigures, type Cutover, readCut } from './cut-record.js';
import type { CutoverState } from './state.js';

/** What the check step came to: green only with 0 missing, 0 different, both sides listed to the end. */
export type CheckResult =
  | { state: 'green'; figures: CheckFigures }
  | { state: 'red'; figures?: CheckFigures; why: 'differs' | 'not-s3' | 'unchecked' };

/**
 * "Check the buckets" on the migrated prefix, as the objects capability runs it (its plan, its
 * listing and compare, its post and CSV in the cut-over's channel), awaited: a source or
 * destination that does not speak S3 cannot be checked and says so; a side it could not list, or
 * a listing cut at the check's bound, is not taken for equal.
 */
export async function checkBuckets(
  s: CutoverState,
  cut: Cutover,
  signal: AbortSignal,
  beat: () => Promise<void> = async () => undefined,
): Promise<CheckResult> {
  const connection = s.core.connections.get(cut.team, cut.connection);
  const provider = s.core.connections.provider(connection, 'background');
  const resource = await provider.get(cut.kind, cut.resourceId);
  const plan = planCheck(resource, connection);
  const notS3 = [plan.source, plan.destination].some((side) => !side.ok && side.why === 'not-s3');
  if (notS3) return { state: 'red', why: 'not-s3' };
  const ref = `${cut.connection}:${cut.resourceId}`;
  const tr = await s.core.locales.translatorForChannel(cut.team, cut.channel);
  const to = s.core.sender.to(cut.team, { purpose: 'background' });
  const outcome = await runCheck(
    {
      posts: new CapabilityPosts(s.core.watcher),
      files: { uploadFile: (file) => to.uploadFile(file) },
      tr,
      clock: s.core.clock,
      logger: s.core.logger,
      signal,
      storeFor: bucketStore(s.core.config, s.core.clock),
      // Abort calls the check off on whichever replica runs it: it stops at its next page.
      cancelledBy: async () => (await readCut(s.core.state, cut.team, cut.id))?.aborted?.by,
      beat,
    },
    plan,
    {
      post: { teamId: cut.team, channel: cut.channel, id: `${OBJECTS}-cut-${cut.id}` },
      name: cut.name,
      ref,
      deep: false,
    },
  );
  const t = outcome.tally;
  const figures: CheckFigures = {
    source: t.source,
    destination: t.destination,
    matched: t.matched,
    missing: t.missing,
    different: t.different,
    extra: t.extra,
    ...(outcome.checkedThrough ? { cut: true } : {}),
  };
  signal.throwIfAborted();
  if (outcome.status !== 'done' || outcome.problems.length > 0 || outcome.checkedThrough)
    return { state: 'red', figures, why: 'unchecked' };
  if (t.missing > 0 || t.different > 0) return { state: 'red', figures, why: 'differs' };
  return { state: 'green', figures };
}
