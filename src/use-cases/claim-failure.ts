import { InvalidInputError, localized } from '../errors.js';
import { type Claim, type Claims, failureOf } from '../resources/claims.js';
import { failurePostsShowing } from '../watcher/living-posts.js';
import { findResource, type ResourceTarget, type UseCaseContext } from './context.js';

export interface ClaimOutcome {
  /** The claim as it is now: the presser's, or none after they handed it back. */
  claim: Claim | undefined;
  /** What happened, for the audit and the reply. */
  did: 'claimed' | 'handed-back';
  /** The failure posts the watcher made of it that still show it as posted: they show the claim too. */
  posts: ReturnType<typeof failurePostsShowing>;
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
  now: number = Date.now(),
): Promise<ClaimOutcome> {
  await ctx.require('operate', ctx.here, 'take on failures');
  const { resource } = await findResource(ctx, target);
  const held = await claims.current(ctx.teamId, resource);
  const ref = `${resource.connection}:${resource.id}`;
  if (held && held.by === ctx.userId) {
    await ctx.audited('hand-back', ref, () => claims.handBack(ctx.teamId, resource));
    const watches = await ctx.deps.watcher.noteClaim(ctx.teamId, resource, undefined);
    return { claim: undefined, did: 'handed-back', posts: watches.flatMap(failurePostsShowing) };
  }
  if (held) {
    const user = `<@${held.by}>`;
    throw localized(new InvalidInputError(`${user} is on it already.`), 'claim.taken', { user });
  }
  if (resource.state !== 'failed')
    throw localized(new InvalidInputError('This is no longer failed.'), 'claim.notFailed');
  const claim: Claim = { by: ctx.userId, at: now, about: failureOf(resource) };
  await ctx.audited('claim', ref, () => claims.take(ctx.teamId, resource, claim));
  // The watcher's channel cards of it say who, as the post and the Home do.
  const watches = await ctx.deps.watcher.noteClaim(ctx.teamId, resource, claim);
  return { claim, did: 'claimed', posts: watches.flatMap(failurePostsShowing) };
}
