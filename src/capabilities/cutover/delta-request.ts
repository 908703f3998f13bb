import type { NextRun } from '../../providers/types.js';
import type { ApprovalRecord } from '../shared/approval-record.js';
import type { CutoverState } from './state.js';
import type { SyncSchedule } from './sync-record.js';

/** A delta's approved request is kept this long (the scheduled start takes it at once). */
const KEEP_MS = 24 * 3_600_000;
/** How many of the latest deltas are tried to follow before the migration itself. */
const FOLLOW_TRIES = 3;

/**
 * The delta after the newest run the provider can follow (OMS needs a run that started, for its
 * `migrate_since`): the latest deltas first, then the migration itself; the last error if none.
 */
export async function planDelta(
  schedule: Pick<SyncSchedule, 'runs' | 'resourceId'>,
  nextRun: (id: string) => Promise<NextRun>,
): Promise<{ follows: string; next: NextRun }> {
  const made = schedule.runs
    .flatMap((r) => (r.resource ? [r.resource] : []))
    .slice(-FOLLOW_TRIES)
    .reverse();
  let failure: unknown;
  for (const id of [...made, schedule.resourceId]) {
    try {
      return { follows: id, next: await nextRun(id) };
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

/** The migration a delta follows, who asked for it and on whose approval it stands. */
export interface DeltaAsk {
  id: string;
  team: string;
  channel: string;
  connection: string;
  provider: string;
  kind: SyncSchedule['kind'];
  resourceId: string;
  /** The migration's name; the delta is named `<name> · <label>`. */
  name: string;
  label: string;
  /** The delta's number in its chain. */
  n: number;
  requester: string;
  decidedBy: string;
  decidedAt: number;
  /** The runs already made, newest last (the delta follows the newest the provider can). */
  runs: SyncSchedule['runs'];
}

/**
 * A delta as an approved request, planned by the provider (`nextRun` reads, it creates nothing),
 * to hand to the approvals' scheduled start: keep-in-sync's runs and the cut-over's final delta.
 */
export async function deltaRequest(s: CutoverState, ask: DeltaAsk, now: number): Promise<ApprovalRecord> {
  const connection = s.core.connections.get(ask.team, ask.connection);
  const provider = s.core.connections.provider(connection, 'background');
  if (!provider.nextRun) throw new Error('no delta run');
  const name = `${ask.name} · ${ask.label}`.slice(0, 255);
  const { follows, next } = await planDelta(ask, (id) => provider.nextRun!(ask.kind, id, name));
  return {
    id: ask.id,
    team: ask.team,
    requester: ask.requester,
    channel: ask.channel,
    connection: ask.connection,
    provider: ask.provider as ApprovalRecord['provider'],
    kind: next.kind,
    request: next.request,
    status: 'approved',
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + KEEP_MS).toISOString(),
    decidedBy: ask.decidedBy,
    decidedAt: new Date(ask.decidedAt).toISOString(),
    startAt: new Date(now).toISOString(),
    rerun: {
      mode: next.mode,
      n: ask.n,
      of: { kind: ask.kind, id: follows, name: ask.name },
      root: `${ask.connection}:${ask.kind}:${ask.resourceId}`,
      ...(next.since !== undefined ? { since: next.since } : {}),
    },
  };
}
