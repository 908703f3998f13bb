import { randomBytes } from 'node:crypto';
import { OPEN_GATE, type Refusal } from '../../contract/gate.js';
import { AppError, ErrorCode, InvalidInputError, OutcomeUnknownError } from '../../errors.js';
import { SKIP } from '../../store/atomic-kv.js';
import { refusedError } from '../../use-cases/refused-error.js';
import { approvalGone, failureShown } from './approval-failure.js';
import type { ApprovalRecord } from './approval-record.js';
import { approvalScope } from './approval-scope.js';
import type { ScheduledEntry } from './approval-store.js';
import type { Decision, DecisionInput } from './approval-types.js';
import { checkOf } from './approval-votes.js';
import { type CreateApprovedDeps, createApproved, settled } from './create-approved.js';
import {
  awaitingStart,
  cancelledByOf,
  claimStart,
  dueBeforeRestore,
  STALE_START_MS,
  startedLate,
  startKey,
  startToken,
  tokenTime,
} from './scheduled-start.js';
import { APPROVAL_WORDS } from './words.js';

/**
 * Creates every approved request whose start time has come, once: the scheduled index says which
 * are due, and the request's start key decides (one compare-and-set: this replica starts it, or
 * another replica or a cancel took it first). Run before each watcher cycle, the bot's one
 * scheduler of timed actions; after downtime a due request starts late, once, and says so.
 * A request leaves the index only once its outcome is saved, so one whose starter (or canceller)
 * died between winning the key and saving is found again and settled (`settleInterrupted`).
 */
export async function startDue(d: CreateApprovedDeps, now: number): Promise<Decision[]> {
  const done: Decision[] = [];
  for (const entry of await d.records.scheduled()) {
    if (Date.parse(entry.startAt) > now) break;
    try {
      const record = await d.records.get(entry.team, entry.id);
      // Gone, created, failed or cancelled: nothing left to start.
      if (record?.status !== 'approved' || record.resourceId) {
        await d.records.unschedule(entry);
        continue;
      }
      const op = randomBytes(4).toString('hex');
      const mine =
        awaitingStart(record) && (await claimStart(d.o.atomic, record, startToken('start', op, now)));
      // Its start key won as a start's (a replica dying now is settled as interrupted, as any start).
      if (mine && dueBeforeRestore(record, d.o.restored)) {
        done.push(await failUnknown(d, entry, record, op, 'approval.start.restored'));
        continue;
      }
      if (!mine) {
        // Another replica starting it now, or a cancel saving: theirs. Left long after, it was interrupted.
        const settled = await settleInterrupted(d, entry, record, now, op);
        if (settled) done.push(settled);
        continue;
      }
      // The rules as they are now (a freeze that began meanwhile): refused, it says so where asked.
      const checked = await (d.o.gate ?? OPEN_GATE).check(checkOf(record, 'start', now));
      if (checked.refusal) {
        done.push(await refuseStart(d, entry, record, op, checked.refusal));
        continue;
      }
      const started = await d.records.save({ ...record, startedAt: new Date(now).toISOString() });
      await d.audit({
        team: record.team,
        user: record.decidedBy ?? record.requester,
        channel: record.message?.channel,
        action: 'create.start',
        target: `approval:${record.id}`,
        result: 'ok',
        detail: startedLate(started) ? `started late (due ${record.startAt})` : 'started on time',
        op,
      });
      done.push(await createApproved(d, started, op));
      await d.records.unschedule(entry);
    } catch (error) {
      d.o.logger.error({ err: error, approval: entry.id }, 'could not start a scheduled request');
    }
  }
  return done;
}

/**
 * A request whose start key was won `STALE_START_MS` ago or more and that is still approved and
 * uncreated: its winner died before saving the outcome. A start that died may have created the job
 * (the provider was called, or not): the request fails saying "check the list before asking
 * again", never creating a second one. A cancel that died is finished: the cancel had won. One
 * compare-and-set on the same key (holder → `settled:`) decides which replica says so.
 */
async function settleInterrupted(
  d: CreateApprovedDeps,
  entry: ScheduledEntry,
  record: ApprovalRecord,
  now: number,
  op: string,
): Promise<Decision | undefined> {
  const key = startKey(record.team, record.id);
  const holder = await d.o.atomic.get(key);
  if (!holder || holder.startsWith('settled:')) return undefined;
  const won = tokenTime(holder) ?? Date.parse(record.startAt ?? '');
  if (!(now - won >= STALE_START_MS)) return undefined;
  const settled = `settled:${op}`;
  if ((await d.o.atomic.update(key, (current) => (current === holder ? settled : SKIP))) !== settled)
    return undefined;
  const at = new Date(now).toISOString();
  const cancelledBy = cancelledByOf(holder);
  if (!cancelledBy) return failUnknown(d, entry, record, op, 'approval.start.interrupted');
  const saved = await d.records.save({ ...record, status: 'cancelled', cancelledBy, cancelledAt: at });
  await d.records.unschedule(entry);
  await d.audit({
    team: record.team,
    user: cancelledBy,
    channel: record.message?.channel,
    action: 'create.cancel-start',
    target: `approval:${record.id}`,
    result: 'ok',
    detail: 'a cancel left half-done, finished',
    op,
  });
  await d.redraw(saved);
  await d.notify('tell requester', () => d.o.messenger.tellRequester(saved));
  return undefined;
}

