import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { StoreUnavailableError } from '../../errors.js';
import type { AtomicKv } from '../../store/atomic-kv.js';
import type { Store } from '../../store/create-store.js';
import { type ApprovalRecord, approvalRecordSchema } from '../shared/approval-record.js';
import { decisionKey } from './request-locks.js';

/** Decided requests are kept this long (the message in Slack keeps the decision for good). */
const DEFAULT_RETENTION_MS = 30 * 24 * 3_600_000;
/** The pending requests of every workspace: a set in the shared state, one member per request. */
const PENDING_SET = 'approvals:pending-set';
/** Approved requests waiting for their start time: one member per request, `[team, id, startAt]`. */
const SCHEDULED_SET = 'approvals:scheduled-set';
/** Where 0.2.0 kept that index: one JSON list in the Keyv store, rewritten per change. */
const LEGACY_PENDING_LIST = 'approvals:pending';

const pendingEntrySchema = z.object({ team: z.string(), id: z.string(), expiresAt: z.string() });
export type PendingEntry = z.infer<typeof pendingEntrySchema>;
/** An approved request in the scheduled index, due at `startAt`. */
export interface ScheduledEntry {
  team: string;
  id: string;
  startAt: string;
}

/** A pending request as a member of the set: fixed for its life (a request's expiry never moves). */
function member(e: PendingEntry): string {
  return JSON.stringify([e.team, e.id, e.expiresAt]);
}

function entryOf(m: string): PendingEntry | undefined {
  try {
    const [team, id, expiresAt] = z.tuple([z.string(), z.string(), z.string()]).parse(JSON.parse(m));
    return { team, id, expiresAt };
  } catch {
    return undefined;
  }
}

function recordKey(team: string, id: string): string {
  return `approval:${team}:${id}`;
}

/** A chain counts its deltas and its retries apart: "delta 2" and "retry 1" of the same run. */
export type ChainSeries = 'delta' | 'retry';

function rerunKey(team: string, root: string, series: ChainSeries): string {
  return series === 'delta' ? `approval-reruns:${team}:${root}` : `approval-reruns:${series}:${team}:${root}`;
}

/** Where the request was posted, apart from the record (`recordMessage`). */
function messageKey(team: string, id: string): string {
  return `approval:${team}:${id}:message`;
}

const messageSchema = approvalRecordSchema.shape.message.unwrap();

function approverMessagesKey(team: string, id: string): string {
  return `approval:${team}:${id}:dms`;
}

const approverMessageSchema = z.object({ user: z.string(), channel: z.string(), ts: z.string() });
/** A direct message that told an approver of a request: redrawn once the request is decided. */
export type ApproverMessage = z.infer<typeof approverMessageSchema>;

/**
 * Approval requests in the Keyv store, validated with zod on the way in and out, plus an index of
 * the pending ones so the expiry sweep finds them without scanning. The index is a set in the
 * shared state, changed only by atomic adds and removes: requests made at once on several
 * replicas are all in it (a list read, changed and written back lost some, which then never
 * expired and fell off Home).
 */
export class ApprovalStore {
  readonly #store: Store;
  readonly #index: AtomicKv;
  readonly #retentionMs: number;
  readonly #clock: Clock;
  #migrated: Promise<void> | undefined;

