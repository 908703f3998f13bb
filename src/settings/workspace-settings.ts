import { z } from 'zod';
import { LOCALES, type Locale } from '../i18n/locale.js';
import { type AtomicKv, SKIP } from '../store/atomic-kv.js';
import { readJson } from '../store/open-atomic-kv.js';

const settingsSchema = z
  .object({
    /** Where every action and decision is also posted. */
    auditChannel: z.string().optional(),
    /** Where creation requests wait for an approver. */
    approvalsChannel: z.string().optional(),
    /** Hours before an unanswered approval request expires. */
    approvalTtlHours: z
      .number()
      .min(1)
      .max(24 * 14)
      .optional(),
    /** A user group (`S…`) pinged on every approval request (`/migrate settings approvers @group`). */
    approversGroup: z
      .string()
      .regex(/^S[A-Z0-9]{2,}$/)
      .optional(),
    /**
     * How approvers hear of a new request: `mention` (the approvers group, in the request), `dm` (a
     * direct message to each person granted the approver role or above, at most APPROVER_DM_CAP) or
     * `off`. Unset: the group's mention when one is set, else the direct messages.
     */
    approvalNotify: z.enum(['mention', 'dm', 'off']).optional(),
    /** The workspace's language for channel posts (English when unset). */
    language: z.enum(LOCALES).optional(),
    /** The IANA time zone a time window is in when `window add` names none (UTC when unset). */
    timeZone: z.string().optional(),
    /** Channel id → the language posts in that channel use, over the workspace's. */
    channelLanguages: z.record(z.string(), z.enum(LOCALES)).optional(),
  })
  .catchall(z.unknown());

/**
 * What capabilities keep in a workspace's settings, each field declared by its capability (a
 * declaration merge: on-call's `escalation`) and checked by its own schema as it is set; the store
 * keeps a field it does not know as it was written.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the capabilities' declaration merges.
export interface CapabilitySettings {}

export type WorkspaceSettings = z.infer<typeof settingsSchema> & CapabilitySettings;

/** The value of one entry of a field that maps channel ids to values. */
type EntryOf<T> = NonNullable<T> extends Record<string, infer V> ? V : never;

/** At most this many direct messages per request: Slack limits posts per workspace, and 10 is a crowd. */
export const APPROVER_DM_CAP = 10;

export type ApprovalNotifyMode = 'mention' | 'dm' | 'off';

/**
 * How approvers are told of a new request under these settings (the default when unset). A mention
 * with no group left to mention (the group was removed since) falls back to direct messages: a
 * request must not wait unseen because a setting went stale.
 */
export function approvalNotifyMode(settings: WorkspaceSettings): ApprovalNotifyMode {
  const mode = settings.approvalNotify ?? (settings.approversGroup ? 'mention' : 'dm');
  return mode === 'mention' && !settings.approversGroup ? 'dm' : mode;
}

function parseSettings(raw: string | undefined): WorkspaceSettings {
  const value = readJson(raw);
  return value === undefined ? {} : settingsSchema.parse(value);
}

/** Per-workspace settings changed from Slack (`/migrate settings`); changes are compare-and-set. */
export class SettingsStore {
  readonly #kv: AtomicKv;

  constructor(kv: AtomicKv) {
    this.#kv = kv;
  }

  async get(teamId: string): Promise<WorkspaceSettings> {
    return parseSettings(await this.#kv.get(`settings:${teamId}`));
  }

  /** The zone a workspace's times are read in (`/migrate settings time-zone`), UTC when unset or unreadable. */
  async zone(teamId: string): Promise<string> {
    return (await this.get(teamId).catch(() => undefined))?.timeZone ?? 'UTC';
  }

  async update(teamId: string, change: Partial<WorkspaceSettings>): Promise<WorkspaceSettings> {
    let next: WorkspaceSettings = {};
    await this.#kv.update(`settings:${teamId}`, (raw) => {
      next = settingsSchema.parse({ ...parseSettings(raw), ...change });
      return JSON.stringify(next);
    });
    return next;
  }

  /** The workspace uninstalled the app: its settings go. */
  async forget(teamId: string): Promise<void> {
    await this.#kv.update(`settings:${teamId}`, (raw) => (raw === undefined ? SKIP : undefined));
  }

  /** One channel's language (`undefined`: back to the workspace's), leaving the other channels as they are. */
  async setChannelLanguage(
    teamId: string,
    channelId: string,
    language: Locale | undefined,
  ): Promise<WorkspaceSettings> {
    let next: WorkspaceSettings = {};
    await this.#kv.update(`settings:${teamId}`, (raw) => {
      const current = parseSettings(raw);
      const channelLanguages = { ...current.channelLanguages };
      if (language) channelLanguages[channelId] = language;
      else delete channelLanguages[channelId];
      next = settingsSchema.parse({ ...current, channelLanguages });
      return JSON.stringify(next);
    });
    return next;
  }

  /**
   * One channel's entry in a capability's field of channel id → value (`undefined`: the channel's
   * entry goes), leaving the other channels as they are: on-call's `channelEscalation`.
   */
  async setChannelEntry<F extends keyof CapabilitySettings>(
    teamId: string,
    field: F,
    channelId: string,
    value: EntryOf<CapabilitySettings[F]> | undefined,
  ): Promise<WorkspaceSettings> {
    let next: WorkspaceSettings = {};
    await this.#kv.update(`settings:${teamId}`, (raw) => {
      const current = parseSettings(raw);
      const entries = { ...(current[field] as Record<string, unknown> | undefined) };
      if (value) entries[channelId] = value;
      else delete entries[channelId];
      next = settingsSchema.parse({ ...current, [field]: entries });
      return JSON.stringify(next);
    });
    return next;
  }
}
