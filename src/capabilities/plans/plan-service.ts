import type { CapabilityCore } from '../../contract/capability.js';
import type { Refusal } from '../../contract/gate.js';
import { SKIP } from '../../store/atomic-kv.js';
import { startRefusal } from '../../use-cases/start-rules.js';
import { CapabilityPosts } from '../../watcher/outbox/capability-posts.js';
import { type PlanActor, planActor } from './plan-actor.js';
import { drawApproval } from './plan-approval-post.js';
import { adoptCreated, createsOf, releaseCreates } from './plan-creates.js';
import { bytesLeft, cardView, type PassOutcome, recordsOf } from './plan-effect.js';
import type { PlanReport } from './plan-report.js';
import { PlanStore } from './plan-store.js';
import { figuresOf } from './plan-sum.js';
import { CAPABILITY, type Plan, refOf } from './plan-types.js';
import { type PlanView, planView } from './plan-view.js';

export { CAPABILITY } from './plan-types.js';

/** What the plans capability keeps once started: its store, the card's post, the owner's actor. */
export interface PlansState {
  core: CapabilityCore;
  store: PlanStore;
  posts: CapabilityPosts;
  actor: PlanActor;
}

export function startPlans(core: CapabilityCore): PlansState {
  return {
    core,
    store: new PlanStore(core.state, core.watcher.options.keyPrefix ?? ''),
    posts: new CapabilityPosts(core.watcher),
    actor: planActor(core),
  };
}

export { recordsOf } from './plan-effect.js';

/** The plan as its card draws it (with what Start plan would do, while it is not started). */
export async function viewOf(s: PlansState, plan: Plan): Promise<PlanView> {
  return cardView(plan, await recordsOf(s, plan), s.core.clock.now());
}

/** Shows the plan as it is now on its card, through the watcher's one outbox (ADR 0017). */
export async function drawCard(s: PlansState, plan: Plan, view?: PlanView): Promise<void> {
  try {
    await s.posts.show(
      plan.teamId,
      { capability: CAPABILITY, id: plan.id, channel: plan.channel },
      view ?? (await viewOf(s, plan)),
    );
  } catch (error) {
    s.core.logger.warn({ err: error, plan: plan.id }, 'plan card not drawn; the next pass tries again');
  }
}

/**
 * The gate job's pass over every open plan: waves whose gate is met open (once: one
 * compare-and-set on the plan), their paused resources are started as the owner, a plan whose
 * waves all opened and whose resources all succeeded ends, and each card shows it.
 */
export async function gatePass(s: PlansState): Promise<void> {
  for (const { teamId, id } of await s.store.open()) {
    try {
      await passPlan(s, teamId, id);
    } catch (error) {
      s.core.logger.error({ err: error, plan: id }, 'plan gate pass failed; the next pass tries again');
    }
  }
}

/**
 * One pass over one plan; says what this pass did (the waves it opened, what it resumed and handed
 * to be created), which a click that started or approved the plan answers with.
 */
