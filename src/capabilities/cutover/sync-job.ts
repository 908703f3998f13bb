import { AppError } from '../../errors.js';
import { code } from '../../slack/blocks/mrkdwn.js';
import { SKIP } from '../../store/atomic-kv.js';
import type { ApprovalRecord } from '../shared/approval-record.js';
import { syncFact } from './convergence.js';
import { withCut } from './cut-fact.js';
import { type DeltaAsk, deltaRequest } from './delta-request.js';
import type { CutoverState } from './state.js';
import { syncNote } from './sync-note.js';
import {
  ACTIVE_SET,
  CUTOVER,
  changeSchedule,
  dueAt,
  inFlight,
  lapsesAt,
  RunClaim,
  readSchedule,
  resourceKey,
  runRequestId,
  runToken,
  SAME_CLASS_STOP,
  type StopReason,
  type SyncSchedule,
} from './sync-record.js';

const HOUR = 3_600_000;

/**
 * The keep-in-sync job, on every replica before each cycle: for each approved schedule, settles
 * what its started runs came to, stops it (end date, maximum, two same-class failures) once, and
 * starts the run that is due. A run is taken by one compare-and-set on the schedule, for a lease
 * (`RunClaim`), and handed to the approvals' scheduled start as an approved request (the
 * approver's standing approval), which checks windows, freezes and quotas and creates it once; a
 * run whose taker died before handing it over is taken over once its lease lapses.
 */
export async function syncPass(s: CutoverState, now: number): Promise<void> {
  for (const member of await s.core.state.setMembers(ACTIVE_SET)) {
    const [team, id] = member.split(':');
    if (!team || !id) continue;
    try {
      await passOne(s, team, id, now);
    } catch (error) {
      s.core.logger.warn({ err: error, schedule: id }, 'could not run a keep-in-sync schedule');
    }
  }
}

async function passOne(s: CutoverState, team: string, id: string, now: number): Promise<void> {
  let schedule = await readSchedule(s.core.state, team, id);
  if (schedule?.status !== 'active') {
    await s.core.state.setRemove(ACTIVE_SET, `${team}:${id}`);
    return;
  }
  schedule = await settleRuns(s, schedule);
  await drawFact(s, schedule);
  const failed = sameClassFailures(schedule);
  if (failed) {
    await stop(s, schedule, 'failures', now, failed);
    return;
  }
  if (schedule.runs.length >= schedule.max && schedule.runs.every((r) => r.outcome)) {
    await stop(s, schedule, 'max', now);
    return;
  }
  if (now >= schedule.until) {
    await stop(s, schedule, 'end', now);
    return;
  }
  const claim = (n: number) =>
    new RunClaim(s.core.state, schedule, n, runToken(s.core.watcher.options.holder));
  // A run taken and not handed over: its taker's while its lease lasts, then taken over (the taker died).
  const held = inFlight(schedule);
  if (held) {
    const mine = claim(held.n);
    if (lapsesAt(held) <= now && (await mine.take(now))) await handOver(s, mine, now);
    return;
  }
  if (schedule.runs.length >= schedule.max) return;
  // The latest slot due (a bot away for several cadences runs once on return, not once per slot missed).
  const every = schedule.everyH * HOUR;
  const slot = Math.floor((now - (schedule.approvedAt ?? now)) / every);
  const last = schedule.runs.at(-1)?.n ?? 0;
  if (slot < 1 || slot <= last || dueAt(schedule, slot) > schedule.until) return;
  const mine = claim(slot);
  if (await mine.take(now)) await handOver(s, mine, now);
}