const UNKNOWN_DETAIL = {
  'approval.start.interrupted': 'its start was interrupted: outcome unknown',
  'approval.start.restored': 'due before the store was restored from a backup: outcome unknown',
} as const;

/**
 * A start whose outcome the bot cannot know (its starter died, or it was due before a restore):
 * failed, saying to check the list before asking again, never created a second time.
 */
function failUnknown(
  d: CreateApprovedDeps,
  entry: ScheduledEntry,
  record: ApprovalRecord,
  op: string,
  why: keyof typeof UNKNOWN_DETAIL,
): Promise<Decision> {
  const failure = failureShown(d.o.secrets, OutcomeUnknownError.in(APPROVAL_WORDS, why), record.team, true);
  return failStart(d, entry, record, op, failure, { result: 'failed', detail: UNKNOWN_DETAIL[why] });
}

/** A start the rules refuse when it comes due: failed, with the rule and how to get an exception. */
async function refuseStart(
  d: CreateApprovedDeps,
  entry: ScheduledEntry,
  record: ApprovalRecord,
  op: string,
  refusal: Refusal,
): Promise<Decision> {
  const failure = failureShown(d.o.secrets, refusedError(refusal), record.team);
  const detail = `guardrail ${refusal.rule} (at the start)`;
  const failed = await failStart(d, entry, record, op, failure, { result: 'refused', detail });
  // What its approval took (a quota's share) is free again: it will not be created.
  await settled(d, failed.record, { failed: true });
  return failed;
}

/** A due start that will not be made: the request failed, unscheduled, audited, redrawn, its requester told. */
async function failStart(
  d: CreateApprovedDeps,
  entry: ScheduledEntry,
  record: ApprovalRecord,
  op: string,
  failure: ApprovalRecord['failure'],
  audited: { result: 'failed' | 'refused'; detail: string },
): Promise<Decision> {
  const saved = await d.records.save({ ...record, status: 'failed', failure });
  await d.records.unschedule(entry);
  await d.audit({
    team: record.team,
    user: record.decidedBy ?? record.requester,
    channel: record.message?.channel,
    action: 'create.start',
    target: `approval:${record.id}`,
    ...audited,
    op,
  });
  await d.redraw(saved);
  await d.notify('tell requester', () => d.o.messenger.tellRequester(saved));
  return { outcome: 'failed', record: saved };
}

function notWaiting(record: ApprovalRecord): AppError {
  return InvalidInputError.in(APPROVAL_WORDS, 'approval.cancelStart.notWaiting', { id: record.id });
}

/**
 * Calls off the start of an approved request before it is due (its requester, or an admin): one
 * compare-and-set on the same start key the scheduler takes, so a cancel and a start never both win.
 */
export async function cancelStart(d: CreateApprovedDeps, input: DecisionInput): Promise<ApprovalRecord> {
  const record = await d.records.get(input.team, input.id);
  if (!record) throw approvalGone(input.id);
  if (!awaitingStart(record)) throw notWaiting(record);
  const entry = {
    team: input.team,
    user: input.by,
    channel: input.channel,
    action: 'create.cancel-start',
    target: `approval:${record.id}`,
    op: input.op,
  };
  if (record.requester !== input.by) {
    try {
      // Admins cancel anything ("delete or cancel"); the requester, their own.
      const who = { teamId: input.team, userId: input.by };
      await d.o.access.require(who, 'delete', approvalScope(record), 'cancel the start of requests');
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.Forbidden)
        await d.audit({ ...entry, result: 'refused', detail: 'needs admin or the requester' });
      throw error;
    }
  }
  const token = startToken('cancel', `${input.by}:${input.op}`, d.o.clock.now());
  if (!(await claimStart(d.o.atomic, record, token))) throw notWaiting(record);
  const cancelled = await d.records.save({
    ...record,
    status: 'cancelled',
    cancelledBy: input.by,
    cancelledAt: new Date(d.o.clock.now()).toISOString(),
  });
  await d.records.unschedule({ team: record.team, id: record.id, startAt: record.startAt ?? '' });
  await d.audit({ ...entry, result: 'ok', detail: `start at ${record.startAt} called off` });
  await d.redraw(cancelled);
  await d.notify('tell requester', () => d.o.messenger.tellRequester(cancelled));
  return cancelled;
}