export async function passPlan(s: PlansState, teamId: string, id: string): Promise<PassOutcome> {
  const did: PassOutcome = { opens: [], resume: { n: 0, bytes: 0 }, create: { n: 0, bytes: 0 } };
  let plan = await s.store.get(teamId, id);
  if (!plan) return did;
  const records = await recordsOf(s, plan);
  const now = s.core.clock.now();
  for (const { n, step } of planView(plan, records, now).steps) {
    const wave = String(n);
    const lines = planView(plan, records, now).view.waves.find((w) => w.n === n)?.resources ?? [];
    const changed = await s.store.change(teamId, id, (p) => {
      const mark = p.waves[wave] ?? {};
      if (p.status !== 'running' || mark.openedAt !== undefined) return SKIP;
      if (step === 'met')
        return mark.metAt === undefined
          ? { ...p, waves: { ...p.waves, [wave]: { ...mark, metAt: now } } }
          : SKIP;
      // Opened once: what is paused in it now is to be started.
      const pending = lines.filter((l) => l.state === 'paused').map((l) => l.ref);
      const creates = createsOf(p, n);
      return { ...p, waves: { ...p.waves, [wave]: { ...mark, openedAt: now, pending, creates } } };
    });
    if (changed) {
      plan = changed;
      if (step === 'open') {
        did.opens.push(n);
        await opened(s, changed, n);
      }
    }
  }
  const before = plan;
  const lines = new Map(
    planView(plan, records, now).view.waves.flatMap((w) => w.resources.map((l) => [l.ref, l] as const)),
  );
  plan = await startPending(s, plan, (ref) => {
    did.resume.n++;
    did.resume.bytes += bytesLeft(lines.get(ref) ?? {});
  });
  // Its planned migrations, once approved: handed to the scheduled start, and adopted once created.
  const unhanded = new Set((plan.planned ?? []).filter((p) => !p.approval).map((p) => p.key));
  const released = await releaseCreates(s, plan);
  for (const p of released.planned ?? [])
    if (p.approval && unhanded.has(p.key)) {
      did.create.n++;
      did.create.bytes += figuresOf(p.preflight).bytes ?? 0;
    }
  plan = await adoptCreated(s, released);
  // What was started is on its watches now (the use case noted the read after it): read again.
  const seen = plan === before ? records : await recordsOf(s, plan);
  plan = await markDone(s, plan, planView(plan, seen, now).view, now);
  const ended = endIfDone(plan, planView(plan, seen, now).view);
  if (ended) {
    const after = await s.store.change(teamId, id, (p) =>
      p.status === 'running' ? { ...p, status: 'ended' } : SKIP,
    );
    if (after) {
      plan = after;
      await s.store.release(teamId, id, plan.resources.map(refOf));
      await say(s, plan, 'plan.end', plan.id, `every wave succeeded (${plan.resources.length} migrations)`);
      await postReport(s, plan, planView(plan, seen, now).view);
    }
  }
  await drawCard(s, plan, cardView(plan, seen, s.core.clock.now()));
  // A request waiting for approval says what approving does now: redrawn as that changes.
  if (plan.approval?.state === 'pending') await drawApproval(s, plan);
  return did;
}

/** Each opened wave whose resources all succeeded is marked done, once (its duration ends there). */
async function markDone(s: PlansState, plan: Plan, view: PlanView, now: number): Promise<Plan> {
  let current = plan;
  for (const w of view.waves) {
    if (w.openedAt === undefined || w.doneAt !== undefined) continue;
    if (w.resources.length === 0 || w.resources.some((l) => l.state !== 'succeeded')) continue;
    const key = String(w.n);
    const after = await s.store.change(plan.teamId, plan.id, (p) => {
      const m = p.waves[key];
      return m && m.doneAt === undefined
        ? { ...p, waves: { ...p.waves, [key]: { ...m, doneAt: now } } }
        : SKIP;
    });
    if (after) current = after;
  }
  return current;
}

/** The plan report, posted once in the plan's channel (its own post, beside the card). */
export async function postReport(s: PlansState, plan: Plan, view: PlanView): Promise<void> {
  const report: PlanReport = {
    kind: 'report',
    view,
    ...(plan.signedOff ? { signedBy: plan.signedOff.by } : {}),
    ...(plan.signedOff?.note ? { note: plan.signedOff.note } : {}),
  };
  try {
    // Its CSV goes into the card's thread (the plan's thread), once, when the report is first posted.
    const card = await s.posts.where(plan.teamId, CAPABILITY, plan.id);
    await s.posts.show(
      plan.teamId,
      {
        capability: CAPABILITY,
        id: `${plan.id}-report`,
        channel: plan.channel,
        ...(card ? { thread: card.ts } : {}),
      },
      report,
    );
  } catch (error) {
    s.core.logger.warn({ err: error, plan: plan.id }, 'plan report not posted');
  }
}

/** A change the plan made by itself, in the audit log as its owner's plan. */
async function say(s: PlansState, plan: Plan, action: string, target: string, detail: string): Promise<void> {
  await s.core.audit
    .record({
      team: plan.teamId,
      user: plan.owner,
      channel: plan.channel,
      action,
      target,
      result: 'ok',
      detail: `plan ${plan.id} (${plan.name}): ${detail}`.slice(0, 500),
      op: `plan-${plan.id}`,
    })
    .catch((error: unknown) => s.core.logger.warn({ err: error, plan: plan.id }, 'plan change not audited'));
}

