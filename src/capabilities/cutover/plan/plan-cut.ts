import { randomBytes } from 'node:crypto';
import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import type { HandlerContext } from '../../../contract/handler-context.js';
import { InvalidInputError } from '../../../errors.js';
import { slackDate } from '../../../slack/blocks/format.js';
import { code, escapeMrkdwn, truncate } from '../../../slack/blocks/mrkdwn.js';
import { buttonHandler } from '../../../slack/button-handler.js';
import { SKIP } from '../../../store/atomic-kv.js';
import { parseJsonOrUndefined } from '../../../store/open-atomic-kv.js';
import { findResource } from '../../../use-cases/context.js';
import { admissible, type CutInput, stepLines, syncing } from '../cut-command.js';
import { FREEZE_MAX, FREEZE_MIN, WATCH_MAX_DAYS } from '../cut-record.js';
import { beginCut } from '../cut-start.js';
import type { CutoverState } from '../state.js';
import { CUTOVER_WORDS } from '../words.js';
import { PLAN_CUT_ACTIVE, type PlanCut, planCutKey, planCutTeam, showPlanCut } from './plan-cut-pass.js';
import { type PlanSeen, planOf } from './plan-of.js';

export const PLAN_START_ACTION = 'cutover.plan.start';

type Key = keyof (typeof CUTOVER_WORDS)['en'];
const bad = (key: Key, values?: Record<string, string | number>) =>
  InvalidInputError.in(CUTOVER_WORDS, key, values);

/**
 * A plan's migrations checked as one: none still running its first copy (the first such is named),
 * no cut-over of the plan under way, and each migration admissible as a single cut-over is.
 */
async function admitPlan(ctx: HandlerContext, s: CutoverState, plan: PlanSeen) {
  await ctx.require('operate', ctx.here, 'cut a plan over');
  const name = escapeMrkdwn(plan.name);
  if (plan.members.length === 0) throw bad('cutover.plan.refused.empty', { plan: name });
  const earlier = await s.core.state.get(planCutKey(ctx.teamId, plan.id));
  const was = earlier ? (JSON.parse(earlier) as PlanCut) : undefined;
  if (was?.status === 'running')
    throw bad('cutover.plan.refused.again', { plan: name, starter: `<@${was.starter}>` });
  for (const m of plan.members) {
    const { resource } = await findResource(ctx, { exact: m });
    if (resource.state !== 'succeeded')
      throw bad('cutover.plan.refused.running', {
        plan: name,
        name: escapeMrkdwn(resource.name),
        ref: code(`${m.connection}:${m.id}`),
        state: resource.state,
      });
  }
  const admitted = [];
  for (const m of plan.members) admitted.push(await admissible(ctx, s, { exact: m }));
  return admitted;
}

/** A word that names a plan of this workspace asks the plan's cut-over (true); any other, none. */
export async function askPlanCut(ctx: HandlerContext, s: CutoverState, input: CutInput): Promise<boolean> {
  const plan = input.word ? await planOf(s.core, ctx.teamId, input.word) : undefined;
  if (!plan) return false;
  await confirmPlanCut(ctx, s, plan, input);
  return true;
}

/** The one confirmation for a plan: its migrations, the steps each runs, and Start. Nothing is changed yet. */
export async function confirmPlanCut(
  ctx: HandlerContext,
  s: CutoverState,
  plan: PlanSeen,
  input: CutInput,
): Promise<void> {
  const admitted = await admitPlan(ctx, s, plan);
  const t = (await ctx.translator('person')).with(CUTOVER_WORDS);
  const head = t.t('cutover.plan.confirm', {
    plan: escapeMrkdwn(plan.name),
    n: admitted.length,
    channel: `<#${plan.channel}>`,
    freeze: input.freezeMin,
  });
  const members = admitted.map((a) => `• ${escapeMrkdwn(a.resource.name)} (${code(a.ref)})`);
  const resources = admitted.map((a) => a.resource);
  const delta = { syncs: await syncing(s, ctx.teamId, resources), of: admitted.length };
  const steps = stepLines(t, input, delta, true);
  const text = truncate(
    `${head}\n${members.join('\n')}\n${t.t('cutover.plan.steps')}\n${steps.join('\n')}`,
    3_000,
  );
  const value = JSON.stringify({ p: plan.id, f: input.freezeMin, w: input.watchDays });
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text } },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: PLAN_START_ACTION,
          style: 'danger',
          value,
          text: { type: 'plain_text', text: t.t('cutover.plan.button.start') },
          // Many cut-overs start at one press: the dialog says how many, and where the freeze is said.
          confirm: {
            title: { type: 'plain_text', text: t.t('cutover.plan.start.title') },
            text: {
              type: 'mrkdwn',
              text: t.t('cutover.plan.start.text', {
                n: admitted.length,
                plan: escapeMrkdwn(plan.name),
                channel: `<#${plan.channel}>`,
              }),
            },
            confirm: { type: 'plain_text', text: t.t('cutover.plan.start.confirm') },
            deny: { type: 'plain_text', text: t.t('cutover.plan.start.deny') },
            style: 'danger',
          },
        },
      ],
    },
  ];
  await ctx.reply({ text, blocks });
}

