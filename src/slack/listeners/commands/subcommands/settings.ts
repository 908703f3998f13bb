import { channelScope, WORKSPACE } from '../../../../access/policy.js';
import type { SettingsChange, SettingsSection } from '../../../../capabilities/settings-section.js';
import { InvalidInputError } from '../../../../errors.js';
import { LANGUAGE_NAMES, LOCALES, type Locale, parseLanguage } from '../../../../i18n/locale.js';
import type { MessageKey, Translator } from '../../../../i18n/translator.js';
import {
  APPROVER_DM_CAP,
  approvalNotifyMode,
  type WorkspaceSettings,
} from '../../../../settings/workspace-settings.js';
import { canonicalZone, isTimeZone } from '../../../../time/zoned-time.js';
import type { HandlerContext } from '../../../context.js';
import { parseChannel, parseSubject } from '../../../mentions.js';
import { defineSubcommand, formWord, type Subcommand, type SubcommandForm } from '../subcommand.js';

type SettingsRequest =
  | { op: 'show' }
  | { op: 'set'; change: Partial<WorkspaceSettings>; label: string; labelKey: MessageKey }
  | { op: 'language'; language: Locale | undefined; channelId?: string }
  | { op: 'section'; change: SettingsChange };

const LANGUAGES = LOCALES.join(', ');

function usage(): never {
  throw InvalidInputError.of('settings.error.usage');
}

/** `language ko` (the workspace's), `language ko #channel`, `language default #channel` (back to the workspace's). */
function parseLanguageSetting(args: string[]): SettingsRequest {
  const [typed, channel, ...extra] = args;
  if (typed === undefined || extra.length > 0) usage();
  const channelId = channel === undefined ? undefined : parseChannel(channel);
  if (channelId && ['default', 'off'].includes(typed.toLowerCase()))
    return { op: 'language', language: undefined, channelId };
  const language = parseLanguage(typed);
  if (!language) {
    const shown = typed.replace(/[^\x20-\x7E]/g, '?').slice(0, 20);
    throw InvalidInputError.of('settings.error.language', { typed: shown, languages: LANGUAGES });
  }
  return { op: 'language', language, ...(channelId ? { channelId } : {}) };
}

/** The core's forms of `/migrate settings`, before the capabilities' sections. */
const FORMS: readonly SubcommandForm[] = [
  { words: [''], usage: '/migrate settings' },
  { words: ['audit'], usage: '/migrate settings audit #channel|off' },
  { words: ['approvals'], usage: '/migrate settings approvals #channel|off' },
  { words: ['approval-ttl'], usage: '/migrate settings approval-ttl <hours>' },
  { words: ['approvers'], usage: '/migrate settings approvers @group|off' },
  { words: ['approval-notify'], usage: '/migrate settings approval-notify mention|dm|off|default' },
  { words: ['language'], usage: '/migrate settings language en|ko|zh-CN [#channel]' },
  { words: ['language'], usage: '/migrate settings language default #channel' },
  { words: ['time-zone', 'timezone', 'zone'], usage: '/migrate settings time-zone <IANA zone>|default' },
];
const WORDS = [...new Set(FORMS.flatMap((f) => (f.words[0] ? [f.words[0]] : [])))];
const USAGE =
  'audit #channel|off | approvals #channel | approval-ttl <hours> | approvers @group|off | approval-notify mention|dm|off | language <en|ko|zh-CN> [#channel] | time-zone <IANA zone>|default';

