import { channelScope } from '../../access/policy.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import { defineSubcommand } from '../../contract/subcommand.js';
import type { MigrationResource } from '../../domain/migration-resource.js';
import { InvalidInputError, NotFoundError } from '../../errors.js';
import { code, escapeMrkdwn } from '../../slack/blocks/mrkdwn.js';
import { RESOURCE_REF, refuseShare } from '../../slack/command-text.js';
import { instantOf } from '../../time/zoned-time.js';
import { submitPlan } from './plan-approval.js';
import { gateWords, renderPlanCard } from './plan-card.js';
import { PLAN_FORMS, type PlanRequest, parsePlan, type TypedGate } from './plan-parse.js';
import { removeFromPlan } from './plan-remove.js';
import { CAPABILITY, drawCard, type PlansState, viewOf } from './plan-service.js';
import { startPlan } from './plan-start.js';
import {
  type Gate,
  isOpen,
  MAX_PLAN_RESOURCES,
  MAX_WAVES,
  type Plan,
  type PlanResource,
  refOf,
  waiting,
  wavesOf,
} from './plan-types.js';
import { editPlan, toldWithdrawn } from './plan-withdraw.js';
import { PLAN_WORDS } from './words.js';

type StateOf = (ctx: HandlerContext) => PlansState;

export async function findPlan(ctx: HandlerContext, s: PlansState, typed: string): Promise<Plan> {
  const plan = await s.store.find(ctx.teamId, typed);
  if (!plan) throw NotFoundError.in(PLAN_WORDS, 'plan.error.unknown', { plan: code(typed.slice(0, 60)) });
  return plan;
}

function openOnly(plan: Plan): void {
  if (!isOpen(plan))
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.closed', {
      name: escapeMrkdwn(plan.name),
      status: plan.status,
    });
}

async function add(
  ctx: HandlerContext,
  s: PlansState,
  r: Extract<PlanRequest, { op: 'add' }>,
): Promise<void> {
  const plan = await findPlan(ctx, s, r.plan);
  await ctx.require('operate', channelScope(plan.channel), 'add migrations to a plan');
  openOnly(plan);
  if (plan.waves[String(r.wave)]?.openedAt !== undefined)
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.waveOpen', { wave: r.wave });
  // Every resource is found first, on the workspace's own connections: one unknown changes nothing.
  const found: PlanResource[] = [];
  const read = new Map<string, MigrationResource>();
  for (const typed of r.refs) {
    const m = RESOURCE_REF.exec(typed)!;
    const { connection, resource } = await ctx.deps.resources.resolver.resolve(ctx.teamId, {
      ...(m[1] ? { connection: m[1] } : {}),
      id: m[2]!,
    });
    read.set(refOf({ connection: connection.name, kind: resource.kind, id: resource.id }), resource);
    found.push({
      connection: connection.name,
      kind: resource.kind,
      id: resource.id,
      name: resource.name,
      provider: connection.provider,
      wave: r.wave,
      by: ctx.userId,
      at: ctx.deps.clock.now(),
    });
  }
  const refs = found.map(refOf);
  const merged = (p: Plan) => [...p.resources.filter((x) => !refs.includes(refOf(x))), ...found];
  const limits = (p: Plan) => {
    const next = merged(p);
    if (next.length > MAX_PLAN_RESOURCES)
      throw InvalidInputError.in(PLAN_WORDS, 'plan.error.tooMany', {
        max: MAX_PLAN_RESOURCES,
        n: next.length,
      });
    if (wavesOf({ resources: next }).length > MAX_WAVES)
      throw InvalidInputError.in(PLAN_WORDS, 'plan.error.waves', { max: MAX_WAVES });
    const moving = p.resources.find(
      (x) => refs.includes(refOf(x)) && p.waves[String(x.wave)]?.openedAt !== undefined,
    );
    if (moving) throw InvalidInputError.in(PLAN_WORDS, 'plan.error.waveOpen', { wave: moving.wave });
  };
  limits(plan);
  const after = await ctx.audited('plan.add', `${plan.id}: ${refs.join(' ')}`.slice(0, 300), async () => {
    const held = await s.store.hold(ctx.teamId, plan.id, refs);
    if (held)
      throw InvalidInputError.in(PLAN_WORDS, 'plan.error.held', {
        resource: code(held.ref),
        plan: code(held.plan),
      });
    try {
      const edit = { by: ctx.userId, what: `added ${refs.length} to wave ${r.wave}` };
      const changed = await editPlan(s, ctx.teamId, plan.id, edit, (p) => {
        openOnly(p);
        limits(p);
        return { ...p, resources: merged(p) };
      });
      if (!changed.plan) throw NotFoundError.in(PLAN_WORDS, 'plan.error.unknown', { plan: code(plan.id) });
      return changed;
    } catch (error) {
      const before = new Set(plan.resources.map(refOf));
      await s.store.release(
        ctx.teamId,
        plan.id,
        refs.filter((x) => !before.has(x)),
      );
      throw error;
    }
  });
  await watchInPlan(ctx, after.plan!, found, read);
  if (after.withdrew) await toldWithdrawn(s, after.plan!);
  else await drawCard(s, after.plan!);
  const tr = await ctx.translator('person');
  const added = tr
    .with(PLAN_WORDS)
    .t('plan.added', { n: found.length, wave: r.wave, name: `*${escapeMrkdwn(plan.name)}*` });
  // A plan of existing migrations is started by a person: the answer says how, once it can be.
  const start =
    after.plan!.status === 'draft' ? [tr.with(PLAN_WORDS).t('plan.added.start', { plain: plan.id })] : [];
  await ctx.reply({ text: [added, ...start].join(' ') });
}

