import { randomBytes } from 'node:crypto';
import type { KnownBlock } from '@slack/types';
import { channelScope } from '../../../access/policy.js';
import type { HandlerContext } from '../../../contract/handler-context.js';
import type { ResourceRef } from '../../../domain/migration-resource.js';
import { InvalidInputError } from '../../../errors.js';
import type { Translator } from '../../../i18n/translator.js';
import { slackDate } from '../../../slack/blocks/format.js';
import { code, escapeMrkdwn, truncate } from '../../../slack/blocks/mrkdwn.js';
import { buttonHandler } from '../../../slack/button-handler.js';
import { SKIP } from '../../../store/atomic-kv.js';
import { findResource } from '../../../use-cases/context.js';
import type { CutoverState } from '../state.js';
import { holdSchedule, prepareSync, type SyncInput } from '../sync-command.js';
import { decideOne } from '../sync-decide.js';
import { stop } from '../sync-job.js';
import { dueAt, readSchedule, resourceKey, type SyncSchedule, scheduleKey, teamSet } from '../sync-record.js';
import { CUTOVER_WORDS } from '../words.js';
import { type PlanSeen, planOf } from './plan-of.js';

export const PLAN_SYNC_APPROVE = 'cutover.plan.sync.approve';
export const PLAN_SYNC_REJECT = 'cutover.plan.sync.reject';

type Key = keyof (typeof CUTOVER_WORDS)['en'];
const bad = (key: Key, values?: Record<string, string | number>) =>
  InvalidInputError.in(CUTOVER_WORDS, key, values);

/** One plan-wide request: the plan, its schedules (one per migration), who asked, where it is decided. */
interface PlanSyncAsked {
  plan: { id: string; name: string };
  ids: string[];
  requester: string;
  channel: string;
  /** Who decided it: taken by one compare-and-set, so two clicks decide the plan once. */
  decidedBy?: string;
}
const askedKey = (team: string, id: string) => `cutover:sync-plan:${team}:${id}`;
/** Every plan-wide request of a workspace (ids): what an uninstall deletes. */
const askedTeam = (team: string) => `cutover:sync-plan-team:${team}`;

/** Deletes a workspace's plan-wide requests (their schedules are the single ones', forgotten there). */
export async function forgetPlanSyncs(s: CutoverState, team: string): Promise<void> {
  for (const id of await s.core.state.setMembers(askedTeam(team))) {
    await s.core.state.update(askedKey(team, id), () => undefined);
    await s.core.state.setRemove(askedTeam(team), id);
  }
}

/** A word that names a plan of this workspace asks (or stops) keep-in-sync for all of it (true). */
export async function askPlanSync(
  ctx: HandlerContext,
  s: CutoverState,
  input: SyncInput | { stop: ResourceRef; word: string },
): Promise<boolean> {
  const plan = input.word ? await planOf(s.core, ctx.teamId, input.word) : undefined;
  if (!plan) return false;
  await ('stop' in input ? stopPlanSync(ctx, s, plan) : requestPlanSync(ctx, s, plan, input));
  return true;
}

/**
 * Every migration of the plan prepared as a single keep-in-sync is (bounds, one delta planned each,
 * nothing written), a migration still copying named; then all held at once (a migration already
 * kept in sync refuses the whole ask, and what was held is let go), and ONE request posted.
 */