/** Runs whose request has an outcome now: created (`ok`), or failed with its class. */
async function settleRuns(s: CutoverState, schedule: SyncSchedule): Promise<SyncSchedule> {
  const approvals = s.core.approvals;
  if (!approvals) return schedule;
  const found = new Map<number, { outcome: string; resource?: string }>();
  for (const r of schedule.runs) {
    if (r.outcome || !r.approval) continue;
    const record = await approvals.find(schedule.team, r.approval);
    if (record?.resourceId) found.set(r.n, { outcome: 'ok', resource: record.resourceId });
    else if (record && record.status !== 'approved') found.set(r.n, { outcome: `failed:${classOf(record)}` });
  }
  if (found.size === 0) return schedule;
  const after = await changeSchedule(s.core.state, schedule.team, schedule.id, (c) => ({
    ...c,
    runs: c.runs.map((r) => {
      const f = found.get(r.n);
      return !f || r.outcome ? r : { ...r, ...f };
    }),
  }));
  for (const [n, f] of found)
    if (f.outcome === 'ok') await saidStarted(s, schedule, n);
    else
      await say(s, schedule, `run-${n}-failed`, 'cutover.run.failed', { n, why: code(f.outcome.slice(7)) });
  return after ?? schedule;
}

/** The class a failed run is counted in: its rule or error key, else its provider's code. */
function classOf(record: ApprovalRecord): string {
  const f = record.failure;
  return (
    f?.localized?.key ??
    f?.errorCode ??
    (f?.httpStatus ? `http ${f.httpStatus}` : record.status)
  ).slice(0, 100);
}

/** The class of the last two runs when both failed the same way, else undefined. */
function sameClassFailures(schedule: SyncSchedule): string | undefined {
  const done = schedule.runs.filter((r) => r.outcome);
  const tail = done.slice(-SAME_CLASS_STOP);
  if (tail.length < SAME_CLASS_STOP) return undefined;
  const first = tail[0]!.outcome!;
  return first.startsWith('failed:') && tail.every((r) => r.outcome === first) ? first.slice(7) : undefined;
}

/**
 * Stops the schedule once across replicas (active or pending → stopped), and says why once in the
 * thread; resolves, when this call stopped it, how many of its runs made a delta (created, or
 * started before the stop), never counting one refused, failed or withdrawn.
 */
export async function stop(
  s: CutoverState,
  schedule: SyncSchedule,
  why: StopReason,
  now: number,
  detail: string = why,
): Promise<{ made: number } | undefined> {
  let won = false;
  const after = await changeSchedule(s.core.state, schedule.team, schedule.id, (c) => {
    won = c.status === 'active' || ((why === 'called' || why === 'cutover') && c.status === 'pending');
    return won
      ? { ...c, status: 'stopped', stopped: { why, at: now, detail: detail.slice(0, 200) } }
      : undefined;
  });
  const started = after
    ? await withdrawRuns(s, after, why === 'called' || why === 'cutover' ? detail : undefined)
    : 0;
  await s.core.state.setRemove(ACTIVE_SET, `${schedule.team}:${schedule.id}`);
  await s.core.state.update(resourceKey(schedule.team, schedule.connection, schedule.resourceId), (v) =>
    v === schedule.id ? undefined : SKIP,
  );
  await drawFact(s, { ...schedule, status: 'stopped' });
  if (!won || !after) return undefined;
  const made = after.runs.filter((r) => r.outcome === 'ok').length + started;
  const values = {
    until: new Date(schedule.until).toISOString(),
    runs: made,
    max: schedule.max,
    // Who called it off is a mention; a failure's class is shown as code (inert).
    why: why === 'called' || why === 'cutover' ? `<@${detail}>` : code(detail),
  };
  await say(
    s,
    schedule,
    'stop',
    `cutover.stop.${why as 'end' | 'max' | 'failures' | 'called' | 'cutover'}`,
    values,
  );
  return { made };
}

/**
 * A stopped schedule's runs not made yet (taken, or admitted and not started: their replica
 * stalled or died) never start: each request's start is withdrawn (by whoever stopped it, else the
 * approver whose standing approval it was), admitted yet or not. One that started already goes on:
 * resolves how many did (one whose withdrawal failed may have: counted too).
 */
async function withdrawRuns(s: CutoverState, schedule: SyncSchedule, by: string | undefined) {
  const approvals = s.core.approvals;
  if (!approvals) return 0;
  const who = by ?? schedule.approvedBy ?? schedule.requester;
  let started = 0;
  for (const r of schedule.runs.filter((r) => !r.outcome)) {
    const withdrawn = await approvals
      .withdraw(schedule.team, runRequestId(schedule, r.n), who)
      .catch((error: unknown) => {
        s.core.logger.warn({ err: error }, 'could not withdraw a keep-in-sync run');
        return false;
      });
    if (!withdrawn) started++;
  }
  return started;
}