  /** `clock`: the bot's one clock; a record is kept until its expiry on it, and `retentionMs` more. */
  constructor(store: Store, index: AtomicKv, options: { clock: Clock; retentionMs?: number }) {
    this.#store = store;
    this.#index = index;
    this.#clock = options.clock;
    this.#retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  }

  /** How many delta runs (or retries) were asked for in the chain `root`. */
  async reruns(team: string, root: string, series: ChainSeries = 'delta'): Promise<number> {
    return Number((await this.#index.get(rerunKey(team, root, series))) ?? 0) || 0;
  }

  /** Takes the chain's next number: one compare-and-set, so two presses never share one. */
  async reserveRerun(team: string, root: string, series: ChainSeries = 'delta'): Promise<number> {
    const written = await this.#index.update(rerunKey(team, root, series), (n) =>
      String((Number(n ?? 0) || 0) + 1),
    );
    return Number(written);
  }

  async get(team: string, id: string): Promise<ApprovalRecord | undefined> {
    const raw = await this.#store.get<unknown>(recordKey(team, id));
    if (raw === undefined) return undefined;
    const parsed = approvalRecordSchema.safeParse(raw);
    if (!parsed.success) {
      throw new StoreUnavailableError(`Approval request ${id} is unreadable in the store.`, {
        cause: parsed.error,
      });
    }
    if (parsed.data.message) return parsed.data;
    const message = messageSchema.safeParse(await this.#store.get<unknown>(messageKey(team, id)));
    return message.success ? { ...parsed.data, message: message.data } : parsed.data;
  }

  /**
   * Where the request was posted, written apart from the record: the record's only writer after
   * its creation is then its decision, so this write can never undo one made on another replica
   * meanwhile (a save of the pending copy did, between its decision check and its write).
   */
  async recordMessage(
    record: ApprovalRecord,
    message: NonNullable<ApprovalRecord['message']>,
  ): Promise<NonNullable<ApprovalRecord['message']>> {
    const valid = messageSchema.parse(message);
    const ttl = Math.max(Date.parse(record.expiresAt) - this.#clock.now(), 0) + this.#retentionMs;
    await this.#store.set(messageKey(record.team, record.id), valid, ttl);
    return valid;
  }

  /** Saves the record (validated) and keeps the pending index in step with its status. */
  async save(record: ApprovalRecord): Promise<ApprovalRecord> {
    const valid = approvalRecordSchema.parse(record);
    // A pending copy written after someone decided (a request's message recorded on one replica
    // while it is approved on another) would undo the decision: the decided record stands.
    if (
      valid.status === 'pending' &&
      (await this.#index.get(decisionKey(valid.team, valid.id))) !== undefined
    ) {
      const decided = await this.get(valid.team, valid.id);
      if (decided && decided.status !== 'pending') return decided;
    }
    const expiresMs = Date.parse(valid.expiresAt);
    // Pending requests live until well after they expire, so a late click still finds them.
    const ttl =
      valid.status === 'pending'
        ? Math.max(expiresMs - this.#clock.now(), 0) + this.#retentionMs
        : this.#retentionMs;
    await this.#store.set(recordKey(valid.team, valid.id), valid, ttl);
    return this.#indexed(valid);
  }

  /**
   * Saves a decided record only if the request has none yet, in one atomic write of the store:
   * resolves the record as it stands then (this one, or the one saved first). A replica that read
   * "none" and stalled past its lease can never write its copy over what another replica made of
   * the request meanwhile (created, cancelled).
   */
  async saveNew(record: ApprovalRecord): Promise<ApprovalRecord> {
    const valid = approvalRecordSchema.parse(record);
    if (valid.status === 'pending') throw new Error('only a decided request is saved new');
    // Found: the record as it stands (unless it expired between the two: then written again).
    for (let tries = 0; tries < 3; tries++) {
      if (await this.#store.add(recordKey(valid.team, valid.id), valid, this.#retentionMs))
        return this.#indexed(valid);
      const standing = await this.get(valid.team, valid.id);
      if (standing) return standing;
    }
    throw new StoreUnavailableError(`Approval request ${valid.id} could not be saved; try again shortly.`);
  }

  /** After the record: an entry whose record says decided is dropped by the next sweep (`unlist`). */
  async #indexed(valid: ApprovalRecord): Promise<ApprovalRecord> {
    await this.#migrateLegacyList();
    const entry = member({ team: valid.team, id: valid.id, expiresAt: valid.expiresAt });
    if (valid.status === 'pending') await this.#index.setAdd(PENDING_SET, entry);
    else await this.#index.setRemove(PENDING_SET, entry);
    return valid;
  }

  /**
   * The direct messages that told approvers of a pending request, kept beside it (not in it: the
   * messages go out after the record is saved, and a decision may be written meanwhile) for as long
   * as the request can be decided.
   */
  async saveApproverMessages(record: ApprovalRecord, messages: readonly ApproverMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const ttl = Math.max(Date.parse(record.expiresAt) - this.#clock.now(), 0) + this.#retentionMs;
    await this.#store.set(approverMessagesKey(record.team, record.id), messages, ttl);
  }

  /**
   * Those messages, once: they are redrawn at the decision, and nothing redraws them again. `keep`:
   * read only (a request approved with a start time is redrawn again when it starts or is cancelled).
   */
  async takeApproverMessages(team: string, id: string, keep = false): Promise<ApproverMessage[]> {
    const key = approverMessagesKey(team, id);
    const parsed = z.array(approverMessageSchema).safeParse(await this.#store.get<unknown>(key));
    if (!parsed.success) return [];
    if (!keep) await this.#store.delete(key);
    return parsed.data;
  }

  /** An approved request waiting for its start time joins the scheduled index (an atomic add). */
  async schedule(record: ApprovalRecord): Promise<void> {
    if (!record.startAt) return;
    await this.#index.setAdd(
      SCHEDULED_SET,
      member({ team: record.team, id: record.id, expiresAt: record.startAt }),
    );
  }

  /** Takes a request out of the scheduled index (started, cancelled, or gone). */
  async unschedule(entry: ScheduledEntry): Promise<void> {
    await this.#index.setRemove(SCHEDULED_SET, member({ ...entry, expiresAt: entry.startAt }));
  }

  /** Every request waiting for its start, earliest first. */
  async scheduled(): Promise<ScheduledEntry[]> {
    const members = await this.#index.setMembers(SCHEDULED_SET);
    return members
      .map(entryOf)
      .filter((e): e is PendingEntry => e !== undefined)
      .map((e) => ({ team: e.team, id: e.id, startAt: e.expiresAt }))
      .sort((a, b) => Date.parse(a.startAt) - Date.parse(b.startAt));
  }

  /** One workspace's requests waiting for their start (Home), earliest first, at most `limit`. */
  async scheduledOf(team: string, limit: number): Promise<ApprovalRecord[]> {
    const entries = (await this.scheduled()).filter((e) => e.team === team).slice(0, limit);
    const records = await Promise.all(entries.map((e) => this.get(team, e.id).catch(() => undefined)));
    return records.filter((r): r is ApprovalRecord => r?.status === 'approved' && !r.resourceId);
  }

  /** Every pending request, oldest expiry first. */
  async pending(): Promise<PendingEntry[]> {
    const entries = await this.#readIndex();
    return entries.sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt));
  }

  /**
   * One workspace's pending requests, oldest expiry first, at most `limit` (the Home tab's list).
   * A record that is gone or decided meanwhile is left out.
   */
  async pendingOf(team: string, limit: number): Promise<ApprovalRecord[]> {
    const entries = (await this.pending()).filter((e) => e.team === team).slice(0, limit);
    const records = await Promise.all(entries.map((e) => this.get(team, e.id).catch(() => undefined)));
    return records.filter((r): r is ApprovalRecord => r?.status === 'pending');
  }

  /** Takes an entry out of the index whose record is gone or decided (a crash between two writes). */
  async unlist(entry: PendingEntry): Promise<void> {
    await this.#index.setRemove(PENDING_SET, member(entry));
  }

  /**
   * The workspace uninstalled the app: its pending requests go (nobody can decide them now).
   * Decided ones expire with the retention they were saved with. Returns how many were deleted.
   */
  async forget(team: string): Promise<number> {
    const gone = (await this.#readIndex()).filter((e) => e.team === team);
    // Nobody is left to start them for: their scheduled starts go too.
    for (const entry of (await this.scheduled()).filter((e) => e.team === team)) await this.unschedule(entry);
    for (const entry of gone) {
      await this.#store.delete(recordKey(team, entry.id));
      await this.#store.delete(approverMessagesKey(team, entry.id));
      await this.#store.delete(messageKey(team, entry.id));
      await this.unlist(entry);
    }
    return gone.length;
  }

  async #readIndex(): Promise<PendingEntry[]> {
    await this.#migrateLegacyList();
    const members = await this.#index.setMembers(PENDING_SET);
    return members.map(entryOf).filter((e): e is PendingEntry => e !== undefined);
  }

  /**
   * Moves 0.2.0's list into the set: every entry is added first, then the list is deleted, so a
   * crash in between only adds them again. Looked at on every read, not once per process: during a
   * rolling update a 0.2.0 replica still appends to the list. Replicas doing it at once add the
   * same members, which a set keeps once.
   */
  #migrateLegacyList(): Promise<void> {
    this.#migrated ??= (async () => {
      const raw = await this.#store.get<unknown>(LEGACY_PENDING_LIST);
      if (raw === undefined) return;
      const parsed = z.array(pendingEntrySchema).safeParse(raw);
      for (const entry of parsed.success ? parsed.data : [])
        await this.#index.setAdd(PENDING_SET, member(entry));
      await this.#store.delete(LEGACY_PENDING_LIST);
    })().finally(() => {
      this.#migrated = undefined;
    });
    return this.#migrated;
  }
}
