import type { AuditEntry } from '../../audit/audit-log.js';
import { type CheckStage, type GateOutcome, OPEN_GATE, type RequestCheck } from '../../contract/gate.js';
import { InvalidInputError } from '../../errors.js';
import { createTarget, summarizeCreateRequest } from '../../providers/create-request.js';
import { type AtomicKv, SKIP } from '../../store/atomic-kv.js';
import { refusedError } from '../../use-cases/refused-error.js';
import type { ApprovalRecord } from './approval-record.js';
import type { ApprovalStore } from './approval-store.js';
import type { ApprovalServiceOptions, Decision, DecisionInput } from './approval-types.js';
import { redrawApproverMessages } from './approver-notices.js';
import { requestDetail } from './audit-details.js';
import { APPROVAL_WORDS } from './words.js';

/** What counting approvals and asking the gate need of the service. */
export interface VoteDeps {
  o: ApprovalServiceOptions;
  records: ApprovalStore;
  audit(entry: Omit<AuditEntry, 'at'>): Promise<void>;
  notify(what: string, work: () => Promise<void>): Promise<void>;
  locked<T>(team: string, id: string, work: () => Promise<T>): Promise<T>;
}

type Entry = Omit<AuditEntry, 'at' | 'result' | 'target'> & { target?: string };

/** The capabilities' check of a request at `stage`; a refusal is audited with its rule and thrown. */
export async function gateCheck(
  d: VoteDeps,
  record: ApprovalRecord,
  stage: 'request' | 'approval',
  entry: Entry,
  by?: string,
): Promise<GateOutcome> {
  const checked = await (d.o.gate ?? OPEN_GATE).check(checkOf(record, stage, d.o.clock.now(), by));
  if (!checked.refusal) return checked;
  await d.audit({
    ...entry,
    target: entry.target ?? `create:${record.connection}`,
    result: 'refused',
    detail: `guardrail ${checked.refusal.rule} (at the ${stage})`,
  });
  throw refusedError(checked.refusal);
}

/** What the gate's check adds to a new request: approvers needed, the ticket, its pre-flight line. */
export function gateSaid(checked: GateOutcome): Partial<ApprovalRecord> {
  return {
    ...(checked.needs ? { needs: checked.needs } : {}),
    ...(checked.ticket ? { ticket: checked.ticket.slice(0, 100) } : {}),
    ...(checked.said ? { policy: checked.said } : {}),
  };
}

/** A rule that now asks for more approvers than when the request was made holds at this approval. */
export function neededNow(pending: ApprovalRecord, checked: GateOutcome): ApprovalRecord {
  const more = checked.needs && checked.needs.approvers > (pending.needs?.approvers ?? 1);
  return more ? { ...pending, needs: checked.needs } : pending;
}

/**
 * One approval: decides the request, unless a rule asks for more approvers than have approved
 * (each counted once across replicas, the same person twice refused): then it is counted, and the
 * request's message says how many of how many, and whose.
 */
export async function approveOnce(
  d: VoteDeps,
  input: DecisionInput,
  pending: ApprovalRecord,
  decide: (
    extra: Partial<ApprovalRecord>,
  ) => Promise<Decision | { outcome: 'approved'; record: ApprovalRecord }>,
): Promise<Decision | { outcome: 'approved'; record: ApprovalRecord }> {
  if (!pending.needs) return decide({});
  const entry = {
    team: input.team,
    user: input.by,
    channel: input.channel,
    action: 'create.approve',
    target: `approval:${input.id}`,
    op: input.op,
  };
  const counted = await countVote(d.o.atomic, pending, input.by, d.o.clock.now()).catch(
    async (error: unknown) => {
      await d.audit({ ...entry, result: 'refused', detail: 'the same approver twice' });
      throw error;
    },
  );
  if (counted.complete) return decide({ votes: counted.votes });
  const { approvers, rule } = pending.needs;
  await d.audit({
    ...entry,
    result: 'ok',
    detail: requestDetail(`approval ${counted.votes.length} of ${approvers} (rule ${rule})`, pending),
  });
  const saved = await d.locked(input.team, input.id, async () => {
    const now = await d.records.get(input.team, input.id);
    if (!now) return pending;
    return now.status === 'pending'
      ? d.records.save({ ...now, needs: pending.needs, votes: counted.votes })
      : now;
  });
  await d.notify('update request', () => d.o.messenger.updateRequest(saved));
  await d.notify('update the approvers', () =>
    redrawApproverMessages({ messenger: d.o.messenger, records: d.records }, saved),
  );
  return { outcome: 'counted', record: saved };
}

/** What the capabilities check of a stored request, at its approval or its start. */
export function checkOf(record: ApprovalRecord, stage: CheckStage, now: number, by?: string): RequestCheck {
  const summary = summarizeCreateRequest(record.provider, record.kind, record.request);
  const facts = createTarget(record.provider, record.kind).facts?.(record.request);
  return {
    stage,
    team: record.team,
    requester: record.requester,
    channel: record.channel,
    connection: record.connection,
    provider: record.provider,
    kind: record.kind,
    facts: { ...facts, ...(summary.name ? { name: summary.name } : {}) },
    ...(record.preflight ? { preflight: record.preflight } : {}),
    ...(record.startAt ? { startAt: record.startAt } : {}),
    approval: record.id,
    ...(by ? { by } : {}),
    now,
  };
}

function votesKey(team: string, id: string): string {
  return `approval-votes:${team}:${id}`;
}

/**
 * Counts `by`'s approval of a request that needs several (one compare-and-set shared by every
 * replica): the same person twice is refused, and the answer says whether this one completes it.
 */
export async function countVote(
  atomic: AtomicKv,
  record: ApprovalRecord,
  by: string,
  now: number,
): Promise<{ votes: NonNullable<ApprovalRecord['votes']>; complete: boolean }> {
  const needed = record.needs?.approvers ?? 1;
  let added = false;
  const written = await atomic.update(votesKey(record.team, record.id), (current) => {
    const votes = parseVotes(current);
    added = !votes.some((v) => v.by === by);
    return added ? JSON.stringify([...votes, { by, at: new Date(now).toISOString() }]) : SKIP;
  });
  const votes = parseVotes(written);
  if (!added) throw InvalidInputError.in(APPROVAL_WORDS, 'approval.votes.twice', { n: needed });
  return { votes, complete: votes.length >= needed };
}

function parseVotes(raw: string | undefined): NonNullable<ApprovalRecord['votes']> {
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? (parsed as NonNullable<ApprovalRecord['votes']>).slice(0, 10) : [];
  } catch {
    return [];
  }
}
