import { channelScope, WORKSPACE } from '../../access/policy.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import type { SettingsSection } from '../../contract/settings-section.js';
import { InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import type { WorkspaceSettings } from '../../settings/workspace-settings.js';
import { parseChannel, parseSubject } from '../../slack/mentions.js';
import { type EscalationSetting, escalationSchema } from './escalation-settings.js';
import { ON_CALL_WORDS } from './words.js';

/** `escalation …`: the workspace's, or one channel's (`#channel`); `default` drops a channel's own. */
interface EscalationRequest {
  setting: EscalationSetting | 'off' | 'default';
  channelId?: string;
}

function usage(): never {
  throw InvalidInputError.in(ON_CALL_WORDS, 'escalation.settings.error');
}

/** A whole number of minutes (1 to a week) or hours (½ to a week), as typed after its word. */
function amount(typed: string | undefined, hours: boolean): number {
  const n = Number(typed);
  const ok = hours ? n >= 0.5 && n <= 168 : Number.isInteger(n) && n >= 1 && n <= 10_080;
  if (typed === undefined || !Number.isFinite(n) || !ok) usage();
  return n;
}

/**
 * `remind 15 escalate 60 to @oncall check 8 #ops`: the steps in any order, each once; a channel
 * makes it that channel's own. `off` turns it off (in a channel: there only).
 */
function parseEscalation(args: readonly string[]): EscalationRequest {
  const words = [...args];
  const last = words.at(-1);
  const channelId = last?.startsWith('<#') || last?.startsWith('#') ? parseChannel(words.pop()!) : undefined;
  const first = words[0]?.toLowerCase();
  if ((first === 'off' || first === 'default') && words.length === 1) {
    if (first === 'default' && !channelId) usage();
    return { setting: first, ...(channelId ? { channelId } : {}) };
  }
  const setting: EscalationSetting = {};
  for (let i = 0; i < words.length; i += 2) {
    const word = words[i]!.toLowerCase();
    const value = words[i + 1];
    if (word === 'remind' && setting.remindMinutes === undefined)
      setting.remindMinutes = amount(value, false);
    else if (word === 'escalate' && setting.escalateMinutes === undefined)
      setting.escalateMinutes = amount(value, false);
    else if (word === 'check' && setting.checkHours === undefined) setting.checkHours = amount(value, true);
    else if ((word === 'to' || word === 'mention') && setting.mention === undefined) {
      const subject = parseSubject(value);
      if (subject.kind !== 'usergroup') usage();
      setting.mention = subject.id;
    } else usage();
  }
  if (
    setting.remindMinutes === undefined &&
    setting.escalateMinutes === undefined &&
    setting.checkHours === undefined
  )
    usage();
  return { setting, ...(channelId ? { channelId } : {}) };
}

/** What escalation does, in words: "Remind after 15 min · mention @oncall after 1 h · ask owners after 8 h". */
function escalationWords(setting: EscalationSetting | undefined, tr: Translator): string {
  if (!setting) return tr.with(ON_CALL_WORDS).t('escalation.settings.off');
  const steps: string[] = [];
  if (setting.remindMinutes !== undefined)
    steps.push(
      tr
        .with(ON_CALL_WORDS)
        .t('escalation.settings.remind', { after: tr.duration(setting.remindMinutes * 60) }),
    );
  if (setting.escalateMinutes !== undefined)
    steps.push(
      tr.with(ON_CALL_WORDS).t('escalation.settings.escalate', {
        after: tr.duration(setting.escalateMinutes * 60),
        who: setting.mention
          ? `<!subteam^${setting.mention}>`
          : tr.with(ON_CALL_WORDS).t('escalation.settings.approvers'),
      }),
    );
  if (setting.checkHours !== undefined)
    steps.push(
      tr
        .with(ON_CALL_WORDS)
        .t('escalation.settings.check', { after: tr.duration(setting.checkHours * 3600) }),
    );
  return steps.join(' · ');
}

/** The lines `/migrate settings` shows: the workspace's escalation, and each channel's own. */
function escalationLines(settings: WorkspaceSettings, tr: Translator): string[] {
  const lines = [
    tr.with(ON_CALL_WORDS).t('escalation.settings', { how: escalationWords(settings.escalation, tr) }),
  ];
  for (const [channel, own] of Object.entries(settings.channelEscalation ?? {}))
    lines.push(
      tr.with(ON_CALL_WORDS).t('escalation.settings.channel', {
        channel: `<#${channel}>`,
        how: own === 'off' ? tr.with(ON_CALL_WORDS).t('escalation.settings.off') : escalationWords(own, tr),
      }),
    );
  return lines;
}

/** Sets it (admins: the workspace, or the channel named) and says which escalation changed. */
async function setEscalation(
  ctx: HandlerContext,
  request: EscalationRequest,
  tr: Translator,
): Promise<{ said: string; next: WorkspaceSettings }> {
  const { channelId, setting } = request;
  await ctx.require('manage', channelId ? channelScope(channelId) : WORKSPACE, 'change settings');
  const target = channelId ? `escalation of <#${channelId}>` : 'escalation';
  // Checked by its own schema, as the store keeps a capability's field as it is set.
  if (typeof setting === 'object') escalationSchema.parse(setting);
  const next = await ctx.audited('settings', `${target}: ${JSON.stringify(setting)}`, () =>
    channelId
      ? ctx.deps.settings.setChannelEntry(
          ctx.teamId,
          'channelEscalation',
          channelId,
          setting === 'default' ? undefined : setting,
        )
      : ctx.deps.settings.update(ctx.teamId, {
          escalation: setting === 'off' ? undefined : (setting as EscalationSetting),
        }),
  );
  // What applies now is in the settings shown after this line, once: here only what changed (a
  // channel back on the workspace's has no line of its own there, so it is said here).
  const said =
    channelId && setting === 'default'
      ? tr.with(ON_CALL_WORDS).t('escalation.settings.followsWorkspace', { channel: `<#${channelId}>` })
      : tr.t('settings.updated', {
          label: channelId
            ? tr.with(ON_CALL_WORDS).t('escalation.settings.labelIn', { channel: `<#${channelId}>` })
            : tr.with(ON_CALL_WORDS).t('escalation.settings.label'),
        });
  return { said, next };
}

/** On-call's section of `/migrate settings`: who is reminded and mentioned of a failure nobody takes on. */
export const escalationSection: SettingsSection = {
  forms: [
    {
      words: ['escalation'],
      usage:
        '/migrate settings escalation remind <min> [escalate <min>] [to @group] [check <hours>] [#channel]',
    },
    { words: ['escalation'], usage: '/migrate settings escalation off [#channel]' },
    { words: ['escalation'], usage: '/migrate settings escalation default #channel' },
  ],
  parse: (args) => {
    const request = parseEscalation(args.slice(1));
    return (ctx, tr) => setEscalation(ctx, request, tr);
  },
  lines: escalationLines,
};