function parseSettings(args: string[], sections: readonly SettingsSection[]): SettingsRequest {
  const [name, value, ...extra] = args;
  const form = formWord(FORMS, name);
  if (form === '') return { op: 'show' };
  if (form === 'language') return parseLanguageSetting(args.slice(1));
  if (form === undefined) {
    const section = sections.find((s) => s.word === name!.toLowerCase());
    if (section) return { op: 'section', change: section.parse(args.slice(1)) };
    const words = [...WORDS, ...sections.map((s) => s.word)].join(', ');
    throw InvalidInputError.of('settings.error.unknown', { name: name!.slice(0, 30), words });
  }
  if (extra.length > 0 || value === undefined) usage();
  const off = value.toLowerCase() === 'off';
  switch (form) {
    case 'audit':
      return {
        op: 'set',
        change: { auditChannel: off ? undefined : parseChannel(value) },
        label: 'audit channel',
        labelKey: 'settings.label.audit',
      };
    case 'approvals':
      return {
        op: 'set',
        change: { approvalsChannel: off ? undefined : parseChannel(value) },
        label: 'approvals channel',
        labelKey: 'settings.label.approvals',
      };
    case 'approvers': {
      if (off) return approversChange(undefined);
      const subject = parseSubject(value);
      if (subject.kind !== 'usergroup') throw InvalidInputError.of('settings.error.approvers');
      return approversChange(subject.id);
    }
    case 'approval-notify':
      return notifyChange(value);
    case 'time-zone':
      return zoneChange(value);
    case 'approval-ttl': {
      const hours = Number(value);
      if (!Number.isInteger(hours) || hours < 1 || hours > 336) {
        throw InvalidInputError.of('settings.error.ttl');
      }
      return {
        op: 'set',
        change: { approvalTtlHours: hours },
        label: 'approval expiry',
        labelKey: 'settings.label.ttl',
      };
    }
    default:
      usage();
  }
}

function approversChange(group: string | undefined): SettingsRequest {
  return {
    op: 'set',
    change: { approversGroup: group },
    label: 'approvers group',
    labelKey: 'settings.label.approvers',
  };
}

/** `approval-notify mention|dm|off|default`: how approvers hear of a new request. */
function notifyChange(value: string): SettingsRequest {
  const typed = value.toLowerCase();
  if (typed !== 'mention' && typed !== 'dm' && typed !== 'off' && typed !== 'default')
    throw InvalidInputError.of('settings.error.notify');
  return {
    op: 'set',
    change: { approvalNotify: typed === 'default' ? undefined : typed },
    label: 'approval notices',
    labelKey: 'settings.label.notify',
  };
}

/** `time-zone Asia/Seoul` (validated by the runtime's own zone list), `time-zone default`: back to UTC. */
function zoneChange(value: string): SettingsRequest {
  const typed = value.toLowerCase();
  const off = typed === 'default' || typed === 'off';
  if (!off && !isTimeZone(value)) {
    const shown = value.replace(/[^\x20-\x7E]/g, '?').slice(0, 60);
    throw InvalidInputError.of('settings.error.zone', { zone: shown });
  }
  return {
    op: 'set',
    change: { timeZone: off ? undefined : canonicalZone(value) },
    label: 'time zone',
    labelKey: 'settings.label.zone',
  };
}

/** How approvers are told, in words: by whom, and whether it is the default. */
function notifyLine(settings: WorkspaceSettings, tr: Translator): string {
  const mode = approvalNotifyMode(settings);
  const how =
    mode === 'mention'
      ? tr.t('settings.notify.mention', { group: `<!subteam^${settings.approversGroup ?? ''}>` })
      : mode === 'dm'
        ? tr.t('settings.notify.dm', { cap: APPROVER_DM_CAP })
        : tr.t('settings.notify.off');
  return tr.t(settings.approvalNotify ? 'settings.notify' : 'settings.notifyDefault', { how });
}

function describe(settings: WorkspaceSettings, tr: Translator, sections: readonly SettingsSection[]): string {
  const none = tr.t('settings.none');
  const lines = [
    tr.t('settings.audit', { channel: settings.auditChannel ? `<#${settings.auditChannel}>` : none }),
    tr.t('settings.approvals', {
      channel: settings.approvalsChannel ? `<#${settings.approvalsChannel}>` : tr.t('settings.approvalsNone'),
    }),
    tr.t('settings.ttl', { after: tr.duration((settings.approvalTtlHours ?? 24) * 3600) }),
    tr.t('settings.approvers', {
      group: settings.approversGroup ? `<!subteam^${settings.approversGroup}>` : none,
    }),
    notifyLine(settings, tr),
    tr.t('settings.language', { language: LANGUAGE_NAMES[settings.language ?? 'en'] }),
    settings.timeZone ? tr.t('settings.zone', { zone: settings.timeZone }) : tr.t('settings.zoneDefault'),
  ];
  for (const section of sections) lines.push(...section.lines(settings, tr));
  const channels = Object.entries(settings.channelLanguages ?? {});
  if (channels.length > 0)
    lines.push(
      tr.t('settings.channelLanguages', {
        list: channels.map(([channel, locale]) => `<#${channel}> ${LANGUAGE_NAMES[locale]}`).join(', '),
      }),
    );
  return lines.join('\n');
}

