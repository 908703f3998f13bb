import type { KnownBlock } from '@slack/types';
import type { CapabilityRendered } from '../../../contract/card.js';
import type { Translator } from '../../../i18n/translator.js';
import { escapeMrkdwn } from '../../../slack/blocks/mrkdwn.js';
import { CapabilityPosts } from '../../../watcher/outbox/capability-posts.js';
import { type Cutover, readCut, STEPS } from '../cut-record.js';
import type { CutoverState } from '../state.js';
import { CUTOVER } from '../sync-record.js';
import { CUTOVER_WORDS } from '../words.js';

/** A plan's cut-over: the plan, who started it, and its migrations' cut-overs (ids). */
export interface PlanCut {
  /** This start's own token: two starts of the same second write different records. */
  claim: string;
  team: string;
  plan: { id: string; name: string };
  channel: string;
  starter: string;
  startedAt: number;
  freezeMin: number;
  status: 'running' | 'ended';
  cuts: string[];
}

/** One per plan: while it runs, a second is refused. */
export const planCutKey = (team: string, plan: string) => `cutover:plan-cut:${team}:${plan}`;
/** Every plan cut-over of a workspace (plan ids), running or ended: what an uninstall deletes. */
export const planCutTeam = (team: string) => `cutover:plan-cut-team:${team}`;
/** Every plan cut-over in progress (`team:plan`): what the job sums up on each pass. */
export const PLAN_CUT_ACTIVE = 'cutover:plan-cut:active';

/** The plan's summary post's view (data; drawn at send time in the channel's language). */
export interface PlanCutView {
  kind: 'plan-cut';
  plan: string;
  total: number;
  done: number;
  red: number;
  running: number;
  aborted: number;
}

/** How each migration's cut-over stands, counted. Pure. */
export function sumUp(cut: PlanCut, cuts: readonly (Cutover | undefined)[]): PlanCutView {
  const count = { done: 0, red: 0, running: 0, aborted: 0 };
  for (const c of cuts) {
    if (c?.status === 'complete') count.done++;
    else if (c?.status === 'aborted') count.aborted++;
    else if (c && STEPS.some((n) => c.steps[n].state === 'red')) count.red++;
    else count.running++;
  }
  return { kind: 'plan-cut', plan: cut.plan.name, total: cut.cuts.length, ...count };
}

/** The summary line ("3 of 5 cut over, 1 red (override needed), 1 running"), in the channel's language. Pure. */
export function renderPlanCut(view: PlanCutView, tr: Translator): CapabilityRendered {
  const t = tr.with(CUTOVER_WORDS);
  const parts = [t.t('cutover.plan.sum.done', { done: view.done, total: view.total })];
  if (view.red > 0) parts.push(t.t('cutover.plan.sum.red', { n: view.red }));
  if (view.running > 0) parts.push(t.t('cutover.plan.sum.running', { n: view.running }));
  if (view.aborted > 0) parts.push(t.t('cutover.plan.sum.aborted', { n: view.aborted }));
  const text = `${t.t('cutover.plan.head', { plan: escapeMrkdwn(view.plan) })}\n${parts.join(', ')}`;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
  return { text, blocks };
}

/** Shows the plan's summary post in the plan's channel, through the one outbox. */
export async function showPlanCut(s: CutoverState, cut: PlanCut): Promise<PlanCutView> {
  const cuts = await Promise.all(cut.cuts.map((id) => readCut(s.core.state, cut.team, id)));
  const view = sumUp(cut, cuts);
  await new CapabilityPosts(s.core.watcher)
    .show(cut.team, { capability: CUTOVER, id: `plan-${cut.plan.id}`, channel: cut.channel }, view)
    .catch((error: unknown) => s.core.logger.warn({ err: error }, 'plan cut-over post not drawn'));
  return view;
}

/** Each pass: every plan cut-over summed up again; one whose migrations all ended is ended. */
export async function movePlans(s: CutoverState): Promise<void> {
  for (const member of await s.core.state.setMembers(PLAN_CUT_ACTIVE)) {
    const at = member.lastIndexOf(':');
    const team = member.slice(0, at);
    const raw = await s.core.state.get(planCutKey(team, member.slice(at + 1)));
    const cut = raw ? (JSON.parse(raw) as PlanCut) : undefined;
    if (cut?.status !== 'running') {
      await s.core.state.setRemove(PLAN_CUT_ACTIVE, member);
      continue;
    }
    try {
      const view = await showPlanCut(s, cut);
      if (view.done + view.aborted < view.total) continue;
      await s.core.state.update(planCutKey(team, cut.plan.id), () =>
        JSON.stringify({ ...cut, status: 'ended' }),
      );
      await s.core.state.setRemove(PLAN_CUT_ACTIVE, member);
    } catch (error) {
      s.core.logger.warn({ err: error, plan: cut.plan.id }, 'could not sum a plan cut-over up');
    }
  }
}

/** Deletes a workspace's plan cut-overs and forgets their posts (idempotent). */
export async function forgetPlanCuts(s: CutoverState, team: string): Promise<void> {
  const posts = new CapabilityPosts(s.core.watcher);
  for (const plan of await s.core.state.setMembers(planCutTeam(team))) {
    await s.core.state.update(planCutKey(team, plan), () => undefined);
    await s.core.state.setRemove(PLAN_CUT_ACTIVE, `${team}:${plan}`);
    await posts.forget(team, CUTOVER, `plan-${plan}`);
    await s.core.state.setRemove(planCutTeam(team), plan);
  }
}
