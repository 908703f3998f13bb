import type { Clock } from '../../clock.js';
import { InvalidInputError } from '../../errors.js';
import { type AtomicKv, SKIP } from '../../store/atomic-kv.js';
import type { RestoredFrom } from '../../store/backup-marks.js';
import type { ApprovalRecord } from '../shared/approval-record.js';
import { APPROVAL_WORDS } from './words.js';

/**
 * A start time for a request: UpCloud jobs cannot be paused and its API takes no start
 * time (seed 001: name, type, source, target), so the bot holds an approved request and creates it
 * when due. Whichever comes first of "start it now" (the watcher's cycle) and "call it off" (the
 * requester or an admin) is one compare-and-set on the request's start key: the job is created once
 * across replicas and restarts, and never after a cancel.
 */

/** How far ahead a start may be set. */
export const MAX_START_AHEAD_MS = 30 * 24 * 3_600_000;
/** A start taken this long after it was due is told as late (the bot was away). */
export const START_LATE_MS = 5 * 60_000;

/**
 * A start key won this long ago by a request still uncreated was won by a replica that died before
 * saving: far longer than a create call may take (its deadline is seconds).
 */
export const STALE_START_MS = 10 * 60_000;

/** Who took a start key, and when (`<kind>:<who>@<epoch ms>`): its age tells an interrupted one. */
export function startToken(kind: 'start' | 'cancel', who: string, now: number): string {
  return `${kind}:${who}@${now}`;
}

/** When a start token was taken, or undefined (one written by a build before `startToken`). */
export function tokenTime(token: string): number | undefined {
  const at = /@(\d{10,16})$/.exec(token)?.[1];
  return at === undefined ? undefined : Number(at);
}

/** Who cancelled, for a cancel's token (`cancel:<user>:<op>…`); undefined for any other. */
export function cancelledByOf(token: string): string | undefined {
  return token.startsWith('cancel:') ? token.split(':')[1] : undefined;
}

/** Where the start of a request is claimed: `start:…` by the replica creating it, `cancel:…` by a cancel. */
export function startKey(team: string, id: string): string {
  return `approval-start:${team}:${id}`;
}

/** True when `token` took the request's start (or its cancel) first, across every replica sharing `atomic`. */
export async function claimStart(atomic: AtomicKv, record: ApprovalRecord, token: string): Promise<boolean> {
  const holder = await atomic.update(startKey(record.team, record.id), (current) =>
    current === undefined ? token : SKIP,
  );
  return holder === token;
}

/** Approved, with a start still ahead of it: shown as "approved, starts …", with Cancel start. */
export function awaitingStart(record: ApprovalRecord): boolean {
  return record.status === 'approved' && !!record.startAt && !record.startedAt && !record.resourceId;
}

/**
 * Due before the bot's first start on a store restored from a backup: the bot that ran until the
 * restore may have created it after the backup was taken, which the backup cannot say.
 */
export function dueBeforeRestore(record: ApprovalRecord, restored: RestoredFrom | undefined): boolean {
  return restored !== undefined && !!record.startAt && Date.parse(record.startAt) < restored.restoredAt;
}

/** Failed because its start was due before the store was restored (`startDue`): outcome unknown. */
export function startBeforeRestore(record: ApprovalRecord): boolean {
  return record.failure?.localized?.key === 'approval.start.restored';
}

/** Failed because the replica starting it stopped before saving what came of it (`startDue`). */
export function startInterrupted(record: ApprovalRecord): boolean {
  return record.failure?.localized?.key === 'approval.start.interrupted';
}

/** Started more than a few minutes after it was due (the bot was away): said so. */
export function startedLate(record: ApprovalRecord): boolean {
  if (!record.startAt || !record.startedAt) return false;
  return Date.parse(record.startedAt) - Date.parse(record.startAt) > START_LATE_MS;
}

/** Why `startAt` cannot be a request's start at `now` (its catalogue key), or undefined. */
export function startProblem(
  startAt: number,
  now: number,
): 'approval.startAt.invalid' | 'approval.startAt.past' | 'approval.startAt.tooFar' | undefined {
  if (!Number.isFinite(startAt)) return 'approval.startAt.invalid';
  if (startAt <= now) return 'approval.startAt.past';
  if (startAt - now > MAX_START_AHEAD_MS) return 'approval.startAt.tooFar';
  return undefined;
}

