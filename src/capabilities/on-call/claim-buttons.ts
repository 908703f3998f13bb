import { roleAllows } from '../../access/roles.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import { AppError, InvalidInputError } from '../../errors.js';
import { slackDate } from '../../slack/blocks/format.js';
import { type ButtonArgs, buttonHandler, postedOn } from '../../slack/button-handler.js';
import type { AppDeps } from '../../slack/context.js';
import {
  type ButtonTarget,
  decodeResourceButton,
  encodeResourceButton,
} from '../../slack/resource-button.js';
import { redrawnOn } from '../../watcher/watch-notes.js';
import { claimIntent, claimLine, releaseButton, takeOverButton, takeOverOwner } from './claim-blocks.js';
import { type ClaimOutcome, claimFailure } from './claim-failure.js';
import type { Claim } from './claims.js';
import { onCallState } from './on-call-state.js';
import { keepClaim, releaseFailure, takeOverFailure } from './take-over-failure.js';
import { ON_CALL_WORDS } from './words.js';

/**
 * "I'm on it" / "Hand back" on a failure post or a failed card: records the claim, which the one
 * editor shows on every post of the failure at once, so the whole channel sees who has it. Pressed on someone
 * else's claim, it answers with who has it and offers Take over (and Release, to an admin).
 */
export function claimButton() {
  return buttonHandler(async (ctx, args) => {
    const exact = decodeResourceButton(args.action.value);
    let outcome: ClaimOutcome;
    try {
      outcome = await claimFailure(
        ctx,
        onCallState(ctx.deps).claims,
        { exact },
        undefined,
        claimIntent(args.action.value),
      );
    } catch (error) {
      if (error instanceof AppError && error.localized?.key === 'claim.taken') {
        const owner = /<@([UW][A-Z0-9]+)>/.exec(String(error.localized.values?.user ?? ''))?.[1];
        if (owner) return offerTakeOver(ctx, ctx.deps, exact, owner);
      }
      throw error;
    }
    await showClaim(ctx, args, outcome);
  });
}

/** "Take over" (behind a confirm naming the owner it replaces): the claim moves to the presser. */
export function takeOverButtonHandler() {
  return buttonHandler(async (ctx, args) => {
    const exact = decodeResourceButton(args.action.value);
    const from = takeOverOwner(args.action.value);
    // A button without the owner it was confirmed against replaces nobody unknowingly: refused.
    if (!from) throw InvalidInputError.of('error.oldButton');
    const outcome = await takeOverFailure(ctx, onCallState(ctx.deps).claims, { exact }, from);
    await showClaim(ctx, args, outcome);
  });
}

/** "Release" (admins): nobody is on the failure afterwards. */
export function releaseButtonHandler() {
  return buttonHandler(async (ctx, args) => {
    const exact = decodeResourceButton(args.action.value);
    const outcome = await releaseFailure(ctx, onCallState(ctx.deps).claims, { exact });
    await showClaim(ctx, args, outcome, outcome.released);
  });
}

/**
 * "Keep" under "Still on it?": the owner takes the failure again, so its claim's clock starts over
 * (the next check comes after the setting's hours). Anyone else is told who owns it.
 */
export function keepButtonHandler() {
  return buttonHandler(async (ctx, args) => {
    const exact = decodeResourceButton(args.action.value);
    const outcome = await keepClaim(ctx, onCallState(ctx.deps).claims, { exact });
    // The failure's posts say since when they have it again; the question itself stays as asked.
    const { message: _asked, container: _on, ...body } = args.body as unknown as Record<string, unknown>;
    await showClaim(ctx, { ...args, body } as unknown as ButtonArgs, outcome);
  });
}

/** Who has it, and what the presser may do about it: Take over; Release for an admin. */
async function offerTakeOver(
  ctx: HandlerContext,
  deps: AppDeps,
  exact: ButtonTarget,
  owner: string,
): Promise<void> {
  const tr = await ctx.translator('person');
  const claim =
    (await onCallState(deps).claims.get(ctx.teamId, exact)) ??
    ({ by: owner, at: deps.clock.now() } satisfies Claim);
  const value = encodeResourceButton(exact);
  const role = await deps.access.roleOf({ teamId: ctx.teamId, userId: ctx.userId }, ctx.here);
  const buttons = [takeOverButton(value, claim, tr)];
  if (roleAllows(role, 'manage')) buttons.push(releaseButton(value, claim, tr));
  const text = tr.with(ON_CALL_WORDS).t('claim.takenOffer', { user: `<@${claim.by}>` });
  await ctx.reply({
    text,
    replaceOriginal: false,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'actions', elements: buttons },
    ],
  });
}

/**
 * The presser's answer. The claim was recorded and the one editor has redrawn every post and card
 * of the failure from it (`WatchNotes`): pressed on one of those, the edit is the answer. Pressed
 * on a private card, on the offer of Take over, or on a post the edit budget left for the next
 * cycle, the presser is told in words (only they see it).
 */
async function showClaim(
  ctx: HandlerContext,
  args: ButtonArgs,
  outcome: ClaimOutcome,
  released?: Claim,
): Promise<void> {
  const post = postedOn(args.body);
  if (redrawnOn(outcome.watches, post)) return;
  const fromOffer =
    (args.body as { container?: { is_ephemeral?: boolean } }).container?.is_ephemeral === true;
  const tr = await ctx.translator('person');
  const text =
    outcome.did === 'kept'
      ? tr.with(ON_CALL_WORDS).t('escalation.kept')
      : outcome.did === 'already' && outcome.claim
        ? tr
            .with(ON_CALL_WORDS)
            .t('claim.alreadyYours', { ago: slackDate(new Date(outcome.claim.at), '{ago}') })
        : outcome.did === 'released'
          ? tr.with(ON_CALL_WORDS).t('claim.released', { user: released ? `<@${released.by}>` : '—' })
          : outcome.did === 'taken-over' && outcome.claim?.from
            ? tr.with(ON_CALL_WORDS).t('claim.tookOver', { from: `<@${outcome.claim.from}>` })
            : outcome.claim
              ? claimLine(outcome.claim, tr)
              : tr.with(ON_CALL_WORDS).t('claim.handedBack');
  await ctx.reply({ text, replaceOriginal: fromOffer });
}
