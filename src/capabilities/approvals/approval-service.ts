import { randomBytes } from 'node:crypto';
import type { AuditEntry } from '../../audit/audit-log.js';
import { AppError, ErrorCode } from '../../errors.js';
import { createTarget, validateCreateRequest } from '../../providers/create-request.js';
import { ResourceTitles } from '../../resources/resource-titles.js';
import type { ApprovalRecord } from '../shared/approval-record.js';
import { DEFAULT_PREFLIGHT_DEADLINE_MS, preflightFor } from '../shared/preflight.js';
import { approvalGone, failureShown, selfApproval } from './approval-failure.js';
import { approvalScope } from './approval-scope.js';
import { ApprovalStore } from './approval-store.js';
import type { ApprovalServiceOptions, Decision, DecisionInput, NewRequest } from './approval-types.js';
import { approveOnce, gateCheck, gateSaid, neededNow, type VoteDeps } from './approval-votes.js';
import { redrawApproverMessages, tellApprovers } from './approver-notices.js';
import { auditDetail, requestDetail } from './audit-details.js';
import { type CreateApprovedDeps, createApproved } from './create-approved.js';
import { pendingRecord } from './pending-record.js';
import { claimDecision, decidedElsewhere, RequestLocks } from './request-locks.js';
import { checkedStart } from './scheduled-start.js';
import { cancelStart, startDue } from './start-due.js';

export { approvalScope } from './approval-scope.js';
export type {
  ApprovalMessenger,
  ApprovalServiceOptions,
  Decision,
  DecisionInput,
  NewRequest,
} from './approval-types.js';

export const DEFAULT_APPROVAL_TTL_HOURS = 24;
export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;

/**
 * Requests to create a migration, and their decisions: approve (approver role, never the
 * requester), reject, or expire. Each decision is taken once: the record is re-read and changed under
 * a per-request lock, and the decision is claimed with an atomic compare-and-set shared by all
 * replicas, so a double click or two approvers racing yield one decision and the other click is
 * told who decided.
 */
export class ApprovalService {
  readonly records: ApprovalStore;
  /** The titles requesters typed for what was created, where the provider named it itself. */
  readonly titles: ResourceTitles;
  /** How long a request's pre-flight calls may take (a test shortens it). */
  preflightDeadlineMs: number;
  readonly #o: ApprovalServiceOptions;
  readonly #locks = new RequestLocks();
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<unknown> | undefined;

  constructor(options: ApprovalServiceOptions) {
    this.#o = options;
    this.preflightDeadlineMs = options.preflightDeadlineMs ?? DEFAULT_PREFLIGHT_DEADLINE_MS;
    this.records = new ApprovalStore(options.store, options.atomic, { clock: options.clock });
    this.titles = new ResourceTitles(options.store);
  }