async function requestPlanSync(
  ctx: HandlerContext,
  s: CutoverState,
  plan: PlanSeen,
  input: SyncInput,
): Promise<void> {
  await ctx.require('operate', ctx.here, 'keep a plan in sync');
  const name = escapeMrkdwn(plan.name);
  if (plan.members.length === 0) throw bad('cutover.plan.refused.empty', { plan: name });
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
  const prepared: Awaited<ReturnType<typeof prepareSync>>[] = [];
  for (const m of plan.members) {
    const ask = { everyH: input.everyH, until: input.until, ...(input.max ? { max: input.max } : {}) };
    prepared.push(await prepareSync(ctx, s, { ...ask, exact: m }));
  }
  const held: SyncSchedule[] = [];
  await ctx.audited('cutover.sync.request', `plan:${plan.id}`, async () => {
    try {
      for (const p of prepared) {
        await holdSchedule(s, p.schedule);
        held.push(p.schedule);
      }
    } catch (error) {
      for (const h of held) await letGo(s, h);
      throw error;
    }
  });
  const id = randomBytes(5).toString('hex');
  const asked: PlanSyncAsked = {
    plan: { id: plan.id, name: plan.name.slice(0, 200) },
    ids: held.map((h) => h.id),
    requester: ctx.userId,
    channel: plan.channel,
  };
  await s.core.state.update(askedKey(ctx.teamId, id), () => JSON.stringify(asked));
  await s.core.state.setAdd(askedTeam(ctx.teamId), id);
  const tr = await s.core.locales.translatorForChannel(ctx.teamId, plan.channel);
  await s.core.sender.to(ctx.teamId).post({ channel: plan.channel, ...planRequest(id, asked, prepared, tr) });
  const t = (await ctx.translator('person')).with(CUTOVER_WORDS);
  await ctx.reply({
    text: t.t('cutover.plan.sync.asked', { plan: name, n: held.length, channel: `<#${plan.channel}>` }),
  });
}

/** A schedule held for a plan-wide ask that could not be held whole: deleted, its resource free. */
async function letGo(s: CutoverState, h: SyncSchedule): Promise<void> {
  await s.core.state.update(resourceKey(h.team, h.connection, h.resourceId), (v) =>
    v === h.id ? undefined : SKIP,
  );
  await s.core.state.update(scheduleKey(h.team, h.id), () => undefined);
  await s.core.state.setRemove(teamSet(h.team), h.id);
}