async function opened(s: PlansState, plan: Plan, n: number): Promise<void> {
  const pending = plan.waves[String(n)]?.pending?.length ?? 0;
  s.core.logger.info({ plan: plan.id, wave: n, pending }, 'plan wave opened');
  await say(s, plan, 'plan.wave', `${plan.id} wave ${n}`, `wave ${n} opened; ${pending} paused to start`);
}

/**
 * Starts what the opened waves still have pending: each resource is taken off the list by
 * compare-and-set first, so only one replica starts it (a replica that dies between the two
 * leaves it paused, which the card shows as holding its wave).
 */
async function startPending(s: PlansState, plan: Plan, started: (ref: string) => void): Promise<Plan> {
  let current = plan;
  for (const [wave, mark] of Object.entries(plan.waves)) {
    for (const ref of mark.pending ?? []) {
      // The rules as they are now (a freeze): refused, it stays pending and the card says why.
      const refused = await heldBy(s, plan, Number(wave), ref);
      if (refused) {
        current = (await hold(s, current, wave, refused)) ?? current;
        break;
      }
      let took = false;
      const after = await s.store.change(plan.teamId, plan.id, (p) => {
        took = false;
        const m = p.waves[wave];
        if (p.status !== 'running' || !m?.pending?.includes(ref)) return SKIP;
        took = true;
        const { held: _held, ...rest } = m;
        return {
          ...p,
          waves: { ...p.waves, [wave]: { ...rest, pending: m.pending.filter((r) => r !== ref) } },
        };
      });
      if (!after || !took) continue;
      current = after;
      const r = after.resources.find((x) => refOf(x) === ref);
      if (!r) continue;
      await s.actor
        .act(after, Number(wave), r, 'resume')
        .then(() => started(ref))
        .catch((error: unknown) =>
          s.core.logger.warn({ err: error, plan: plan.id, ref }, 'a planned migration did not start'),
        );
    }
  }
  return current;
}

/** The rules' refusal to start `ref` now, as a wave of `plan` (every capability's check, stage `resume`). */
async function heldBy(s: PlansState, plan: Plan, wave: number, ref: string): Promise<Refusal | undefined> {
  const r = plan.resources.find((x) => refOf(x) === ref);
  const gate = s.core.gate;
  if (!r || !gate) return undefined;
  const provider = s.core.connections.get(plan.teamId, r.connection).provider;
  return startRefusal(gate, {
    team: plan.teamId,
    requester: plan.owner,
    channel: plan.channel,
    connection: r.connection,
    provider,
    kind: r.kind,
    id: r.id,
    approval: `plan-${plan.id}-wave-${wave}`,
    now: s.core.clock.now(),
  });
}

/** Marks the wave held by `refusal` (once per rule and reason: audited and shown on the card). */
async function hold(s: PlansState, plan: Plan, wave: string, refusal: Refusal): Promise<Plan | undefined> {
  const now = s.core.clock.now();
  const changed = await s.store.change(plan.teamId, plan.id, (p) => {
    const m = p.waves[wave];
    if (!m || (m.held?.key === refusal.key && m.held.values.rule === refusal.values.rule)) return SKIP;
    return {
      ...p,
      waves: { ...p.waves, [wave]: { ...m, held: { key: refusal.key, values: refusal.values, at: now } } },
    };
  });
  if (changed)
    await say(
      s,
      changed,
      'plan.wave',
      `${plan.id} wave ${wave}`,
      `wave ${wave} held by guardrail ${refusal.rule}`,
    );
  return changed;
}

function endIfDone(plan: Plan, view: PlanView): boolean {
  if (plan.status !== 'running' || view.waves.length === 0) return false;
  return view.waves.every(
    (w) => w.openedAt !== undefined && w.resources.every((l) => l.state === 'succeeded'),
  );
}