  /**
   * Stores a pending request, posts it to the approvals channel and tells the requester. When the
   * post fails, the request is marked failed (nobody could approve it) and the requester is told.
   */
  async request(input: NewRequest): Promise<ApprovalRecord> {
    const connection = this.#o.connections.get(input.team, input.connection);
    const target = createTarget(connection.provider, input.kind);
    const entry = {
      team: input.team,
      user: input.requester,
      channel: input.channel,
      action: 'create.request',
      op: input.op,
    };
    const request = validateCreateRequest(target.provider, target.kind, input.request);
    const startAt = checkedStart(input.startAt, this.#o.clock.now());
    // Bounded, and never thrown: a pre-flight that fails says so on the card; the request goes anyway.
    const preflight = await preflightFor(
      this.#o,
      input,
      connection,
      target.kind,
      request,
      this.preflightDeadlineMs,
    );
    const settings = await this.#o.settings.get(input.team);
    const ttlHours = settings.approvalTtlHours ?? DEFAULT_APPROVAL_TTL_HOURS;
    const what = { connection: connection.name, ...target, request, preflight, startAt };
    const asked = pendingRecord(input, what, this.#o.clock.now(), ttlHours);
    // The capabilities' rules (guardrails): a refusal posts nothing; "needs 2 approvers" is kept.
    const checked = await gateCheck(this.#voteDeps(), asked, 'request', entry);
    let record = await this.records.save({ ...asked, ...gateSaid(checked) });
    const target_ = `approval:${record.id}`;
    try {
      const message = await this.#o.messenger.postRequest(record, settings.approvalsChannel ?? input.channel);
      // In a key of its own: rewriting the record here undid a decision another replica made meanwhile.
      record = { ...record, message: await this.records.recordMessage(record, message) };
    } catch (error) {
      // Nobody can approve a request nobody sees: it fails at once, and the requester is told why.
      record = await this.records.save({
        ...record,
        status: 'failed',
        decidedAt: new Date(this.#o.clock.now()).toISOString(),
        failure: failureShown(this.#o.secrets, error, record.team),
      });
      await this.#audit({
        ...entry,
        target: target_,
        result: 'failed',
        detail: 'could not post the request',
      });
      this.#o.logger.error({ err: error, approval: record.id }, 'could not post the approval request');
      await this.#notify('tell requester', () => this.#o.messenger.tellRequester(record));
      return record;
    }
    await this.#audit({
      ...entry,
      target: target_,
      result: 'ok',
      detail: requestDetail(`${target.label} on ${connection.name}`, record),
    });
    // Decided while it was being posted (an approver quick on another replica): the message shows
    // the decision, which its requester hears about once, from the decision.
    const now = await this.records.get(record.team, record.id);
    if (now && now.status !== 'pending') {
      await this.#notify('update request', () => this.#o.messenger.updateRequest(now));
      return now;
    }
    await this.#notify('tell requester', () => this.#o.messenger.tellRequester(record));
    await this.#notify('tell approvers', () =>
      tellApprovers({ ...this.#o, records: this.records }, record, settings).then(() => {}),
    );
    return record;
  }

  async get(team: string, id: string): Promise<ApprovalRecord> {
    const record = await this.records.get(team, id);
    if (!record) throw approvalGone(id);
    return record;
  }

  /** Approves and creates: refuses the requester and anyone without the approver role. */
  async approve(input: DecisionInput): Promise<Decision> {
    const settled = await this.#settled(input);
    if (settled) return settled;
    const pending = await this.get(input.team, input.id);
    if (pending.requester === input.by) {
      await this.#audit({
        ...this.#entry(input, 'create.approve'),
        result: 'refused',
        detail: 'self-approval refused',
      });
      throw selfApproval();
    }
    await this.#requireApprover(input, pending, 'create.approve', 'approve migration requests');
    // Checked again (a rule changed, a quota filled): what it takes is given back unless this decides.
    const entry = this.#entry(input, 'create.approve');
    const checked = await gateCheck(this.#voteDeps(), pending, 'approval', entry, input.by);
    const decide = (extra: Partial<ApprovalRecord>) => this.#decide(input, 'approved', extra);
    const decided = await approveOnce(this.#voteDeps(), input, neededNow(pending, checked), decide).catch(
      async (error: unknown) => {
        await checked.release();
        throw error;
      },
    );
    if (decided.outcome !== 'approved') return checked.release().then(() => decided);
    const record = decided.record;
    await this.#audit({ ...this.#entry(input, 'create.approve'), result: 'ok', ...auditDetail('', record) });
    const now = this.#o.clock.now();
    // A start time still ahead: nothing is created now; the request waits for it (`startDue`).
    if (record.startAt && Date.parse(record.startAt) > now) {
      await this.records.schedule(record);
      await this.#redraw(record);
      await this.#notify('tell requester', () => this.#o.messenger.tellRequester(record));
      return { outcome: 'scheduled', record };
    }
    // Approved after its start time: created now, and said to have started late where it did.
    const started = record.startAt
      ? await this.records.save({ ...record, startedAt: new Date(now).toISOString() })
      : record;
    await this.#notify('update request', () => this.#o.messenger.updateRequest(started));
    return createApproved(this.#createDeps(), started, input.op);
  }

  /** Creates the approved requests whose start time has come, once across replicas (`start-due.ts`). */
  startDue(now: number = this.#o.clock.now()): Promise<Decision[]> {
    return startDue(this.#createDeps(), now);
  }

  /** Calls off a scheduled start before it is due: the requester or an admin (`start-due.ts`). */
  cancelStart(input: DecisionInput): Promise<ApprovalRecord> {
    return this.#locked(input.team, input.id, () => cancelStart(this.#createDeps(), input));
  }

  /** Rejects a pending request (approver role); the requester is told. */
  async reject(input: DecisionInput): Promise<Decision> {
    const settled = await this.#settled(input);
    if (settled) return settled;
    const pending = await this.get(input.team, input.id);
    await this.#requireApprover(input, pending, 'create.reject', 'reject migration requests');
    const decided = await this.#decide(input, 'rejected');
    if (decided.outcome !== 'approved' && decided.outcome !== 'rejected') return decided;
    await this.#audit({ ...this.#entry(input, 'create.reject'), result: 'ok' });
    await this.#redraw(decided.record);
    await this.#notify('tell requester', () => this.#o.messenger.tellRequester(decided.record));
    return { outcome: 'rejected', record: decided.record };
  }

  /** Marks every pending request past its expiry as expired; returns them. */
  async expireDue(now: number = this.#o.clock.now()): Promise<ApprovalRecord[]> {
    const expired: ApprovalRecord[] = [];
    for (const entry of await this.records.pending()) {
      if (Date.parse(entry.expiresAt) > now) break;
      try {
        const done = await this.#locked(entry.team, entry.id, async () => {
          const record = await this.records.get(entry.team, entry.id);
          if (record?.status !== 'pending') await this.records.unlist(entry);
          if (record?.status !== 'pending' || Date.parse(record.expiresAt) > now) return undefined;
          const op = randomBytes(4).toString('hex');
          if (!(await claimDecision(this.#o.atomic, record, `expired:sweep:${op}`))) return undefined;
          return this.#expire(record, now, op);
        });
        if (done) expired.push(done);
      } catch (error) {
        this.#o.logger.error({ err: error, approval: entry.id }, 'could not expire an approval request');
      }
    }
    return expired;
  }

  /** Starts the periodic expiry sweep (unref'd: it never keeps the process alive). */
  start(): void {
    if (this.#timer) return;
    const interval = this.#o.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    this.#timer = setInterval(() => {
      this.#sweeping ??= this.expireDue()
        .catch((error: unknown) => this.#o.logger.error({ err: error }, 'approval expiry sweep failed'))
        .finally(() => {
          this.#sweeping = undefined;
        });
    }, interval);
    this.#timer.unref();
  }

  /** Stops the sweep and waits for a running one to finish. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#sweeping;
  }

  /** Already decided, or expired now: the decision to report instead of acting. */
  async #settled(input: DecisionInput): Promise<Decision | undefined> {
    return this.#locked(input.team, input.id, async () => {
      const record = await this.get(input.team, input.id);
      if (record.status !== 'pending') return { outcome: 'already-decided', record };
      return this.#expiredNow(record, input);
    });
  }

  /** Past its expiry: expired now (or told who decided first); undefined while it can be decided. */
  async #expiredNow(record: ApprovalRecord, input: DecisionInput): Promise<Decision | undefined> {
    const now = this.#o.clock.now();
    if (Date.parse(record.expiresAt) > now) return undefined;
    if (!(await claimDecision(this.#o.atomic, record, `expired:${input.by}:${input.op}`))) {
      return { outcome: 'already-decided', record: await decidedElsewhere(this.records, record) };
    }
    return { outcome: 'expired', record: await this.#expire(record, now, input.op) };
  }

  /** Takes the decision under the lock, unless someone else took one first or it expired meanwhile. */
  async #decide(
    input: DecisionInput,
    status: 'approved' | 'rejected',
    extra: Partial<ApprovalRecord> = {},
  ): Promise<Decision | { outcome: 'approved'; record: ApprovalRecord }> {
    return this.#locked(input.team, input.id, async () => {
      const record = await this.get(input.team, input.id);
      if (record.status !== 'pending') return { outcome: 'already-decided', record };
      const expired = await this.#expiredNow(record, input);
      if (expired) return expired;
      const now = this.#o.clock.now();
      if (!(await claimDecision(this.#o.atomic, record, `${status}:${input.by}:${input.op}`))) {
        return { outcome: 'already-decided', record: await decidedElsewhere(this.records, record) };
      }
      const saved = await this.records.save({
        ...record,
        ...extra,
        status,
        decidedBy: input.by,
        decidedAt: new Date(now).toISOString(),
        ...(status === 'rejected' && input.reason ? { reason: input.reason } : {}),
      });
      return status === 'approved'
        ? { outcome: 'approved', record: saved }
        : { outcome: 'rejected', record: saved };
    });
  }

  #voteDeps(): VoteDeps {
    return {
      o: this.#o,
      records: this.records,
      audit: (entry) => this.#audit(entry),
      notify: (what, work) => this.#notify(what, work),
      locked: (team, id, work) => this.#locked(team, id, work),
    };
  }

  #createDeps(): CreateApprovedDeps {
    return {
      o: this.#o,
      records: this.records,
      titles: this.titles,
      audit: (entry) => this.#audit(entry),
      redraw: (record) => this.#redraw(record),
      notify: (what, work) => this.#notify(what, work),
    };
  }

