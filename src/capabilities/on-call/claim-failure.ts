import { InvalidInputError } from '../../errors.js';
import { findResource, type ResourceTarget, type UseCaseContext } from '../../use-cases/context.js';
import type { WatchRecord } from '../../watcher/records/watch-store.js';
import type { NotedResource } from '../../watcher/watch-notes.js';
import { type Claim, type Claims, failureOf } from './claims.js';
import { withClaim } from './on-call-fact.js';
import { ON_CALL } from './on-call-state.js';
import { ON_CALL_WORDS } from './words.js';

export interface ClaimOutcome {
  /** The claim as it is now: the presser's, or none after they handed it back. */
  claim: Claim | undefined;
  /** What happened, for the audit and the reply (`already`: the presser had it, nothing changed). */
  did: 'claimed' | 'handed-back' | 'taken-over' | 'released' | 'kept' | 'already';
  /** The resource's watches once the editor redrew their posts with the claim (`showsNow`). */
  watches: WatchRecord[];
}

/**
 * "I'm on it" on a failure, or "Hand back" from the person who has it. Anyone who may operate in
 * the channel of the post may take a failure nobody has; only the claimant hands it back, so two
 * people do not act on one failure at once without knowing.
 */
export async function claimFailure(
  ctx: UseCaseContext,
  claims: Claims,
  target: ResourceTarget,
  now: number = ctx.deps.clock.now(),
  intent?: 'take' | 'hand-back',
): Promise<ClaimOutcome> {
  await ctx.require('operate', ctx.here, 'take on failures');
  const { resource } = await findResource(ctx, target);
  const held = await claims.current(ctx.teamId, resource, now);
  const ref = `${resource.connection}:${resource.id}`;
  // A press says what it is for (the button carries it): a "Hand back" never takes the failure,
  // even when it finds the claim already gone (a double click, an admin's release meanwhile).
  const wantsBack = intent === 'hand-back' || (intent === undefined && held?.by === ctx.userId);
  if (wantsBack) {
    const released =
      held?.by === ctx.userId &&
      (await ctx.audited('hand-back', ref, () => claims.handBack(ctx.teamId, resource, ctx.userId)));
    const watches = released ? await noteClaim(ctx, resource, undefined) : [];
    if (!released) {
      const holder = await claims.current(ctx.teamId, resource, now);
      if (holder && holder.by !== ctx.userId) throw taken(holder);
    }
    return { claim: undefined, did: 'handed-back', watches };
  }
  if (held && held.by !== ctx.userId) throw taken(held);
  if (held) return { claim: held, did: 'claimed', watches: [] };
  if (resource.state !== 'failed') throw InvalidInputError.in(ON_CALL_WORDS, 'claim.notFailed');
  // One compare-and-set decides between two people pressing at once (on any replica).
  const outcome = await ctx.audited('claim', ref, async () => {
    const taking = await claims.take(ctx.teamId, resource, {
      by: ctx.userId,
      at: now,
      about: failureOf(resource),
    });
    if (!taking.won) throw taken(taking.claim);
    return taking;
  });
  // The watcher's channel cards of it say who, as the post and the Home do.
  const watches = await noteClaim(ctx, resource, outcome.claim);
  return { claim: outcome.claim, did: 'claimed', watches };
}

/** "<@U> is on it already": who holds the failure, for whoever pressed after them. */
export function taken(held: Claim): Error {
  const user = `<@${held.by}>`;
  return InvalidInputError.in(ON_CALL_WORDS, 'claim.taken', { user });
}

/**
 * Who is on the failure now (undefined: nobody), on every watch of the resource as on-call's fact:
 * the one editor redraws the failure's posts and cards with it. Returns the watches once redrawn.
 */
export function noteClaim(
  ctx: UseCaseContext,
  resource: NotedResource,
  claim: Claim | undefined,
): Promise<WatchRecord[]> {
  return ctx.deps.watcher.notes.fact(ctx.teamId, resource, ON_CALL, (was: unknown) => withClaim(was, claim));
}
