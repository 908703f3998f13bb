import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { SettingsStore } from '../settings/workspace-settings.js';
import type { AtomicKv } from '../store/atomic-kv.js';
import { Journal, type JournalTap } from '../store/journal.js';
import { readJson } from '../store/open-atomic-kv.js';
import { maskUrls } from '../url-credentials.js';

export const auditEntrySchema = z.object({
  at: z.string(),
  team: z.string(),
  user: z.string(),
  channel: z.string().optional(),
  /** `pause`, `approve`, `access.grant`, … */
  action: z.string(),
  /** What it was done to: `hw-prod:1912…`, a user, a request id. */
  target: z.string().optional(),
  result: z.enum(['ok', 'refused', 'failed']),
  detail: z.string().max(500).optional(),
  op: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

const auditKey = (teamId: string) => `audit:${teamId}`;

/** Entries kept per workspace in the store; older ones drop off (the audit channel keeps everything). */
const MAX_ENTRIES = 1_000;

export type AuditPoster = (teamId: string, channel: string, entry: AuditEntry) => Promise<void>;

function parseEntries(raw: string | undefined): AuditEntry[] {
  const value = readJson(raw);
  return value === undefined ? [] : z.array(auditEntrySchema).parse(value);
}

/**
 * Who did what, when, and how it ended: every action and decision, kept in the store (appended
 * with compare-and-set, so replicas writing at once lose nothing) and posted to the workspace's
 * audit channel when one is set.
 */
export class AuditLog {
  readonly #kv: AtomicKv;
  readonly #settings: SettingsStore;
  readonly #post: AuditPoster;
  readonly #logger: Logger;
  readonly #clock: Clock;
  /** Each entry's lines for its taps, kept in the entry's own write (ADR 0019: events out). */
  readonly #journal: Journal<AuditEntry>;

  /** `clock`: the bot's one clock, which stamps every entry. */
  constructor(kv: AtomicKv, settings: SettingsStore, post: AuditPoster, logger: Logger, clock: Clock) {
    this.#clock = clock;
    this.#kv = kv;
    this.#settings = settings;
    this.#post = post;
    this.#logger = logger;
    this.#journal = new Journal(kv, logger);
  }

  async record(entry: Omit<AuditEntry, 'at'>): Promise<AuditEntry> {
    // A URL's user info and query are masked before the entry goes anywhere (store, log, channel,
    // events): a webhook's `?token=` is the receiver's secret.
    const full = auditEntrySchema.parse({
      ...entry,
      ...(entry.target !== undefined ? { target: maskUrls(entry.target) } : {}),
      ...(entry.detail !== undefined ? { detail: maskUrls(entry.detail) } : {}),
      at: new Date(this.#clock.now()).toISOString(),
    });
    this.#logger.info({ audit: full }, 'audit');
    const lines = this.#journal.linesOf(full);
    await this.#kv.update(
      auditKey(full.team),
      (raw) => JSON.stringify([full, ...parseEntries(raw)].slice(0, MAX_ENTRIES)),
      undefined,
      () => lines,
    );
    if (lines.length > 0) this.#journal.written(auditKey(full.team));
    const channel = (await this.#settings.get(full.team)).auditChannel;
    if (channel) {
      await this.#post(full.team, channel, full).catch((error: unknown) =>
        this.#logger.warn({ err: error, channel }, 'could not post to the audit channel'),
      );
    }
    return full;
  }

  /**
   * The workspace uninstalled the app: its entries are kept `retentionMs` more (the audit
   * retention setting), then go; 0 deletes them now. A reinstall's next entry keeps them again.
   */
  async retire(teamId: string, retentionMs: number): Promise<void> {
    if (retentionMs <= 0) await this.#kv.update(auditKey(teamId), () => undefined);
    else await this.#kv.expire(auditKey(teamId), retentionMs);
  }

  /** Adds a tap whose lines for every entry recorded from now on are kept with the entry. */
  tap(tap: JournalTap<AuditEntry>): void {
    this.#journal.add(tap);
  }

  /** Takes what a replica that died left in these workspaces' journals. */
  sweepTaps(teamIds: readonly string[]): Promise<number> {
    return this.#journal.sweep(teamIds.map(auditKey));
  }

  /** Newest first. */
  async recent(teamId: string, limit = 50): Promise<AuditEntry[]> {
    return parseEntries(await this.#kv.get(auditKey(teamId))).slice(0, limit);
  }
}
