import { randomBytes } from 'node:crypto';
import { channelScope } from '../../access/policy.js';
import type { CreateFormPart, CreateSubmission, CreateTake } from '../../contract/create-form.js';
import { AppError, InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import { summarizeCreateRequest } from '../../providers/create-request.js';
import type { FormValues } from '../../providers/definition.js';
import { textInput } from '../../slack/blocks/create/modal-kit.js';
import { escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import { runPreflight } from '../shared/preflight.js';
import { drawCard, type PlansState } from './plan-service.js';
import { isOpen, MAX_PLAN_RESOURCES, MAX_WAVES, type Plan, type PlannedCreate } from './plan-types.js';
import { editPlan, toldWithdrawn } from './plan-withdraw.js';
import { PLAN_WORDS } from './words.js';

/** The create form's plan fields (block ids): a plan's name or id, and its wave. */
export const PLAN_FIELD = 'plan_name';
export const WAVE_FIELD = 'plan_wave';
/** How long a planned migration's pre-flight may take (it runs after the form has closed). */
const PREFLIGHT_MS = 5_000;

function fields(tr: Translator, values: FormValues): unknown[] {
  return [
    textInput({
      field: PLAN_FIELD,
      label: tr.with(PLAN_WORDS).t('plan.form.plan'),
      hint: tr.with(PLAN_WORDS).t('plan.form.planHint'),
      optional: true,
      maxLength: 60,
      ...(values[PLAN_FIELD] ? { initial: values[PLAN_FIELD] } : {}),
    }),
    textInput({
      field: WAVE_FIELD,
      label: tr.with(PLAN_WORDS).t('plan.form.wave'),
      optional: true,
      maxLength: 3,
      ...(values[WAVE_FIELD] ? { initial: values[WAVE_FIELD] } : {}),
    }),
  ];
}

function sizeProblem(p: Plan): boolean {
  return p.resources.length + (p.planned?.length ?? 0) + 1 > MAX_PLAN_RESOURCES;
}

/** Why the plan cannot take a planned migration in `wave` (a catalogue key and values), or undefined. */
function problemOf(
  p: Plan,
  wave: number,
): { key: string; values?: Record<string, string | number> } | undefined {
  if (!isOpen(p))
    return { key: 'plan.error.closed', values: { name: escapeMrkdwn(p.name), status: p.status } };
  if (p.waves[String(wave)]?.openedAt !== undefined) return { key: 'plan.error.waveOpen', values: { wave } };
  if (sizeProblem(p))
    return { key: 'plan.error.tooMany', values: { max: MAX_PLAN_RESOURCES, n: MAX_PLAN_RESOURCES + 1 } };
  return undefined;
}

/**
 * A create form with a plan named: the request is kept with the plan as a planned migration (not
 * sent for approval on its own). Refused at its field, nothing kept: an unknown plan, one the
 * person may not operate on, a closed plan, an opened wave, a wave out of range, a full plan.
 */
async function take(s: PlansState, sub: CreateSubmission): Promise<CreateTake | undefined> {
  const typed = sub.values[PLAN_FIELD];
  const waveTyped = sub.values[WAVE_FIELD];
  const tr = await sub.ctx.translator('person');
  if (!typed)
    return waveTyped
      ? { errors: { [WAVE_FIELD]: tr.with(PLAN_WORDS).t('plan.form.waveNoPlan') } }
      : undefined;
  const plan = await s.store.find(sub.ctx.teamId, typed.slice(0, 60));
  if (!plan)
    return {
      errors: { [PLAN_FIELD]: tr.with(PLAN_WORDS).t('plan.error.unknown', { plan: typed.slice(0, 60) }) },
    };
  const wave = /^\d{1,3}$/.test(waveTyped ?? '1') ? Number(waveTyped ?? '1') : Number.NaN;
  if (!(wave >= 1 && wave <= MAX_WAVES))
    return { errors: { [WAVE_FIELD]: tr.with(PLAN_WORDS).t('plan.error.wave', { max: MAX_WAVES }) } };
  try {
    await sub.ctx.require('operate', channelScope(plan.channel), 'plan migrations in a plan');
  } catch (error) {
    const e = error instanceof AppError ? error : undefined;
    if (!e) throw error;
    const said = e.localized
      ? tr.with(e.localized.words ?? PLAN_WORDS).t(e.localized.key as never, e.localized.values)
      : e.message;
    return { errors: { [PLAN_FIELD]: said } };
  }
  const problem = problemOf(plan, wave);
  if (problem)
    return { errors: { [PLAN_FIELD]: tr.with(PLAN_WORDS).t(problem.key as never, problem.values) } };
  return { run: () => keep(s, sub, plan, wave, tr) };
}

async function keep(
  s: PlansState,
  sub: CreateSubmission,
  plan: Plan,
  wave: number,
  tr: Translator,
): Promise<void> {
  const { ctx } = sub;
  const connection = ctx.deps.connections.get(ctx.teamId, sub.connection);
  // Bounded and never thrown: a part that fails says why where the plan's pre-flight is summed.
  const preflight = await runPreflight(ctx.deps, connection, sub.kind, sub.request, PREFLIGHT_MS);
  const summary = summarizeCreateRequest(sub.provider, sub.kind, sub.request);
  const planned: PlannedCreate = {
    key: `n${randomBytes(3).toString('hex')}`,
    connection: connection.name,
    provider: connection.provider,
    kind: sub.kind,
    name: (summary.name || summary.source || sub.kind).slice(0, 200),
    request: sub.request,
    wave,
    by: ctx.userId,
    at: ctx.deps.clock.now(),
    preflight,
  };
  const what = `planned ${planned.name} in wave ${wave}`;
  const { plan: after, withdrew } = await ctx.audited(
    'plan.plan-create',
    `${plan.id}: ${planned.key}`,
    async () => {
      const edited = await editPlan(s, ctx.teamId, plan.id, { by: ctx.userId, what }, (p) => {
        const problem = problemOf(p, wave);
        if (problem) throw InvalidInputError.in(PLAN_WORDS, problem.key as never, problem.values);
        return { ...p, planned: [...(p.planned ?? []), planned] };
      });
      return edited;
    },
  );
  if (!after) return;
  if (withdrew) await toldWithdrawn(s, after);
  else await drawCard(s, after);
  await ctx.reply({
    text: tr.with(PLAN_WORDS).t('plan.plannedNow', {
      name: escapeMrkdwn(planned.name),
      wave,
      plan: `*${escapeMrkdwn(plan.name)}*`,
    }),
  });
}

/**
 * A form opened with its plan named (New migration in this plan) is kept with the plan, not sent
 * for approval: its button and note say so, not "Request approval".
 */
function submit(tr: Translator, values: FormValues) {
  const plan = values[PLAN_FIELD];
  if (!plan) return undefined;
  const w = tr.with(PLAN_WORDS);
  return {
    submit: w.t('plan.form.submit'),
    note: w.t('plan.form.note', {
      plan: escapeMrkdwn(truncate(plan, 60)),
      wave: escapeMrkdwn(truncate(values[WAVE_FIELD] || '1', 3)),
    }),
  };
}

export function planForm(s: PlansState): CreateFormPart {
  return { fields, take: (sub) => take(s, sub), submit };
}
