import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { CapabilityButton } from '../../contract/card.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import { RESOURCE_KINDS } from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { code } from '../../slack/blocks/mrkdwn.js';
import { buttonHandler } from '../../slack/button-handler.js';
import { SKIP } from '../../store/atomic-kv.js';
import { parseJsonOrUndefined } from '../../store/open-atomic-kv.js';
import { type VerifiedRun, verificationTargetOf } from '../shared/verified-run.js';
import { admissible, confirmCut, FREEZE_DEFAULT } from './cut-command.js';
import { showCut } from './cut-post.js';
import {
  CUT_ACTIVE,
  type Cutover,
  cutKey,
  cutOfKey,
  cutTeamSet,
  FREEZE_MAX,
  FREEZE_MIN,
  newSteps,
  WATCH_DEFAULT_DAYS,
  WATCH_MAX_DAYS,
} from './cut-record.js';
import { audit } from './cut-say.js';
import type { CutoverState } from './state.js';
import { CUTOVER_WORDS } from './words.js';

export const OPEN_CUT_ACTION = 'cutover.cut.open';

/** "Cut over…" under the verification post of a run that succeeded, beside Keep in sync. */
export function cutButton(run: VerifiedRun, tr: Translator): CapabilityButton[] {
  if (run.state !== 'succeeded' || !run.provider) return [];
  return [
    {
      type: 'button',
      action_id: OPEN_CUT_ACTION,
      text: { type: 'plain_text', text: tr.with(CUTOVER_WORDS).t('cutover.cut.button.open') },
      value: JSON.stringify({ c: run.connection, k: run.kind, id: run.id, at: run.at }),
    },
  ];
}

/** Pressed under the verification post: the same confirmation as the command, with the default freeze. */
export function openCut(of: () => CutoverState) {
  return buttonHandler(async (ctx, args) => {
    const t = verificationTargetOf(args.action.value, ctx.channelId);
    await confirmCut(ctx, of(), {
      target: { exact: { connection: t.connection, kind: t.kind, id: t.id } },
      freezeMin: FREEZE_DEFAULT,
      watchDays: WATCH_DEFAULT_DAYS,
    });
  });
}

const startValue = z.strictObject({
  c: z.string().min(1).max(40),
  k: z.enum(RESOURCE_KINDS),
  id: z.string().min(1).max(200),
  f: z.number().int().min(FREEZE_MIN).max(FREEZE_MAX),
  w: z.number().int().min(1).max(WATCH_MAX_DAYS),
});

/**
 * Start, under the confirmation: everything checked again (a second cut-over started meanwhile is
 * refused), the migration taken by one compare-and-set so two presses start one, the record
 * written, and its post shown; the job does the steps from here.
 */
export function startCut(of: () => CutoverState) {
  return buttonHandler(async (ctx, args) => {
    const s = of();
    const parsed = startValue.safeParse(parseJsonOrUndefined(args.action.value));
    if (!parsed.success) throw InvalidInputError.of('error.oldButton');
    const v = parsed.data;
    const admitted = await admissible(ctx, s, { exact: { connection: v.c, kind: v.k, id: v.id } });
    const { channel, ref } = admitted;
    await beginCut(ctx, s, admitted, v.f, v.w);
    const t = (await ctx.translator('person')).with(CUTOVER_WORDS);
    await ctx.reply({
      text: t.t('cutover.cut.started', { ref: code(ref), channel: `<#${channel}>` }),
      replaceOriginal: true,
    });
  });
}

/**
 * A cut-over begun: the migration taken by one compare-and-set (a second is refused), the record
 * written with its steps waiting, audited, and its post shown; the job does the steps from here.
 */
export async function beginCut(
  ctx: HandlerContext,
  s: CutoverState,
  admitted: Awaited<ReturnType<typeof admissible>>,
  freezeMin: number,
  watchDays: number,
  plan?: { id: string; name: string },
): Promise<Cutover> {
  const { resource, connection, channel, ref } = admitted;
  const id = randomBytes(5).toString('hex');
  const now = s.core.clock.now();
  const cut: Cutover = {
    id,
    team: ctx.teamId,
    channel,
    connection: resource.connection,
    provider: connection.provider,
    kind: resource.kind,
    resourceId: resource.id,
    name: resource.name.slice(0, 1024),
    starter: ctx.userId,
    startedAt: now,
    freezeMin,
    watchDays,
    status: 'running',
    steps: newSteps(),
    ...(plan ? { plan } : {}),
  };
  await ctx.audited('cutover.start', ref, async () => {
    const key = cutOfKey(ctx.teamId, resource.connection, resource.id);
    const held = await s.core.state.update(key, (current) => (current === undefined ? id : SKIP));
    if (held !== id)
      throw InvalidInputError.in(CUTOVER_WORDS, 'cutover.cut.refused.again', {
        ref: code(ref),
        status: 'running',
        starter: '?',
      });
    await s.core.state.update(cutKey(ctx.teamId, id), () => JSON.stringify(cut));
    await s.core.state.setAdd(cutTeamSet(ctx.teamId), id);
    await s.core.state.setAdd(CUT_ACTIVE, `${ctx.teamId}:${id}`);
  });
  await audit(s, cut, 'cutover.step', 'confirmed', ctx.userId);
  await showCut(s, cut);
  return cut;
}
