import { randomBytes } from 'node:crypto';
import { SKIP } from '../../store/atomic-kv.js';
import type { ApprovalRecord } from '../shared/approval-record.js';
import type { PlansState } from './plan-service.js';
import { CAPABILITY, type Plan, type PlannedCreate, type PlanResource } from './plan-types.js';

/** How long a planned migration's approved request is kept as pending would be (it is decided already). */
const KEEP_MS = 24 * 3_600_000;

/** The keys of wave `n`'s planned migrations not yet handed over: what its opening lists to create. */
export function createsOf(plan: Plan, n: number): string[] {
  return (plan.planned ?? []).filter((p) => p.wave === n && !p.approval).map((p) => p.key);
}

/** The approved request a planned migration becomes when its wave opens: due now, decided by the plan's approver. */
function approvedRecord(plan: Plan, p: PlannedCreate, id: string, now: number): ApprovalRecord {
  const a = plan.approval!;
  return {
    id,
    team: plan.teamId,
    requester: a.by,
    channel: plan.channel,
    connection: p.connection,
    provider: p.provider as ApprovalRecord['provider'],
    kind: p.kind,
    request: p.request,
    status: 'approved',
    createdAt: new Date(a.at).toISOString(),
    expiresAt: new Date(now + KEEP_MS).toISOString(),
    decidedBy: a.decidedBy!,
    decidedAt: new Date(a.decidedAt ?? now).toISOString(),
    startAt: new Date(now).toISOString(),
    ...(p.preflight ? { preflight: p.preflight } : {}),
  };
}

/**
 * Hands the opened waves' planned migrations to the approvals' scheduled start while the plan is
 * approved: each is taken off its wave's list by compare-and-set first (the approved request's id
 * written with it), so only one replica hands it over; the scheduled start then creates it once
 * (its start key). A replica that dies between the two leaves it uncreated, which the card shows.
 */
export async function releaseCreates(s: PlansState, plan: Plan): Promise<Plan> {
  const approvals = s.core.approvals;
  if (!approvals) return plan;
  let current = plan;
  let handed = 0;
  for (const [wave, mark] of Object.entries(plan.waves)) {
    for (const key of mark.creates ?? []) {
      const id = randomBytes(5).toString('hex');
      const after = await s.store.change(plan.teamId, plan.id, (p) => {
        const m = p.waves[wave];
        const ok = p.status === 'running' && p.approval?.state === 'approved' && m?.creates?.includes(key);
        if (!m || !ok || !p.planned?.some((x) => x.key === key && !x.approval)) return SKIP;
        return {
          ...p,
          waves: { ...p.waves, [wave]: { ...m, creates: m.creates!.filter((k) => k !== key) } },
          planned: p.planned.map((x) => (x.key === key ? { ...x, approval: id } : x)),
        };
      });
      if (!after) continue;
      current = after;
      const p = after.planned?.find((x) => x.key === key);
      if (!p) continue;
      try {
        await approvals.admitApproved(approvedRecord(after, p, id, s.core.clock.now()));
        handed++;
      } catch (error) {
        s.core.logger.warn({ err: error, plan: plan.id, key }, 'a planned migration was not handed over');
      }
    }
  }
  // Created at once, not a cycle later: the scheduled start takes each once, whichever replica runs it.
  if (handed > 0) await approvals.startDue().catch(() => undefined);
  return current;
}

/**
 * Planned migrations whose approved request created them become the plan's resources (watched in
 * its channel, held by it), in one compare-and-set each; one whose creating failed holds its wave.
 */
export async function adoptCreated(s: PlansState, plan: Plan): Promise<Plan> {
  const approvals = s.core.approvals;
  if (!approvals) return plan;
  let current = plan;
  for (const p of plan.planned ?? []) {
    if (!p.approval) continue;
    const record = await approvals.find(plan.teamId, p.approval);
    if (record?.status === 'failed' && !p.failed) {
      current =
        (await s.store.change(plan.teamId, plan.id, (q) =>
          q.planned?.some((x) => x.key === p.key && !x.failed)
            ? { ...q, planned: q.planned.map((x) => (x.key === p.key ? { ...x, failed: true } : x)) }
            : SKIP,
        )) ?? current;
      continue;
    }
    if (!record?.resourceId) continue;
    const resource: PlanResource = {
      connection: p.connection,
      kind: p.kind,
      id: record.resourceId,
      name: record.resourceName || p.name,
      provider: p.provider,
      wave: p.wave,
      by: p.by,
      at: s.core.clock.now(),
    };
    const ref = `${resource.connection}/${resource.kind}/${resource.id}`;
    await s.store.hold(plan.teamId, plan.id, [ref]);
    const after = await s.store.change(plan.teamId, plan.id, (q) =>
      q.planned?.some((x) => x.key === p.key)
        ? {
            ...q,
            planned: q.planned.filter((x) => x.key !== p.key),
            resources: [...q.resources.filter((r) => r.id !== resource.id), resource],
          }
        : SKIP,
    );
    if (!after) continue;
    current = after;
    await s.core.watcher.watch({
      teamId: plan.teamId,
      channelId: plan.channel,
      ...resource,
      by: plan.owner,
      follow: 'failures',
    });
    await s.core.watcher.notes.fact(plan.teamId, resource, CAPABILITY, {
      id: plan.id,
      name: plan.name,
      wave: p.wave,
    });
  }
  return current;
}
