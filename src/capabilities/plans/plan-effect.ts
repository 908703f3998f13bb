import type { Translator } from '../../i18n/translator.js';
import { truncate } from '../../slack/blocks/mrkdwn.js';
import { watchKey } from '../../watcher/records/watch-keys.js';
import type { WatchRecord } from '../../watcher/records/watch-store.js';
import type { PlansState } from './plan-service.js';
import { figuresOf } from './plan-sum.js';
import { type Plan, refOf, waiting } from './plan-types.js';
import { type PlanView, planView, type ResourceLine } from './plan-view.js';
import { PLAN_WORDS } from './words.js';

/**
 * What starting a plan does at once (Start plan, or the approval that starts it), computed by the
 * same `planView` steps the gate pass then takes: the confirmation says these figures, and the
 * answer after the click says what the pass did, in the same words.
 */
export interface StartEffect {
  /** The plan is not started yet: the click starts it. */
  starts: boolean;
  /** Waves that open at once. */
  opens: number[];
  /** Their paused migrations, resumed as the owner: how many, and the bytes they have left to move. */
  resume: { n: number; bytes: number };
  /** Planned migrations created at once (the plan approved, their wave open). */
  create: { n: number; bytes: number };
  /** Planned migrations that wait for the plan's approval before anything creates them. */
  awaiting: number;
  /** Planned migrations created later, when their waves open. */
  createLater: number;
  /** Waves that open later, by their gates. */
  later: number[];
}

/** What a gate pass did: the same shape, from what it opened, resumed and handed to be created. */
export type PassOutcome = Pick<StartEffect, 'opens' | 'resume' | 'create'>;

/** The plan's resources' watch records in its channel, by `refOf` (store reads only, no provider call). */
export async function recordsOf(s: PlansState, plan: Plan): Promise<Map<string, WatchRecord>> {
  const keys = plan.resources.map((r) => watchKey({ ...r, teamId: plan.teamId, channelId: plan.channel }));
  const loaded = await s.core.watcher.store.loadMany(keys);
  return new Map(loaded.map(({ record }) => [refOf(record.watch), record]));
}

/** Bytes a line has left to move (a paused migration's remaining work). */
export function bytesLeft(l: Pick<ResourceLine, 'bytes'>): number {
  return Math.max(0, (l.bytes?.total ?? 0) - (l.bytes?.done ?? 0));
}

/**
 * What starting `plan` now does; `approved`: as if its approval were given (the Approve plan click).
 * A paused plan opens nothing and creates nothing until it is resumed.
 */
export function startEffect(
  plan: Plan,
  records: ReadonlyMap<string, WatchRecord>,
  now: number,
  approved: boolean,
): StartEffect {
  const starts = plan.status === 'draft';
  const as: Plan = starts ? { ...plan, status: 'running' } : plan;
  const { view, steps } = planView(as, records, now);
  const opens = steps.filter((x) => x.step === 'open').map((x) => x.n);
  const paused = view.waves
    .filter((w) => opens.includes(w.n))
    .flatMap((w) => w.resources)
    .filter((l) => l.state === 'paused');
  const open = new Set([...opens, ...view.waves.filter((w) => w.openedAt !== undefined).map((w) => w.n)]);
  const planned = waiting(plan).filter((p) => !p.approval);
  const createdNow = as.status === 'running' && approved ? planned.filter((p) => open.has(p.wave)) : [];
  return {
    starts,
    opens,
    resume: { n: paused.length, bytes: paused.reduce((t, l) => t + bytesLeft(l), 0) },
    create: {
      n: createdNow.length,
      bytes: createdNow.reduce((t, p) => t + (figuresOf(p.preflight).bytes ?? 0), 0),
    },
    awaiting: approved ? 0 : planned.length,
    createLater: approved ? planned.length - createdNow.length : 0,
    later: view.waves.filter((w) => w.openedAt === undefined && !opens.includes(w.n)).map((w) => w.n),
  };
}

/** The card's view: the plan as drawn, and what Start plan would do while it is not started. */
export function cardView(plan: Plan, records: ReadonlyMap<string, WatchRecord>, now: number): PlanView {
  const { view } = planView(plan, records, now);
  if (plan.status !== 'draft' || plan.resources.length === 0) return view;
  return { ...view, start: startEffect(plan, records, now, plan.approval?.state === 'approved') };
}

/** Wave numbers as a list: Chinese parts them with its enumeration comma. */
const waveList = (waves: readonly number[], tr: Translator) =>
  waves.join(tr.locale === 'zh-CN' ? '、' : ', ');

/** The figures of a start, one sentence each: `will` for a confirmation, `did` for the answer after it. */
export function effectWords(e: PassOutcome & Partial<StartEffect>, tense: 'will' | 'did', tr: Translator) {
  const w = tr.with(PLAN_WORDS);
  const out = [w.t(`plan.${tense}.opens`, { n: e.opens.length, list: waveList(e.opens, tr) })];
  if (e.resume.n > 0)
    out.push(w.t(`plan.${tense}.resume`, { n: e.resume.n, bytes: tr.bytes(e.resume.bytes) }));
  if (e.create.n > 0)
    out.push(w.t(`plan.${tense}.create`, { n: e.create.n, bytes: tr.bytes(e.create.bytes) }));
  if (e.awaiting) out.push(w.t('plan.will.awaiting', { n: e.awaiting }));
  if (e.createLater) out.push(w.t('plan.will.createLater', { n: e.createLater }));
  if (e.later?.length) out.push(w.t('plan.will.later', { n: e.later.length, list: waveList(e.later, tr) }));
  return out;
}

/** Joins sentences for a dialog or an answer (Chinese and Korean full stops need no space after them). */
export function sentences(parts: readonly string[]): string {
  return parts.join(' ').replace(/([。！？]) /gu, '$1');
}

/** Start plan's confirmation (plain text, at most 300 characters). */
export function startConfirmText(name: string, e: StartEffect, tr: Translator): string {
  const head = tr.with(PLAN_WORDS).t('plan.confirm.start', { name: truncate(name, 40) });
  return sentences([head, ...effectWords(e, 'will', tr)]);
}

/** States a Cancel plan leaves running as they are (the plan never stops a migration). */
const LIVE = new Set(['running', 'queued', 'retrying']);

/** What Cancel plan does, from the card's view: the confirmation and the answer both say it. */
export function cancelEffect(view: PlanView): {
  closed: number[];
  notStarted: number;
  planned: number;
  running: ResourceLine[];
  paused: number;
} {
  const closed = view.waves.filter((w) => w.openedAt === undefined);
  const inClosed = closed.flatMap((w) => w.resources);
  return {
    closed: closed.map((w) => w.n),
    notStarted: inClosed.filter((l) => l.state !== 'planned').length,
    planned: view.planned,
    running: view.waves.flatMap((w) => w.resources).filter((l) => LIVE.has(l.state)),
    paused: view.status === 'paused' ? view.paused : 0,
  };
}

export function cancelWords(
  view: PlanView,
  tr: Translator,
  list: (lines: ResourceLine[]) => string,
): string[] {
  const e = cancelEffect(view);
  const w = tr.with(PLAN_WORDS);
  return [
    w.t('plan.cancel.closed', { n: e.closed.length, list: waveList(e.closed, tr), m: e.notStarted }),
    ...(e.planned > 0 ? [w.t('plan.cancel.planned', { n: e.planned })] : []),
    w.t('plan.cancel.running', { n: e.running.length, list: list(e.running) }),
    ...(e.paused > 0 ? [w.t('plan.cancel.paused', { n: e.paused })] : []),
  ];
}
