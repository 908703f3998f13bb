import { z } from 'zod';
import { StoreUnavailableError } from '../errors.js';
import type { Store } from '../store/create-store.js';
import { type ApprovalRecord, approvalRecordSchema } from './approval-record.js';

/** Decided requests are kept this long (the message in Slack keeps the decision for good). */
const DEFAULT_RETENTION_MS = 30 * 24 * 3_600_000;
const PENDING_INDEX = 'approvals:pending';

const pendingEntrySchema = z.object({ team: z.string(), id: z.string(), expiresAt: z.string() });
export type PendingEntry = z.infer<typeof pendingEntrySchema>;

function recordKey(team: string, id: string): string {
  return `approval:${team}:${id}`;
}

function approverMessagesKey(team: string, id: string): string {
  return `approval:${team}:${id}:dms`;
}

const approverMessageSchema = z.object({ user: z.string(), channel: z.string(), ts: z.string() });
/** A direct message that told an approver of a request: redrawn once the request is decided. */
export type ApproverMessage = z.infer<typeof approverMessageSchema>;

/**
 * Approval requests in the Keyv store, validated with zod on the way in and out, plus an index of
 * the pending ones so the expiry sweep finds them without scanning. Writes to the index are
 * serialized inside this process.
 */
export class ApprovalStore {
  readonly #store: Store;
  readonly #retentionMs: number;
  #indexQueue: Promise<unknown> = Promise.resolve();

  constructor(store: Store, options: { retentionMs?: number } = {}) {
    this.#store = store;
    this.#retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
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
    return parsed.data;
  }

  /** Saves the record (validated) and keeps the pending index in step with its status. */
  async save(record: ApprovalRecord): Promise<ApprovalRecord> {
    const valid = approvalRecordSchema.parse(record);
    const expiresMs = Date.parse(valid.expiresAt);
    // Pending requests live until well after they expire, so a late click still finds them.
    const ttl =
      valid.status === 'pending'
        ? Math.max(expiresMs - Date.now(), 0) + this.#retentionMs
        : this.#retentionMs;
    await this.#store.set(recordKey(valid.team, valid.id), valid, ttl);
    await this.#updateIndex((entries) => {
      const others = entries.filter((e) => !(e.team === valid.team && e.id === valid.id));
      return valid.status === 'pending'
        ? [...others, { team: valid.team, id: valid.id, expiresAt: valid.expiresAt }]
        : others;
    });
    return valid;
  }

  /**
   * The direct messages that told approvers of a pending request, kept beside it (not in it: the
   * messages go out after the record is saved, and a decision may be written meanwhile) for as long
   * as the request can be decided.
   */
  async saveApproverMessages(record: ApprovalRecord, messages: readonly ApproverMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const ttl = Math.max(Date.parse(record.expiresAt) - Date.now(), 0) + this.#retentionMs;
    await this.#store.set(approverMessagesKey(record.team, record.id), messages, ttl);
  }

  /** Those messages, once: they are redrawn at the decision, and nothing redraws them again. */
  async takeApproverMessages(team: string, id: string): Promise<ApproverMessage[]> {
    const key = approverMessagesKey(team, id);
    const parsed = z.array(approverMessageSchema).safeParse(await this.#store.get<unknown>(key));
    if (!parsed.success) return [];
    await this.#store.delete(key);
    return parsed.data;
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

  /**
   * The workspace uninstalled the app: its pending requests go (nobody can decide them now).
   * Decided ones expire with the retention they were saved with. Returns how many were deleted.
   */
  async forget(team: string): Promise<number> {
    const gone = (await this.#readIndex()).filter((e) => e.team === team);
    for (const entry of gone) {
      await this.#store.delete(recordKey(team, entry.id));
      await this.#store.delete(approverMessagesKey(team, entry.id));
    }
    if (gone.length > 0) await this.#updateIndex((entries) => entries.filter((e) => e.team !== team));
    return gone.length;
  }

  async #readIndex(): Promise<PendingEntry[]> {
    const raw = await this.#store.get<unknown>(PENDING_INDEX);
    if (raw === undefined) return [];
    const parsed = z.array(pendingEntrySchema).safeParse(raw);
    return parsed.success ? parsed.data : [];
  }

  async #updateIndex(change: (entries: PendingEntry[]) => PendingEntry[]): Promise<void> {
    const next = this.#indexQueue.then(async () => {
      await this.#store.set(PENDING_INDEX, change(await this.#readIndex()));
    });
    this.#indexQueue = next.catch(() => {});
    await next;
  }
}