async function setLanguage(
  ctx: HandlerContext,
  request: Extract<SettingsRequest, { op: 'language' }>,
  tr: Translator,
  sections: readonly SettingsSection[],
): Promise<void> {
  const { language, channelId } = request;
  const target = channelId ? `language of <#${channelId}>` : 'workspace language';
  const next = await ctx.audited('settings', `${target}: ${language ?? 'default'}`, () =>
    channelId
      ? ctx.deps.settings.setChannelLanguage(ctx.teamId, channelId, language)
      : ctx.deps.settings.update(ctx.teamId, { language }),
  );
  const name = LANGUAGE_NAMES[language ?? next.language ?? 'en'];
  const said = !channelId
    ? tr.t('settings.languageWorkspace', { language: name })
    : language
      ? tr.t('settings.languageChannel', { channel: `<#${channelId}>`, language: name })
      : tr.t('settings.languageChannelDefault', { channel: `<#${channelId}>`, language: name });
  await ctx.reply({ text: `${said}\n${describe(next, tr, sections)}` });
}

async function runSettings(
  ctx: HandlerContext,
  request: SettingsRequest,
  sections: readonly SettingsSection[],
): Promise<void> {
  const tr = await ctx.translator();
  if (request.op === 'show') {
    await ctx.require('view', ctx.here, 'see settings');
    await ctx.reply({ text: describe(await ctx.deps.settings.get(ctx.teamId), tr, sections) });
    return;
  }
  // A section asks the policy on what it changes (a channel it names, or the workspace) itself.
  if (request.op === 'section') {
    const { said, next } = await request.change(ctx, tr);
    await ctx.reply({ text: `${said}\n${describe(next, tr, sections)}` });
    return;
  }
  // A channel's language changes that channel; every other setting, the whole workspace.
  const scope = request.op === 'language' && request.channelId ? channelScope(request.channelId) : WORKSPACE;
  await ctx.require('manage', scope, 'change settings');
  if (request.op === 'language') return setLanguage(ctx, request, tr, sections);
  if (
    request.change.approvalNotify === 'mention' &&
    !(await ctx.deps.settings.get(ctx.teamId)).approversGroup
  )
    throw InvalidInputError.of('settings.error.notifyNoGroup');
  const next = await ctx.audited('settings', request.label, () =>
    ctx.deps.settings.update(ctx.teamId, request.change),
  );
  await ctx.reply({
    text: `${tr.t('settings.updated', { label: tr.t(request.labelKey) })}\n${describe(next, tr, sections)}`,
  });
}

/** `/migrate settings`: the core's settings, then `sections` (the capabilities'), each picked by its word. */
export function settingsCommand(sections: readonly SettingsSection[]): Subcommand {
  const theirs = sections.flatMap((s) => s.forms.map((usage) => ({ words: [s.word], usage })));
  const usage = [USAGE, ...theirs.map((f) => f.usage.replace('/migrate settings ', ''))].join(' | ');
  return defineSubcommand<SettingsRequest>({
    name: 'settings',
    needs: 'manage',
    usage: `/migrate settings [${usage}]`,
    // Its parser takes these and no other, and help lists them all.
    forms: [...FORMS, ...theirs],
    summary:
      'Where audit entries and approval requests go, the language of channel posts and the time zone of windows; admins change them.',
    example: () => '/migrate settings',
    related: ['access', 'audit'],
    parse: (args, share) => {
      if (share) throw InvalidInputError.of('settings.error.share');
      return parseSettings(args, sections);
    },
    run: (ctx, request) => runSettings(ctx, request, sections),
  });
}
