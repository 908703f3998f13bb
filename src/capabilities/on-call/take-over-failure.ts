import { InvalidInputError } from '../../errors.js';
import { findResource, type ResourceTarget, type UseCaseContext } from '../../use-cases/context.js';
import { type ClaimOutcome, noteClaim, taken } from './claim-failure.js';
import { type Claim, type Claims, failureOf } from './claims.js';
import { ON_CALL_WORDS } from './words.js';

/**
 * Nobody is left alone with a failure: anyone who may operate takes over a claimed
 * failure from its owner (the one they saw in the confirm), and an admin releases a claim.
 * Both are one compare-and-set of the claim; the posts of it then show the new owner, or none.
 */
export async function takeOverFailure(
  ctx: UseCaseContext,
  claims: Claims,
  target: ResourceTarget,
  from: string,
  now: number = ctx.deps.clock.now(),
): Promise<ClaimOutcome> {
  await ctx.require('operate', ctx.here, 'take over failures');
  const { resource } = await findResource(ctx, target);
  if (resource.state !== 'failed') throw InvalidInputError.in(ON_CALL_WORDS, 'claim.notFailed');
  // A channel's post shows Take over to everyone, its owner too: pressed by them, nothing moves
  // (no new claim time, no take-over from themselves in the audit); they are told they have it.
  const held = await claims.current(ctx.teamId, resource, now);
  if (held?.by === ctx.userId) return { claim: held, did: 'already', watches: [] };
  const ref = `${resource.connection}:${resource.id}`;
  const claim: Claim = { by: ctx.userId, at: now, about: failureOf(resource) };
  const outcome = await ctx.audited('claim.take-over', `${ref} from ${from}`, async () => {
    const taking = await claims.takeOver(ctx.teamId, resource, claim, from);
    if (!taking.won) {
      // Someone else took it (or handed it back and another took it) since the confirm was drawn.
      const user = `<@${taking.claim.by}>`;
      throw InvalidInputError.in(ON_CALL_WORDS, 'claim.changed', { user, from: `<@${from}>` });
    }
    return taking;
  });
  const watches = await noteClaim(ctx, resource, outcome.claim);
  return { claim: outcome.claim, did: 'taken-over', watches };
}

/** An admin frees a claimed failure (its owner is away): nobody is on it afterwards. */
export async function releaseFailure(
  ctx: UseCaseContext,
  claims: Claims,
  target: ResourceTarget,
): Promise<ClaimOutcome & { released: Claim | undefined }> {
  await ctx.require('manage', ctx.here, "release someone's claim");
  const { resource } = await findResource(ctx, target);
  const ref = `${resource.connection}:${resource.id}`;
  const released = await ctx.audited('claim.release', ref, () => claims.release(ctx.teamId, resource));
  const watches = await noteClaim(ctx, resource, undefined);
  return { claim: undefined, did: 'released', released, watches };
}

/**
 * "Keep" under "Still on it?" (escalation): the owner takes the failure again, so the claim's clock
 * starts over. Only the owner: anyone else is told who has it (and may take it over instead).
 */
export async function keepClaim(
  ctx: UseCaseContext,
  claims: Claims,
  target: ResourceTarget,
  now: number = ctx.deps.clock.now(),
): Promise<ClaimOutcome> {
  await ctx.require('operate', ctx.here, 'keep a failure');
  const { resource } = await findResource(ctx, target);
  if (resource.state !== 'failed') throw InvalidInputError.in(ON_CALL_WORDS, 'claim.notFailed');
  const held = await claims.current(ctx.teamId, resource, now);
  if (held?.by !== ctx.userId) {
    const user = held ? `<@${held.by}>` : '—';
    throw InvalidInputError.in(ON_CALL_WORDS, 'escalation.notOwner', { user });
  }
  const ref = `${resource.connection}:${resource.id}`;
  const kept = await ctx.audited('claim.keep', ref, async () => {
    const taking = await claims.take(ctx.teamId, resource, { ...held, at: now, about: failureOf(resource) });
    // Taken over (or released and taken) between the check and the write: say who has it now.
    if (!taking.won) throw taken(taking.claim);
    return taking;
  });
  const watches = await noteClaim(ctx, resource, kept.claim);
  return { claim: kept.claim, did: 'kept', watches };
}