const startValue = z.strictObject({
  p: z.string().regex(/^p[0-9a-f]{6}$/),
  f: z.number().int().min(FREEZE_MIN).max(FREEZE_MAX),
  w: z.number().int().min(1).max(WATCH_MAX_DAYS),
});

/**
 * Start, under the plan's confirmation: everything checked again, the plan taken by one
 * compare-and-set (two presses, on any replica, start one), one freeze notice for the plan, then one
 * cut-over per migration (the single flow), started together; the plan's post sums them up.
 */
export function startPlanCut(of: () => CutoverState) {
  return buttonHandler(async (ctx, args) => {
    const s = of();
    const parsed = startValue.safeParse(parseJsonOrUndefined(args.action.value));
    if (!parsed.success) throw InvalidInputError.of('error.oldButton');
    const v = parsed.data;
    await ctx.require('operate', ctx.here, 'cut a plan over');
    const plan = await planOf(s.core, ctx.teamId, v.p);
    if (!plan) throw bad('cutover.plan.refused.unknown', { plan: code(v.p) });
    const admitted = await admitPlan(ctx, s, plan);
    const now = s.core.clock.now();
    const record: PlanCut = {
      claim: randomBytes(5).toString('hex'),
      team: ctx.teamId,
      plan: { id: plan.id, name: plan.name.slice(0, 200) },
      channel: plan.channel,
      starter: ctx.userId,
      startedAt: now,
      freezeMin: v.f,
      status: 'running',
      cuts: [],
    };
    const key = planCutKey(ctx.teamId, plan.id);
    const mine = JSON.stringify(record);
    const won = await s.core.state.update(key, (current) =>
      current && (JSON.parse(current) as PlanCut).status === 'running' ? SKIP : mine,
    );
    if (won !== mine) {
      const holder = won ? (JSON.parse(won) as PlanCut).starter : undefined;
      throw bad('cutover.plan.refused.again', {
        plan: escapeMrkdwn(plan.name),
        starter: holder ? `<@${holder}>` : '?',
      });
    }
    await s.core.state.setAdd(planCutTeam(ctx.teamId), plan.id);
    const tag = { id: plan.id, name: plan.name.slice(0, 200) };
    const cuts: string[] = [];
    for (const a of admitted) {
      try {
        cuts.push((await beginCut(ctx, s, a, v.f, v.w, tag)).id);
      } catch (error) {
        s.core.logger.warn(
          { err: error, plan: plan.id },
          'a migration of the plan could not start its cut-over',
        );
      }
    }
    const started: PlanCut = { ...record, cuts };
    await s.core.state.update(key, () => JSON.stringify(started));
    await s.core.state.setAdd(PLAN_CUT_ACTIVE, `${ctx.teamId}:${plan.id}`);
    await freezeNotice(s, started, now);
    await showPlanCut(s, started);
    const t = (await ctx.translator('person')).with(CUTOVER_WORDS);
    await ctx.reply({
      text: t.t('cutover.plan.started', {
        plan: escapeMrkdwn(plan.name),
        n: cuts.length,
        channel: `<#${plan.channel}>`,
      }),
      replaceOriginal: true,
    });
  });
}

/** The plan's freeze notice, once, in the plan's channel (each migration's cut-over then posts none). */
async function freezeNotice(s: CutoverState, cut: PlanCut, now: number): Promise<void> {
  const tr = (await s.core.locales.translatorForChannel(cut.team, cut.channel)).with(CUTOVER_WORDS);
  const text = tr.t('cutover.plan.freeze', {
    plan: escapeMrkdwn(cut.plan.name),
    n: cut.cuts.length,
    minutes: cut.freezeMin,
    // The freeze's end in each reader's own time zone, as a single cut-over's notice says it.
    ends: slackDate(new Date(now + cut.freezeMin * 60_000)),
    starter: `<@${cut.starter}>`,
  });
  await s.core.sender
    .to(cut.team)
    .post({ channel: cut.channel, text })
    .catch((error: unknown) => s.core.logger.warn({ err: error }, 'could not post a plan freeze notice'));
}
