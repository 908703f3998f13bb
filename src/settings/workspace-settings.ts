import { z } from 'zod';
import {
  channelEscalationSchema,
  type EscalationSetting,
  escalationSchema,
} from '../capabilities/on-call/escalation-settings.js';
import { LOCALES, type Locale } from '../i18n/locale.js';
import { type AtomicKv, SKIP } from '../store/atomic-kv.js';
import { readJson } from '../store/open-atomic-kv.js';

const settingsSchema = z.object({
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
  /** Escalation of failures nobody takes on (escalation-settings.ts); off when unset. */
  escalation: escalationSchema.optional(),
  /** Channel id → its own escalation, or `off` there. */
  channelEscalation: channelEscalationSchema.optional(),
});
export type WorkspaceSettings = z.infer<typeof settingsSchema>;

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

  /** One channel's escalation (`undefined`: back to the workspace's; `off`: none there). */
  async setChannelEscalation(
    teamId: string,
    channelId: string,
    escalation: EscalationSetting | 'off' | undefined,
  ): Promise<WorkspaceSettings> {
    let next: WorkspaceSettings = {};
    await this.#kv.update(`settings:${teamId}`, (raw) => {
      const current = parseSettings(raw);
      const channelEscalation = { ...current.channelEscalation };
      if (escalation) channelEscalation[channelId] = escalation;
      else delete channelEscalation[channelId];
      next = settingsSchema.parse({ ...current, channelEscalation });
      return JSON.stringify(next);
    });
    return next;
  }
}
