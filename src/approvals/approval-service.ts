import { randomBytes } from 'node:crypto';
import type { AuditEntry } from '../audit/audit-log.js';
import type { MigrationResource } from '../domain/migration-resource.js';
import { AppError, ErrorCode, InvalidInputError } from '../errors.js';
import type { ResourceAction } from '../providers/types.js';
import { ResourceTitles } from '../resources/resource-titles.js';
import { approvalGone, failureShown, selfApproval } from './approval-failure.js';
import type { ApprovalRecord } from './approval-record.js';
import { approvalScope } from './approval-scope.js';
import { ApprovalStore } from './approval-store.js';
import type { ApprovalServiceOptions, Decision, DecisionInput, NewRequest } from './approval-types.js';
import { redrawApproverMessages, tellApprovers } from './approver-notices.js';
import { createTarget, summarizeCreateRequest, validateCreateRequest } from './create-request.js';
import { claimDecision, decidedElsewhere, RequestLocks } from './request-locks.js';

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
  readonly #o: ApprovalServiceOptions;
  readonly #now: () => number;
  readonly #locks = new RequestLocks();
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<unknown> | undefined;

  constructor(options: ApprovalServiceOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.records = new ApprovalStore(options.store);
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
    const settings = await this.#o.settings.get(input.team);
    const now = this.#now();
    const ttlHours = settings.approvalTtlHours ?? DEFAULT_APPROVAL_TTL_HOURS;
    let record = await this.records.save({
      id: randomBytes(5).toString('hex'),
      team: input.team,
      requester: input.requester,
      channel: input.channel,
      connection: connection.name,
      provider: target.provider,
      kind: target.kind,
      request,
      status: 'pending',
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + ttlHours * 3_600_000).toISOString(),
      ...(input.workflowStep ? { workflowStep: input.workflowStep } : {}),
      ...(input.impact ? { impact: input.impact } : {}),
    });
    const target_ = `approval:${record.id}`;
    try {
      const message = await this.#o.messenger.postRequest(record, settings.approvalsChannel ?? input.channel);
      record = await this.records.save({ ...record, message });
    } catch (error) {
      // Nobody can approve a request nobody sees: it fails at once, and the requester is told why.
      record = await this.records.save({
        ...record,
        status: 'failed',
        decidedAt: new Date(this.#now()).toISOString(),
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
      detail: `${target.label} on ${connection.name}`,
    });
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
    const decided = await this.#decide(input, 'approved');
    if (decided.outcome !== 'approved') return decided;
    await this.#audit({ ...this.#entry(input, 'create.approve'), result: 'ok' });
    await this.#notify('update request', () => this.#o.messenger.updateRequest(decided.record));
    return this.#create(decided.record, input.op);
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
  async expireDue(now: number = this.#now()): Promise<ApprovalRecord[]> {
    const expired: ApprovalRecord[] = [];
    for (const entry of await this.records.pending()) {
      if (Date.parse(entry.expiresAt) > now) break;
      try {
        const done = await this.#locked(entry.team, entry.id, async () => {
          const record = await this.records.get(entry.team, entry.id);
          if (record?.status !== 'pending' || Date.parse(record.expiresAt) > now) return undefined;
          const op = randomBytes(4).toString('hex');
          if (!(await this.#claim(record, `expired:sweep:${op}`))) return undefined;
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
    const now = this.#now();
    if (Date.parse(record.expiresAt) > now) return undefined;
    if (!(await this.#claim(record, `expired:${input.by}:${input.op}`))) {
      return { outcome: 'already-decided', record: await this.#decidedElsewhere(record) };
    }
    return { outcome: 'expired', record: await this.#expire(record, now, input.op) };
  }

  /** Takes the decision under the lock, unless someone else took one first or it expired meanwhile. */
  async #decide(
    input: DecisionInput,
    status: 'approved' | 'rejected',
  ): Promise<Decision | { outcome: 'approved'; record: ApprovalRecord }> {
    return this.#locked(input.team, input.id, async () => {
      const record = await this.get(input.team, input.id);
      if (record.status !== 'pending') return { outcome: 'already-decided', record };
      const expired = await this.#expiredNow(record, input);
      if (expired) return expired;
      const now = this.#now();
      if (!(await this.#claim(record, `${status}:${input.by}:${input.op}`))) {
        return { outcome: 'already-decided', record: await this.#decidedElsewhere(record) };
      }
      const saved = await this.records.save({
        ...record,
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

  async #create(approved: ApprovalRecord, op: string): Promise<Decision> {
    const entry = {
      team: approved.team,
      user: approved.decidedBy ?? approved.requester,
      channel: approved.message?.channel,
      action: 'create',
      op,
    };
    try {
      const connection = this.#o.connections.get(approved.team, approved.connection);
      const provider = this.#o.connections.provider(connection, 'interactive');
      if (!provider.create) throw new InvalidInputError(`${provider.id} cannot create resources.`);
      const created = await provider.create(approved.kind, approved.request);
      const record = await this.records.save({
        ...approved,
        resourceId: created.id,
        resourceName: created.name.slice(0, 1024),
      });
      // The provider named it itself (an OMS task): the requester's title leads wherever it is shown.
      const ref = { connection: connection.name, kind: approved.kind, id: created.id };
      const typed = summarizeCreateRequest(approved.provider, approved.kind, approved.request).name;
      await this.#notify('keep the title', () =>
        this.titles.noteIfRenamed(approved.team, ref, typed, created.name),
      );
      await this.#audit({
        ...entry,
        target: `${connection.name}:${created.id}`,
        result: 'ok',
        detail: `approval ${approved.id}`,
      });
      let resource: MigrationResource | undefined;
      let actions: ResourceAction[] = [];
      try {
        resource = await provider.get(approved.kind, created.id);
        actions = provider.actionsFor(resource);
        await this.#o.resolver.index.remember(approved.team, [
          { connection: connection.name, kind: resource.kind, id: resource.id, name: resource.name },
        ]);
      } catch (error) {
        this.#o.logger.warn({ err: error, id: created.id }, 'created, but could not read the new resource');
      }
      await this.#redraw(record);
      await this.#notify('post card', () => this.#o.messenger.postCreated(record, resource, actions));
      await this.#notify('tell requester', () => this.#o.messenger.tellRequester(record));
      return { outcome: 'created', record, resource };
    } catch (error) {
      const failure = failureShown(this.#o.secrets, error, approved.team, true);
      this.#o.logger.warn({ err: error, approval: approved.id }, 'approved, but creating failed');
      const record = await this.records.save({ ...approved, status: 'failed', failure });
      await this.#audit({
        ...entry,
        target: `approval:${approved.id}`,
        result: 'failed',
        detail: failure.message.slice(0, 500),
      });
      await this.#redraw(record);
      await this.#notify('tell requester', () => this.#o.messenger.tellRequester(record));
      return { outcome: 'failed', record };
    }
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

  /** True when this decision is the first for the request, across every replica sharing the store. */
  async #claim(record: ApprovalRecord, token: string): Promise<boolean> {
    return claimDecision(this.#o.atomic, record, token);
  }

  async #decidedElsewhere(record: ApprovalRecord): Promise<ApprovalRecord> {
    return decidedElsewhere(this.records, record);
  }

  async #locked<T>(team: string, id: string, work: () => Promise<T>): Promise<T> {
    return this.#locks.run(`${team}:${id}`, work);
  }
}