/** The one request: the plan, cadence, end and maximum, each migration's delta and its cost. */
function planRequest(
  id: string,
  asked: PlanSyncAsked,
  prepared: Awaited<ReturnType<typeof prepareSync>>[],
  tr: Translator,
): { text: string; blocks: KnownBlock[] } {
  const t = tr.with(CUTOVER_WORDS);
  const first = prepared[0]!.schedule;
  const head = t.t('cutover.plan.sync.request', {
    plan: escapeMrkdwn(asked.plan.name),
    n: prepared.length,
    every: first.everyH,
    until: slackDate(new Date(first.until)),
    max: first.max,
    requester: `<@${asked.requester}>`,
  });
  const total = prepared.reduce((sum, p) => sum + p.schedule.max, 0);
  const lines = prepared.map((p) => {
    const mode = t.t(`cutover.mode.${p.mode}`, {
      since: p.since !== undefined ? new Date(p.since).toISOString() : '?',
    });
    return `• ${escapeMrkdwn(p.schedule.name)} (${code(p.ref)}): ${mode}`;
  });
  const costs = [
    ...new Set(prepared.map((p) => t.t(`cutover.cost.${p.mode}`, { provider: p.schedule.provider }))),
  ];
  const preflight = truncate(
    [t.t('cutover.plan.sync.preflight', { n: prepared.length, total }), ...lines, ...costs].join('\n'),
    2_900,
  );
  const button = (action: string, label: Key, primary: boolean) => ({
    type: 'button' as const,
    action_id: action,
    value: id,
    ...(primary ? { style: 'primary' as const } : {}),
    text: { type: 'plain_text' as const, text: t.t(label) },
  });
  return {
    text: `${head}\n${preflight}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: head } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: preflight }] },
      {
        type: 'actions',
        elements: [
          button(PLAN_SYNC_APPROVE, 'cutover.button.approve', true),
          button(PLAN_SYNC_REJECT, 'cutover.button.reject', false),
        ],
      },
    ],
  };
}

/**
 * Approve or Reject under a plan's request: an approver of every channel its migrations are kept
 * in, not the requester; each schedule decided by its own compare-and-set (as a single one is),
 * so two approvers clicking at once decide each once. Said once, for the plan.
 */
export function decidePlanSync(of: () => CutoverState, approve: boolean) {
  return buttonHandler(async (ctx, args) => {
    const s = of();
    const id = String(args.action.value ?? '');
    const raw = /^[a-f0-9]{10}$/.test(id) ? await s.core.state.get(askedKey(ctx.teamId, id)) : undefined;
    const asked = raw ? (JSON.parse(raw) as PlanSyncAsked) : undefined;
    await ctx.require(
      'approve',
      channelScope(asked?.channel ?? ctx.channelId),
      'decide keeping a plan in sync',
    );
    if (!asked) throw bad('cutover.refused.decided', { status: 'gone' });
    const schedules = (
      await Promise.all(asked.ids.map((x) => readSchedule(s.core.state, ctx.teamId, x)))
    ).filter((x): x is SyncSchedule => x !== undefined);
    for (const channel of new Set(schedules.map((x) => x.channel)))
      if (channel !== asked.channel)
        await ctx.require('approve', channelScope(channel), 'decide keeping a plan in sync');
    if (approve && asked.requester === ctx.userId) throw bad('cutover.refused.self');
    let took = false;
    await s.core.state.update(askedKey(ctx.teamId, id), (current) => {
      took = false;
      const was = current ? (JSON.parse(current) as PlanSyncAsked) : undefined;
      if (!was || was.decidedBy) return SKIP;
      took = true;
      return JSON.stringify({ ...was, decidedBy: ctx.userId } satisfies PlanSyncAsked);
    });
    if (!took) throw bad('cutover.refused.decided', { status: schedules[0]?.status ?? 'gone' });
    const now = s.core.clock.now();
    const decided = await ctx.audited(
      approve ? 'cutover.sync.approve' : 'cutover.sync.reject',
      `plan:${asked.plan.id}`,
      async () => {
        const out: SyncSchedule[] = [];
        for (const x of schedules) {
          const d = await decideOne(s, ctx.teamId, x, approve, ctx.userId, now);
          if (d) out.push(d);
        }
        return out;
      },
    );
    if (decided.length === 0)
      throw bad('cutover.refused.decided', { status: schedules[0]?.status ?? 'gone' });
    const t = (await ctx.translator('channel')).with(CUTOVER_WORDS);
    const one = decided[0]!;
    const plan = escapeMrkdwn(asked.plan.name);
    const text = approve
      ? t.t('cutover.plan.sync.approved', {
          approver: `<@${ctx.userId}>`,
          plan,
          n: decided.length,
          every: one.everyH,
          until: slackDate(new Date(one.until)),
          max: one.max,
          first: slackDate(new Date(dueAt(one, 1))),
        })
      : t.t('cutover.plan.sync.rejected', { approver: `<@${ctx.userId}>`, plan });
    await ctx.reply({ text, share: true, replaceOriginal: true });
  });
}

/** `keep-sync stop <plan>`: every migration's keep-in-sync stopped (each said in its thread), answered once. */
async function stopPlanSync(ctx: HandlerContext, s: CutoverState, plan: PlanSeen): Promise<void> {
  await ctx.require('operate', ctx.here, 'stop keeping a plan in sync');
  const now = s.core.clock.now();
  let stopped = 0;
  for (const m of plan.members) {
    const id = await s.core.state.get(resourceKey(ctx.teamId, m.connection, m.id));
    const schedule = id ? await readSchedule(s.core.state, ctx.teamId, id) : undefined;
    if (!schedule || schedule.status === 'stopped') continue;
    if (schedule.channel !== ctx.channelId)
      await ctx.require('operate', channelScope(schedule.channel), 'stop keeping a plan in sync');
    const ref = `${m.connection}:${m.id}`;
    if (await ctx.audited('cutover.sync.stop', ref, () => stop(s, schedule, 'called', now, ctx.userId)))
      stopped++;
  }
  const name = escapeMrkdwn(plan.name);
  if (stopped === 0) throw bad('cutover.plan.sync.none', { plan: name });
  const t = (await ctx.translator('person')).with(CUTOVER_WORDS);
  await ctx.reply({ text: t.t('cutover.plan.sync.stopped', { plan: name, n: stopped }) });
}