/**
 * Watched in the plan's channel, the card's states being the watcher's facts, polled as any watch:
 * without a card of their own (the plan's card draws them; their failures are posted there),
 * unless a wave waits for a sign-off: sign-off is given on the verification post in a card's
 * thread, so then each gets its card (an existing cardless watch becomes one).
 */
async function watchInPlan(
  ctx: HandlerContext,
  plan: Plan,
  resources: readonly PlanResource[],
  /** The resources as just read (the watch then asks the provider nothing more). */
  read: ReadonlyMap<string, MigrationResource> = new Map(),
): Promise<void> {
  const cards = Object.values(plan.waves).some((m) => m.gate?.kind === 'after' && m.gate.of === 'signed-off');
  for (const x of resources) {
    const resource = read.get(refOf(x));
    await ctx.deps.watcher.watch({
      teamId: ctx.teamId,
      channelId: plan.channel,
      ...x,
      by: ctx.userId,
      ...(resource ? { resource } : {}),
      ...(cards ? {} : { follow: 'failures' as const }),
    });
    await ctx.deps.watcher.notes.fact(ctx.teamId, x, CAPABILITY, {
      id: plan.id,
      name: plan.name,
      wave: x.wave,
    });
  }
}

async function gate(
  ctx: HandlerContext,
  s: PlansState,
  r: Extract<PlanRequest, { op: 'gate' }>,
): Promise<void> {
  const plan = await findPlan(ctx, s, r.plan);
  await ctx.require('operate', channelScope(plan.channel), 'set when a wave of a plan starts');
  openOnly(plan);
  const now = ctx.deps.clock.now();
  const wanted = await gateOf(ctx, r.gate, r.wave, now);
  const edited = await ctx.audited('plan.gate', `${plan.id} wave ${r.wave}`, async () => {
    const edit = { by: ctx.userId, what: `gate of wave ${r.wave}` };
    const changed = await editPlan(s, ctx.teamId, plan.id, edit, (p) => {
      openOnly(p);
      const mark = p.waves[String(r.wave)] ?? {};
      if (mark.openedAt !== undefined)
        throw InvalidInputError.in(PLAN_WORDS, 'plan.error.waveOpen', { wave: r.wave });
      const { metAt: _reset, ...kept } = mark;
      return { ...p, waves: { ...p.waves, [String(r.wave)]: { ...kept, gate: wanted } } };
    });
    if (!changed.plan) throw NotFoundError.in(PLAN_WORDS, 'plan.error.unknown', { plan: code(plan.id) });
    return changed;
  });
  const gated = edited.plan!;
  if (wanted.kind === 'after' && wanted.of === 'signed-off')
    await watchInPlan(
      ctx,
      gated,
      gated.resources.filter((x) => x.wave < r.wave),
    );
  if (edited.withdrew) await toldWithdrawn(s, gated);
  else await drawCard(s, gated);
  const tr = await ctx.translator('person');
  await ctx.reply({
    text: tr.with(PLAN_WORDS).t('plan.gated', {
      wave: r.wave,
      name: `*${escapeMrkdwn(plan.name)}*`,
      gate: gateWords(wanted, tr),
    }),
  });
}

