import { WORKSPACE } from '../../access/policy.js';
import type { SettingsChange, SettingsSection } from '../../contract/settings-section.js';
import { formWord, type SubcommandForm } from '../../contract/subcommand.js';
import { InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import {
  APPROVER_DM_CAP,
  approvalNotifyMode,
  type WorkspaceSettings,
} from '../../settings/workspace-settings.js';
import { parseChannel, parseSubject } from '../../slack/mentions.js';
import { APPROVAL_WORDS, type ApprovalKey } from './words.js';

const FORMS: readonly SubcommandForm[] = [
  { words: ['approvals'], usage: '/migrate settings approvals #channel|off' },
  { words: ['approval-ttl'], usage: '/migrate settings approval-ttl <hours>' },
  { words: ['approvers'], usage: '/migrate settings approvers @group|off' },
  { words: ['approval-notify'], usage: '/migrate settings approval-notify mention|dm|off|default' },
];

function usage(): never {
  throw InvalidInputError.of('settings.error.usage');
}

/** One workspace setting changed, said as "Updated <label>"; `label` is the audit's. */
function set(change: Partial<WorkspaceSettings>, label: string, labelKey: ApprovalKey): SettingsChange {
  return async (ctx, tr) => {
    await ctx.require('manage', WORKSPACE, 'change settings');
    if (change.approvalNotify === 'mention' && !(await ctx.deps.settings.get(ctx.teamId)).approversGroup)
      throw InvalidInputError.in(APPROVAL_WORDS, 'approval.settings.error.notifyNoGroup');
    const next = await ctx.audited('settings', label, () => ctx.deps.settings.update(ctx.teamId, change));
    return { said: tr.t('settings.updated', { label: tr.with(APPROVAL_WORDS).t(labelKey) }), next };
  };
}

function parse(args: readonly string[]): SettingsChange {
  const [name, value, ...extra] = args;
  if (extra.length > 0 || value === undefined) usage();
  const off = value.toLowerCase() === 'off';
  switch (formWord(FORMS, name)) {
    case 'approvals':
      return set(
        { approvalsChannel: off ? undefined : parseChannel(value) },
        'approvals channel',
        'approval.settings.label.channel',
      );
    case 'approvers': {
      const subject = off ? undefined : parseSubject(value);
      if (subject && subject.kind !== 'usergroup')
        throw InvalidInputError.in(APPROVAL_WORDS, 'approval.settings.error.approvers');
      return set({ approversGroup: subject?.id }, 'approvers group', 'approval.settings.label.approvers');
    }
    case 'approval-notify': {
      // How approvers hear of a new request.
      const typed = value.toLowerCase();
      if (typed !== 'mention' && typed !== 'dm' && typed !== 'off' && typed !== 'default')
        throw InvalidInputError.in(APPROVAL_WORDS, 'approval.settings.error.notify');
      const approvalNotify = typed === 'default' ? undefined : typed;
      return set({ approvalNotify }, 'approval notices', 'approval.settings.label.notify');
    }
    default: {
      const hours = Number(value);
      if (!Number.isInteger(hours) || hours < 1 || hours > 336)
        throw InvalidInputError.in(APPROVAL_WORDS, 'approval.settings.error.ttl');
      return set({ approvalTtlHours: hours }, 'approval expiry', 'approval.settings.label.ttl');
    }
  }
}

/** How approvers are told, in words: by whom, and whether it is the default. */
function notifyLine(settings: WorkspaceSettings, tr: Translator): string {
  const mode = approvalNotifyMode(settings);
  const how =
    mode === 'mention'
      ? tr
          .with(APPROVAL_WORDS)
          .t('approval.settings.notify.mention', { group: `<!subteam^${settings.approversGroup ?? ''}>` })
      : mode === 'dm'
        ? tr.with(APPROVAL_WORDS).t('approval.settings.notify.dm', { cap: APPROVER_DM_CAP })
        : tr.with(APPROVAL_WORDS).t('approval.settings.notify.off');
  const key = settings.approvalNotify ? 'approval.settings.notify' : 'approval.settings.notifyDefault';
  return tr.with(APPROVAL_WORDS).t(key, { how });
}

/** The approvals' section of `/migrate settings`: where requests go, who is told, when they expire. */
export const approvalSettings: SettingsSection = {
  forms: FORMS,
  parse,
  lines: (settings, tr) => [
    tr.with(APPROVAL_WORDS).t('approval.settings.channel', {
      channel: settings.approvalsChannel
        ? `<#${settings.approvalsChannel}>`
        : tr.with(APPROVAL_WORDS).t('approval.settings.channelNone'),
    }),
    tr
      .with(APPROVAL_WORDS)
      .t('approval.settings.ttl', { after: tr.duration((settings.approvalTtlHours ?? 24) * 3600) }),
    tr.with(APPROVAL_WORDS).t('approval.settings.approvers', {
      group: settings.approversGroup ? `<!subteam^${settings.approversGroup}>` : tr.t('settings.none'),
    }),
    notifyLine(settings, tr),
  ],
};
