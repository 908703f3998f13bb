import { channelScope } from '../../access/policy.js';
import { InvalidInputError } from '../../errors.js';
import { titlesIn } from '../../resources/resource-titles.js';
import type { UseCaseContext } from '../../use-cases/context.js';
import { type WatchRecord, watchKey } from '../../watcher/records/watch-store.js';
import { watchesOf } from '../../watcher/watch-notes.js';
import { verificationOf } from '../shared/verification-fact.js';
import type { RunTarget } from '../shared/verified-run.js';
import { requestersOf, type SignOffResult, signOffWatch } from './signoff.js';
import { VERIFICATION_WORDS } from './words.js';

/** Which verification: the watch (its channel and resource) and the verification's `at`. */
export type SignOffTarget = RunTarget;

/**
 * Checks a sign-off before its note is asked for, and again when it is recorded: the policy
 * (`operate` in the watch's channel), the two-person rule (whoever asked for the migration, or
 * started a watch of it where there was no request, may not sign it, in any channel: `requestersOf`),
 * and a failed run (never signed as complete). Returns the watch record it is about.
 */
export async function checkSignOff(ctx: UseCaseContext, target: SignOffTarget): Promise<WatchRecord> {
  await ctx.require('operate', channelScope(target.channel), 'sign off verifications');
  const record = await ctx.deps.watcher.store.read<WatchRecord>(
    watchKey({ teamId: ctx.teamId, channelId: target.channel, ...target }),
  );
  const v = verificationOf(record);
  if (!record || !v || v.at !== target.at) throw InvalidInputError.in(VERIFICATION_WORDS, 'verify.gone');
  if (v.signoff) throw already(v.signoff.by);
  if (v.report.state === 'failed') throw InvalidInputError.in(VERIFICATION_WORDS, 'verify.refused.failed');
  // Who asked is a fact of the resource, not of this channel's watch: the requester of an approved
  // request is refused in every channel that watches it, not only where the request was made.
  // (This record too, whatever the resource's set of watch keys says.)
  // The approval's own record of who asked outlives every watch (an unwatch cannot erase it).
  const asked = await titlesIn(ctx.deps)?.requester(ctx.teamId, record.watch);
  const watches = await watchesOf(ctx.deps.watcher.store, record.watch);
  if (asked === ctx.userId || requestersOf([record, ...watches.map((w) => w.record)]).has(ctx.userId)) {
    const user = `<@${ctx.userId}>`;
    throw InvalidInputError.in(VERIFICATION_WORDS, 'verify.refused.requester', {
      user,
    });
  }
  return record;
}

/** Records the sign-off (audited) once the checks pass; the loser of a race is told who won. */
export async function signOffVerification(
  ctx: UseCaseContext,
  target: SignOffTarget,
  note: string,
): Promise<Extract<SignOffResult, { outcome: 'signed' }>> {
  const record = await checkSignOff(ctx, target);
  const key = watchKey(record.watch);
  const now = ctx.deps.clock.now();
  return ctx.audited('verify-signoff', `${target.connection}:${target.id}`, async () => {
    const signoff = { by: ctx.userId, at: now, note };
    const result = await ctx.deps.watcher.notes.written((store) =>
      signOffWatch(store, key, target.at, signoff),
    );
    if (result.outcome === 'already') throw already(result.signoff.by);
    if (result.outcome === 'failed') throw InvalidInputError.in(VERIFICATION_WORDS, 'verify.refused.failed');
    if (result.outcome === 'gone') throw InvalidInputError.in(VERIFICATION_WORDS, 'verify.gone');
    return result;
  });
}

function already(by: string): Error {
  const user = `<@${by}>`;
  return InvalidInputError.in(VERIFICATION_WORDS, 'verify.already', { user });
}