  async #expire(record: ApprovalRecord, now: number, op: string): Promise<ApprovalRecord> {
    const expired = await this.records.save({
      ...record,
      status: 'expired',
      decidedAt: new Date(now).toISOString(),
    });
    await this.#audit({
      team: record.team,
      user: record.requester,
      channel: record.message?.channel,
      action: 'create.expire',
      target: `approval:${record.id}`,
      result: 'ok',
      detail: 'expired without a decision',
      op,
    });
    await this.#redraw(expired);
    await this.#notify('tell requester', () => this.#o.messenger.tellRequester(expired));
    return expired;
  }

  async #requireApprover(
    input: DecisionInput,
    pending: ApprovalRecord,
    action: string,
    what: string,
  ): Promise<void> {
    try {
      await this.#o.access.require(
        { teamId: input.team, userId: input.by },
        'approve',
        approvalScope(pending),
        what,
      );
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.Forbidden) {
        await this.#audit({ ...this.#entry(input, action), result: 'refused', detail: 'needs approve' });
      }
      throw error;
    }
  }

  #entry(input: DecisionInput, action: string): Omit<AuditEntry, 'at' | 'result'> {
    return {
      team: input.team,
      user: input.by,
      channel: input.channel,
      action,
      target: `approval:${input.id}`,
      op: input.op,
    };
  }

  async #audit(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    await this.#o.audit
      .record(entry)
      .catch((error: unknown) => this.#o.logger.error({ err: error }, 'audit record failed'));
  }

  /** A request that ended: its message and the approvers' direct messages say how. */
  async #redraw(record: ApprovalRecord): Promise<void> {
    await this.#notify('update request', () => this.#o.messenger.updateRequest(record));
    await this.#notify('update the approvers', () =>
      redrawApproverMessages({ messenger: this.#o.messenger, records: this.records }, record),
    );
  }

  /** Slack being down must not undo a decision: notices are best effort, and logged when lost. */
  async #notify(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.#o.logger.error({ err: error }, `approval: could not ${what}`);
    }
  }

  async #locked<T>(team: string, id: string, work: () => Promise<T>): Promise<T> {
    return this.#locks.run(`${team}:${id}`, work);
  }
}