/**
 * Hands the claimed run to the approvals' scheduled start as an approved request whose
 * id is the run's own, so every replica names it alike. Admitted already (its taker died before
 * writing so), it is only written down: the record is the proof. Otherwise the delta is planned (a
 * provider read, nothing created) and admitted only while the run is still this replica's.
 * "Started" is said once the request created the delta (here or when settled), never before: the
 * scheduled start may still refuse it (a freeze) or a stop withdraw it.
 */
/** Run `n` of the schedule as a delta to ask, on the approver's standing approval. */
function runAsk(schedule: SyncSchedule, n: number, id: string, now: number): DeltaAsk {
  return {
    ...schedule,
    id,
    label: `sync ${n}`,
    n,
    decidedBy: schedule.approvedBy!,
    decidedAt: schedule.approvedAt ?? now,
  };
}

async function handOver(s: CutoverState, claim: RunClaim, now: number) {
  const { schedule, n } = claim;
  const approvals = s.core.approvals;
  const id = runRequestId(schedule, n);
  try {
    if (!approvals) throw new Error('no approvals');
    let record = await approvals.find(schedule.team, id);
    if (!record) {
      record = await deltaRequest(s, runAsk(schedule, n, id, now), now);
      if (!(await claim.hold(s.core.clock.now()))) return;
    }
    if (record.status === 'approved') await approvals.admitApproved(record);
    await claim.handedOver(id);
    await approvals.startDue();
    if ((await approvals.find(schedule.team, id))?.resourceId) await saidStarted(s, schedule, n);
  } catch (error) {
    const cls = error instanceof AppError ? (error.localized?.key ?? error.code) : 'error';
    if (await claim.fail(`failed:${cls}`))
      await say(s, schedule, `run-${n}-failed`, 'cutover.run.failed', { n, why: code(cls) });
  }
}

/** Writes the card's fact (the keep-in-sync and its convergence) when it changed since this replica wrote it. */
async function drawFact(s: CutoverState, schedule: SyncSchedule): Promise<void> {
  const fact = await syncFact(s, schedule);
  const json = JSON.stringify(fact ?? null);
  if (s.written.get(schedule.id) === json) return;
  const target = { connection: schedule.connection, kind: schedule.kind, id: schedule.resourceId };
  await s.core.watcher.notes
    .fact(schedule.team, target, CUTOVER, (was: unknown) => withCut(fact, was))
    .then(() => s.written.set(schedule.id, json))
    .catch((error: unknown) =>
      s.core.logger.warn({ err: error }, 'could not draw a keep-in-sync on its card'),
    );
}

/** Run `n` created its delta: said once. */
function saidStarted(s: CutoverState, schedule: SyncSchedule, n: number): Promise<void> {
  return say(s, schedule, `run-${n}-started`, 'cutover.run.started', {
    n,
    approver: `<@${schedule.approvedBy}>`,
    request: code(runRequestId(schedule, n)),
  });
}

/** Said once in the migration's thread (the dedup key is the schedule's, per line). */
async function say(
  s: CutoverState,
  schedule: SyncSchedule,
  what: string,
  key: Parameters<typeof syncNote>[0],
  values: Record<string, string | number>,
): Promise<void> {
  const ref = code(`${schedule.connection}:${schedule.resourceId}`);
  await s.core.watcher.notes
    .say(
      schedule.team,
      { connection: schedule.connection, kind: schedule.kind, id: schedule.resourceId },
      `cutover-${schedule.id}-${what}`,
      syncNote(key, { ...values, ref }),
      s.core.clock.now(),
      { channel: schedule.channel, deliver: true },
    )
    .catch((error: unknown) =>
      s.core.logger.warn({ err: error }, 'could not tell the thread of a keep-in-sync'),
    );
}
