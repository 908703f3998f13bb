import { createHash } from 'node:crypto';
import { TERMINAL_STATES } from '../../domain/migration-resource.js';
import { NotFoundError } from '../../errors.js';
import { code } from '../../slack/blocks/mrkdwn.js';
import type { Cutover } from './cut-record.js';
import { deltaRequest } from './delta-request.js';
import type { CutoverState } from './state.js';
import { stop } from './sync-job.js';
import { readSchedule, resourceKey } from './sync-record.js';

/** What the final delta came to so far: still going, done, or red with why (inert). */
export type DeltaOutcome =
  | { state: 'running' }
  | { state: 'green'; detail: string }
  | { state: 'red'; detail: string };

/**
 * Stops the migration's keep-in-sync (said once in its thread, by the schedule's own stop), then
 * starts the final delta through the same path keep-sync's runs take: an approved request (the
 * starter's confirmation stands for it) admitted to the approvals' scheduled start, which checks
 * windows, freezes and quotas and creates it once. Resolves with the request's id.
 */
export async function startFinalDelta(s: CutoverState, cut: Cutover, now: number): Promise<string> {
  const approvals = s.core.approvals;
  if (!approvals) throw new Error('no approvals');
  const scheduleId = await s.core.state.get(resourceKey(cut.team, cut.connection, cut.resourceId));
  const schedule = scheduleId ? await readSchedule(s.core.state, cut.team, scheduleId) : undefined;
  if (schedule && schedule.status !== 'stopped') await stop(s, schedule, 'cutover', now, cut.starter);
  const id = finalDeltaId(cut);
  // Asked again by a replica that took the step over: the request its holder admitted stands (saved
  // again, it would lose what its start made); the approvals' start claim creates it once.
  if (await approvals.find(cut.team, id)) {
    await approvals.startDue();
    return id;
  }
  const runs = schedule?.runs ?? [];
  const record = await deltaRequest(
    s,
    {
      ...cut,
      id,
      label: 'final delta',
      n: runs.length + 1,
      runs,
      requester: cut.starter,
      decidedBy: cut.starter,
      decidedAt: now,
    },
    now,
  );
  await approvals.admitApproved(record);
  await approvals.startDue();
  return id;
}

/** The final delta's request id: one per cut-over, whichever replica asks it. */
const finalDeltaId = (cut: Pick<Cutover, 'team' | 'id'>) =>
  createHash('sha256').update(`${cut.team}:cut:${cut.id}`).digest('hex').slice(0, 10);

/** The final delta's request and, once created, its run: created, then succeeded (green) or ended otherwise (red). */
export async function settleFinalDelta(
  s: CutoverState,
  cut: Cutover,
  approval: string,
): Promise<{ outcome: DeltaOutcome; resource?: string }> {
  const record = await s.core.approvals?.find(cut.team, approval);
  if (!record) return { outcome: { state: 'red', detail: code('gone') } };
  if (!record.resourceId) {
    if (record.status === 'approved') return { outcome: { state: 'running' } };
    const f = record.failure;
    const why = f?.localized?.key ?? f?.errorCode ?? record.status;
    return { outcome: { state: 'red', detail: code(why.slice(0, 100)) } };
  }
  try {
    const connection = s.core.connections.get(cut.team, cut.connection);
    const provider = s.core.connections.provider(connection, 'background');
    const run = await provider.get(record.kind, record.resourceId);
    const resource = record.resourceId;
    if (run.state === 'succeeded')
      return { outcome: { state: 'green', detail: code(`${cut.connection}:${resource}`) }, resource };
    if (TERMINAL_STATES.has(run.state))
      return { outcome: { state: 'red', detail: code(`${resource}: ${run.state}`) }, resource };
    return { outcome: { state: 'running' }, resource };
  } catch (error) {
    // Not read this time: asked again on the next pass, never taken for done.
    s.core.logger.warn({ err: error, cut: cut.id }, 'could not read the final delta');
    if (error instanceof NotFoundError) return { outcome: { state: 'red', detail: code('not found') } };
    return { outcome: { state: 'running' } };
  }
}
