import { z } from 'zod';
import type { WorkspaceSettings } from '../../settings/workspace-settings.js';
import type { EscalationPolicy } from './escalation.js';

/**
 * Escalation of failures nobody takes on, per workspace and per channel, off unless set:
 * a reminder in the failure's thread after `remindMinutes` unclaimed, the approvers (or the user
 * group `mention`) mentioned after `escalateMinutes`, and "Still on it?" to whoever claimed it once
 * the claim is `checkHours` old and the failure still fails.
 */
export const escalationSchema = z.object({
  remindMinutes: z.number().int().min(1).max(10_080).optional(),
  escalateMinutes: z.number().int().min(1).max(10_080).optional(),
  checkHours: z.number().min(0.5).max(168).optional(),
  /** A user group (`S…`); absent: the approvers. */
  mention: z
    .string()
    .regex(/^S[A-Z0-9]{2,}$/)
    .optional(),
});
export type EscalationSetting = z.infer<typeof escalationSchema>;

/** A channel's own setting, or `off` there while the workspace escalates elsewhere. */
export const channelEscalationSchema = z.record(z.string(), z.union([escalationSchema, z.literal('off')]));

// Its fields in a workspace's settings (`/migrate settings escalation`): the store keeps them as set.
declare module '../../settings/workspace-settings.js' {
  interface CapabilitySettings {
    /** Escalation of failures nobody takes on; off when unset. */
    escalation?: EscalationSetting;
    /** Channel id → its own escalation, or `off` there. */
    channelEscalation?: Record<string, EscalationSetting | 'off'>;
  }
}

/** What applies in `channelId`: the channel's own setting, else the workspace's; undefined: off. */
export function escalationIn(
  settings: { escalation?: EscalationSetting; channelEscalation?: Record<string, EscalationSetting | 'off'> },
  channelId: string,
): EscalationSetting | undefined {
  const own = settings.channelEscalation?.[channelId];
  if (own === 'off') return undefined;
  return own ?? settings.escalation;
}

/**
 * The watcher's policy for a setting, with whom an escalation mentions: the named user group, else
 * the approvers group, else the people granted approver or admin (at most ten), else nobody
 * (then the escalation says that nobody could be mentioned).
 */
export function escalationPolicy(
  setting: EscalationSetting | undefined,
  approvers: { group?: string; users: readonly string[] },
): EscalationPolicy | undefined {
  if (!setting) return undefined;
  const group = setting.mention ?? approvers.group;
  return {
    ...(setting.remindMinutes !== undefined ? { remindMs: setting.remindMinutes * 60_000 } : {}),
    ...(setting.escalateMinutes !== undefined ? { escalateMs: setting.escalateMinutes * 60_000 } : {}),
    ...(setting.checkHours !== undefined ? { checkMs: Math.round(setting.checkHours * 3_600_000) } : {}),
    mention: group ? [`<!subteam^${group}>`] : approvers.users.slice(0, 10).map((u) => `<@${u}>`),
  };
}

/**
 * The watcher's reader of policies (`EscalationPolicies`): the setting of the channel, with the
 * approvers it mentions looked up only when neither a group nor the approvers group is set.
 */
export function escalationReader(
  settings: { get(teamId: string): Promise<WorkspaceSettings> },
  approverUsers: (teamId: string, channelId: string) => Promise<string[]>,
): (teamId: string, channelId: string) => Promise<EscalationPolicy | undefined> {
  return async (teamId, channelId) => {
    const all = await settings.get(teamId);
    const setting = escalationIn(all, channelId);
    if (!setting) return undefined;
    const group = setting.mention ?? all.approversGroup;
    return escalationPolicy(setting, { group, users: group ? [] : await approverUsers(teamId, channelId) });
  };
}