/** The gate as stored: a time typed is read in its zone (the workspace's, else UTC) and must be ahead. */
async function gateOf(ctx: HandlerContext, typed: TypedGate, wave: number, now: number): Promise<Gate> {
  if (typed.kind === 'after') {
    if (wave === 1) throw InvalidInputError.in(PLAN_WORDS, 'plan.error.firstWave');
    return typed;
  }
  const zone = typed.zone ?? (await ctx.deps.settings.get(ctx.teamId)).timeZone ?? 'UTC';
  const [y, mo, d] = typed.date.split('-').map(Number) as [number, number, number];
  const [h, mi] = typed.time.split(':').map(Number) as [number, number];
  const local = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(local);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59)
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.date');
  const at = instantOf(local, zone);
  if (at <= now)
    throw InvalidInputError.in(PLAN_WORDS, 'plan.error.past', {
      when: `${typed.date} ${typed.time} ${zone}`,
    });
  return { kind: 'at', at, zone };
}

async function run(ctx: HandlerContext, r: PlanRequest, stateOf: StateOf): Promise<void> {
  const s = stateOf(ctx);
  const tr = await ctx.translator('person');
  if (r.op === 'list') {
    await ctx.require('view', ctx.here, 'see plans');
    const plans = await s.store.list(ctx.teamId);
    const lines = plans.map((p) =>
      tr.with(PLAN_WORDS).t('plan.list.line', {
        id: code(p.id),
        name: `*${escapeMrkdwn(p.name)}*`,
        status: tr.with(PLAN_WORDS).t(`plan.status.${p.status}`),
        n: p.resources.length + waiting(p).length,
        planned: waiting(p).length,
        waves: wavesOf(p).length,
        channel: `<#${p.channel}>`,
      }),
    );
    await ctx.reply({
      text:
        lines.length > 0
          ? [tr.with(PLAN_WORDS).t('plan.list.head'), ...lines].join('\n')
          : tr.with(PLAN_WORDS).t('plan.list.none'),
    });
    return;
  }
  if (r.op === 'new') {
    await ctx.require('operate', ctx.here, 'start a plan');
    if (!ctx.channelId) throw InvalidInputError.in(PLAN_WORDS, 'plan.error.channel');
    const channel = ctx.channelId;
    const plan = await ctx.audited('plan.new', r.name, async () => {
      const made = await s.store.create({
        teamId: ctx.teamId,
        channel,
        name: r.name,
        owner: ctx.userId,
        createdAt: ctx.deps.clock.now(),
      });
      if (made === 'name-taken')
        throw InvalidInputError.in(PLAN_WORDS, 'plan.error.nameTaken', { name: code(r.name) });
      if (made === 'full') throw InvalidInputError.in(PLAN_WORDS, 'plan.error.full');
      return made;
    });
    await drawCard(s, plan);
    await ctx.reply({
      text: tr.with(PLAN_WORDS).t('plan.created', {
        name: `*${escapeMrkdwn(plan.name)}*`,
        id: code(plan.id),
        // Inside the command's own code span: a second span there would break it in two.
        plain: plan.id,
      }),
    });
    return;
  }
  if (r.op === 'add') return add(ctx, s, r);
  if (r.op === 'gate') return gate(ctx, s, r);
  const plan = await findPlan(ctx, s, r.plan);
  if (r.op === 'remove') return removeFromPlan(ctx, s, plan, r.refs);
  if (r.op === 'submit') {
    await ctx.reply({ text: await submitPlan(ctx, s, plan, tr) });
    return;
  }
  if (r.op === 'show') {
    await ctx.require('view', channelScope(plan.channel), 'see a plan');
    const drawn = renderPlanCard(await viewOf(s, plan), tr, s.core.clock.now());
    await ctx.reply({ text: drawn.text, blocks: drawn.blocks as never });
    return;
  }
  await ctx.reply({ text: await startPlan(ctx, s, plan, tr) });
}

export function planCommand(stateOf: StateOf) {
  return defineSubcommand<PlanRequest>({
    name: 'plan',
    needs: 'operate',
    aliases: ['plans'],
    usage:
      '/migrate plan [list | new <name> | add <plan> <resource>… [wave <n>] | gate <plan> wave <n> … | start <plan> | submit <plan> | show <plan>]',
    forms: PLAN_FORMS,
    summary: PLAN_WORDS.en['help.summary.plan'],
    words: PLAN_WORDS,
    example: () => '/migrate plan new estate-2026',
    related: ['watch', 'window', 'pause'],
    parse: (args, share) => {
      refuseShare('plan', share);
      return parsePlan(args);
    },
    run: (ctx, parsed) => run(ctx, parsed, stateOf),
  });
}
