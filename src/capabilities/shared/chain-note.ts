import type { SaidNote } from '../../watcher/outbox/thread-views.js';
import type { ApprovalRecord } from './approval-record.js';

/**
 * The delta runs' name: the notes of a run's chain are drawn by them (`renderNote`), whoever says
 * one (the approvals when a delta is made, the objects when a retry is asked for).
 */
export const DELTA_RUNS = 'delta-runs';

type Rerun = NonNullable<ApprovalRecord['rerun']>;

/**
 * Said once in a run's thread when a delta run of it is asked for, or made: the chain stays in
 * one thread, posted by the outbox like every other line about the run (`WatchNotes.say`, as
 * the delta runs' `SaidNote`; entries stored before it was one read as one, `record-expand.ts`).
 * Mentions and ids only; the words are drawn at delivery, in the channel's language.
 */
export interface ChainNote {
  kind: 'chain';
  event: 'requested' | 'created';
  /** The delta's number in the chain (or the retry's, in the chain's retries). */
  n: number;
  /** A retry of what the run did not bring over; absent: a delta. */
  series?: 'retry';
  /** Slack user ids. */
  requester: string;
  approver?: string;
  /** The approval request it went through, and the link to it. */
  request: { id: string; permalink?: string };
  /** The delta run once made: `connection:id`. */
  ref: string;
}

/** What the run's thread is told when its delta is asked for, or made: data the outbox posts. */
export function chainNoteOf(
  record: Pick<ApprovalRecord, 'requester' | 'decidedBy' | 'message' | 'connection' | 'resourceId' | 'id'> & {
    rerun: Rerun;
  },
  event: ChainNote['event'],
): SaidNote {
  const permalink = record.message?.permalink;
  const note: ChainNote = {
    kind: 'chain',
    event,
    n: record.rerun.n,
    ...(record.rerun.retry ? { series: 'retry' as const } : {}),
    requester: record.requester,
    ...(record.decidedBy ? { approver: record.decidedBy } : {}),
    request: { id: record.id, ...(permalink ? { permalink } : {}) },
    ref: `${record.connection}:${record.resourceId ?? ''}`,
  };
  return { kind: 'said', capability: DELTA_RUNS, note };
}
