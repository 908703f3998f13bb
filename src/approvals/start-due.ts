import { randomBytes } from 'node:crypto';
import { AppError, ErrorCode, InvalidInputError } from '../errors.js';
import { approvalGone } from './approval-failure.js';
import type { ApprovalRecord } from './approval-record.js';
import { approvalScope } from './approval-scope.js';
import type { Decision, DecisionInput } from './approval-types.js';
import { type CreateApprovedDeps, createApproved } from './create-approved.js';
import { awaitingStart, claimStart, startedLate } from './scheduled-start.js';

/**
 * Creates every approved request whose start time has come, once: the scheduled index says which
 * are due, and the request's start key decides (one compare-and-set: this replica starts it, or
 * another replica or a cancel took it first). Run before each watcher cycle, the bot's one
 * scheduler of timed actions; after downtime a due request starts late, once, and says so.
 */
export async function startDue(d: CreateApprovedDeps, now: number): Promise<Decision[]> {
  const done: Decision[] = [];
  for (const entry of await d.records.scheduled()) {
    if (Date.parse(entry.startAt) > now) break;
    try {
      const record = await d.records.get(entry.team, entry.id);
      const op = randomBytes(4).toString('hex');
      // Gone, started or cancelled (a crash between two writes), or taken by someone else just now.
      const mine = record && awaitingStart(record) && (await claimStart(d.o.atomic, record, `start:${op}`));
      await d.records.unschedule(entry);
      if (!mine) continue;
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
    } catch (error) {
      d.o.logger.error({ err: error, approval: entry.id }, 'could not start a scheduled request');
    }
  }
  return done;
}

function notWaiting(record: ApprovalRecord): AppError {
  return InvalidInputError.of('approval.cancelStart.notWaiting', { id: record.id });
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
  if (!(await claimStart(d.o.atomic, record, `cancel:${input.by}:${input.op}`))) throw notWaiting(record);
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
