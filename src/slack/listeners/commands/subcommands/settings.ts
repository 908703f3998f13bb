import { channelScope, WORKSPACE } from '../../../../access/policy.js';
import type { SettingsChange, SettingsSection } from '../../../../contract/settings-section.js';
import {
  defineSubcommand,
  formWord,
  type Subcommand,
  type SubcommandForm,
} from '../../../../contract/subcommand.js';
import { InvalidInputError } from '../../../../errors.js';
import { LANGUAGE_NAMES, LOCALES, parseLanguage } from '../../../../i18n/locale.js';
import type { MessageKey, Translator } from '../../../../i18n/translator.js';
import type { WorkspaceSettings } from '../../../../settings/workspace-settings.js';
import { canonicalZone, isTimeZone } from '../../../../time/zoned-time.js';
import { parseChannel } from '../../../mentions.js';

/** `/migrate settings` alone shows them; any other form is a change, the core's or a section's. */
type SettingsRequest = { op: 'show' } | { op: 'change'; change: SettingsChange };

const LANGUAGES = LOCALES.join(', ');

function usage(): never {
  throw InvalidInputError.of('settings.error.usage');
}

/** One workspace setting changed by an admin, said as "Updated <label>"; `label` is the audit's. */
function set(change: Partial<WorkspaceSettings>, label: string, labelKey: MessageKey): SettingsChange {
  return async (ctx, tr) => {
    await ctx.require('manage', WORKSPACE, 'change settings');
    const next = await ctx.audited('settings', label, () => ctx.deps.settings.update(ctx.teamId, change));
    return { said: tr.t('settings.updated', { label: tr.t(labelKey) }), next };
  };
}

/** `language ko` (the workspace's), `language ko #channel`, `language default #channel` (back to the workspace's). */
function parseLanguageSetting(args: string[]): SettingsChange {
  const [typed, channel, ...extra] = args;
  if (typed === undefined || extra.length > 0) usage();
  const channelId = channel === undefined ? undefined : parseChannel(channel);
  const dropped = channelId !== undefined && ['default', 'off'].includes(typed.toLowerCase());
  const language = dropped ? undefined : parseLanguage(typed);
  if (!dropped && !language) {
    const shown = typed.replace(/[^\x20-\x7E]/g, '?').slice(0, 20);
    throw InvalidInputError.of('settings.error.language', { typed: shown, languages: LANGUAGES });
  }
  // A channel's language changes that channel; the workspace's, the whole workspace.
  return async (ctx, tr) => {
    await ctx.require('manage', channelId ? channelScope(channelId) : WORKSPACE, 'change settings');
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
    return { said, next };
  };
}

/** `time-zone Asia/Seoul` (validated by the runtime's own zone list), `time-zone default`: back to UTC. */
function zoneChange(value: string): SettingsChange {
  const typed = value.toLowerCase();
  const off = typed === 'default' || typed === 'off';
  if (!off && !isTimeZone(value)) {
    const shown = value.replace(/[^\x20-\x7E]/g, '?').slice(0, 60);
    throw InvalidInputError.of('settings.error.zone', { zone: shown });
  }
  return set({ timeZone: off ? undefined : canonicalZone(value) }, 'time zone', 'settings.label.zone');
}

/** The core's forms of `/migrate settings`, before the capabilities' sections. */
const FORMS: readonly SubcommandForm[] = [
  { words: [''], usage: '/migrate settings' },
  { words: ['audit'], usage: '/migrate settings audit #channel|off' },
  { words: ['language'], usage: '/migrate settings language en|ko|zh-CN [#channel]' },
  { words: ['language'], usage: '/migrate settings language default #channel' },
  { words: ['time-zone', 'timezone', 'zone'], usage: '/migrate settings time-zone <IANA zone>|default' },
];

/** `forms`: the core's and the sections' (the words a refusal lists). */
function parseSettings(
  args: string[],
  sections: readonly SettingsSection[],
  forms: readonly SubcommandForm[],
): SettingsRequest {
  const [name, value, ...extra] = args;
  const form = formWord(FORMS, name);
  if (form === '') return { op: 'show' };
  if (form === 'language') return { op: 'change', change: parseLanguageSetting(args.slice(1)) };
  if (form === undefined) {
    const section = sections.find((s) => formWord(s.forms, name));
    if (section) return { op: 'change', change: section.parse(args) };
    const words = forms.flatMap((f) => f.words[0] || []);
    throw InvalidInputError.of('settings.error.unknown', {
      name: name!.slice(0, 30),
      words: [...new Set(words)].join(', '),
    });
  }
  if (extra.length > 0 || value === undefined) usage();
  if (form === 'time-zone') return { op: 'change', change: zoneChange(value) };
  const auditChannel = value.toLowerCase() === 'off' ? undefined : parseChannel(value);
  return { op: 'change', change: set({ auditChannel }, 'audit channel', 'settings.label.audit') };
}

function describe(settings: WorkspaceSettings, tr: Translator, sections: readonly SettingsSection[]): string {
  const lines = [
    tr.t('settings.audit', {
      channel: settings.auditChannel ? `<#${settings.auditChannel}>` : tr.t('settings.none'),
    }),
    tr.t('settings.language', { language: LANGUAGE_NAMES[settings.language ?? 'en'] }),
    settings.timeZone ? tr.t('settings.zone', { zone: settings.timeZone }) : tr.t('settings.zoneDefault'),
    ...sections.flatMap((s) => s.lines(settings, tr)),
  ];
  const channels = Object.entries(settings.channelLanguages ?? {});
  if (channels.length > 0)
    lines.push(
      tr.t('settings.channelLanguages', {
        list: channels.map(([channel, locale]) => `<#${channel}> ${LANGUAGE_NAMES[locale]}`).join(', '),
      }),
    );
  return lines.join('\n');
}

/** `/migrate settings`: the core's settings, then `sections` (the capabilities'), each picked by its word. */
export function settingsCommand(sections: readonly SettingsSection[]): Subcommand {
  // Its parser takes these and no other, and help lists them all.
  const forms = [...FORMS, ...sections.flatMap((s) => s.forms)];
  const usage = forms.flatMap((f) => (f.words[0] ? [f.usage.replace('/migrate settings ', '')] : []));
  return defineSubcommand<SettingsRequest>({
    name: 'settings',
    needs: 'manage',
    usage: `/migrate settings [${usage.join(' | ')}]`,
    forms,
    summary:
      'Where audit entries and approval requests go, the language of channel posts and the time zone of windows; admins change them.',
    example: () => '/migrate settings',
    related: ['access', 'audit'],
    parse: (args, share) => {
      if (share) throw InvalidInputError.of('settings.error.share');
      return parseSettings(args, sections, forms);
    },
    async run(ctx, request) {
      const tr = await ctx.translator();
      if (request.op === 'show') {
        await ctx.require('view', ctx.here, 'see settings');
        await ctx.reply({ text: describe(await ctx.deps.settings.get(ctx.teamId), tr, sections) });
        return;
      }
      // Each change asks the policy on what it changes (a channel it names, or the workspace) itself.
      const { said, next } = await request.change(ctx, tr);
      await ctx.reply({ text: `${said}\n${describe(next, tr, sections)}` });
    },
  });
}