/** A request's start time checked again by the service (a caller other than the modal). */
export function checkedStart(startAt: string | undefined, now: number): string | undefined {
  if (startAt === undefined) return undefined;
  const at = Date.parse(startAt);
  const problem = startProblem(at, now);
  if (problem) throw InvalidInputError.in(APPROVAL_WORDS, problem);
  return new Date(at).toISOString();
}

/**
 * A request approved elsewhere (a plan, a keep-in-sync run): saved approved with its start time and
 * scheduled, so the scheduled start (`startDue`) creates it once across replicas, as any other.
 * Admitted again under the same id (a replica took over a run whose taker died after admitting it),
 * the record as it stands is kept, never saved over (a copy over a created one would lose what it
 * created), and scheduled again while it still waits for its start. The save is a write only if
 * absent (`saveNew`), not the read before it: a replica that read "none" and stalled past its
 * lease while another admitted and created the request must not land its copy over the created one.
 */
export async function admitApproved(
  records: AdmittedRecords,
  record: ApprovalRecord,
  withdrawn?: { atomic: AtomicKv; clock: Clock },
): Promise<ApprovalRecord> {
  if (record.status !== 'approved' || !record.startAt || !record.decidedBy)
    throw new Error('only an approved request with a start time is admitted');
  const existing = await records.get(record.team, record.id);
  if (existing) return scheduled(records, existing);
  // Withdrawn before it was admitted (its admitter stalled): kept as called off, never scheduled.
  const holder = await withdrawn?.atomic.get(startKey(record.team, record.id));
  const by = holder ? cancelledByOf(holder) : undefined;
  if (by && withdrawn) return records.saveNew(calledOff(record, by, withdrawn.clock.now()));
  return scheduled(records, await records.saveNew(record));
}

/** Scheduled (again) while it still waits for its start: the index is a set, so twice is once. */
async function scheduled(records: AdmittedRecords, record: ApprovalRecord): Promise<ApprovalRecord> {
  if (awaitingStart(record)) await records.schedule(record);
  return record;
}

/** Where admitted requests are kept (the approvals' store). */
interface AdmittedRecords {
  get(team: string, id: string): Promise<ApprovalRecord | undefined>;
  save(r: ApprovalRecord): Promise<ApprovalRecord>;
  /** Saved only if it has no record yet; resolves the record as it stands (`ApprovalStore.saveNew`). */
  saveNew(r: ApprovalRecord): Promise<ApprovalRecord>;
  schedule(r: ApprovalRecord): Promise<void>;
  unschedule(entry: { team: string; id: string; startAt: string }): Promise<void>;
}

function calledOff(record: ApprovalRecord, by: string, now: number): ApprovalRecord {
  return { ...record, status: 'cancelled', cancelledBy: by, cancelledAt: new Date(now).toISOString() };
}

/**
 * Withdraws the standing approval of a request a capability approved its own way (its keep-in-sync
 * stopped), admitted yet or not (its id is known ahead): one compare-and-set on its start key, the
 * one the scheduled start takes, so the request is either started already (false) or never (true).
 * Admitted and waiting, it is saved called off by `by`; admitted later, `admitApproved` does so.
 */
export async function withdrawStart(
  atomic: AtomicKv,
  records: AdmittedRecords,
  ask: { team: string; id: string; by: string; now: number },
): Promise<boolean> {
  const token = startToken('cancel', `${ask.by}:withdrawn`, ask.now);
  const holder = await atomic.update(startKey(ask.team, ask.id), (current) =>
    current === undefined ? token : SKIP,
  );
  if (holder !== token) return holder?.startsWith('cancel:') ?? false;
  const record = await records.get(ask.team, ask.id);
  if (record && awaitingStart(record)) {
    await records.save(calledOff(record, ask.by, ask.now));
    await records.unschedule({ team: ask.team, id: ask.id, startAt: record.startAt ?? '' });
  }
  return true;
}
