import { InvalidInputError } from '../../../../errors.js';
import type { WorkspaceSettings } from '../../../../settings/workspace-settings.js';
import type { HandlerContext } from '../../../context.js';
import { parseChannel } from '../../../mentions.js';
import { defineSubcommand } from '../subcommand.js';

type SettingsRequest = { op: 'show' } | { op: 'set'; change: Partial<WorkspaceSettings>; label: string };

function parseSettings(args: string[]): SettingsRequest {
  const [name, value, ...extra] = args;
  if (!name) return { op: 'show' };
  if (extra.length > 0 || value === undefined) {
    throw new InvalidInputError(
      'Use `/migrate settings audit #channel|off`, `approvals #channel` or `approval-ttl <hours>`.',
    );
  }
  const off = value.toLowerCase() === 'off';
  switch (name.toLowerCase()) {
    case 'audit':
      return {
        op: 'set',
        change: { auditChannel: off ? undefined : parseChannel(value) },
        label: 'audit channel',
      };
    case 'approvals':
      return {
        op: 'set',
        change: { approvalsChannel: off ? undefined : parseChannel(value) },
        label: 'approvals channel',
      };
    case 'approval-ttl': {
      const hours = Number(value);
      if (!Number.isInteger(hours) || hours < 1 || hours > 336) {
        throw new InvalidInputError('approval-ttl is a whole number of hours from 1 to 336 (two weeks).');
      }
      return { op: 'set', change: { approvalTtlHours: hours }, label: 'approval expiry' };
    }
    default:
      throw new InvalidInputError(
        `Unknown setting "${name.slice(0, 30)}": use audit, approvals or approval-ttl.`,
      );
  }
}

function describe(settings: WorkspaceSettings): string {
  return [
    `Audit channel: ${settings.auditChannel ? `<#${settings.auditChannel}>` : 'none'}`,
    `Approvals channel: ${settings.approvalsChannel ? `<#${settings.approvalsChannel}>` : 'none (requests go to the requesting channel)'}`,
    `Approval requests expire after ${settings.approvalTtlHours ?? 24} h`,
  ].join('\n');
}

async function runSettings(ctx: HandlerContext, request: SettingsRequest): Promise<void> {
  if (request.op === 'show') {
    await ctx.require('view', 'see settings');
    await ctx.reply({ text: describe(await ctx.deps.settings.get(ctx.teamId)) });
    return;
  }
  await ctx.require('manage', 'change settings');
  const next = await ctx.audited('settings', request.label, () =>
    ctx.deps.settings.update(ctx.teamId, request.change),
  );
  await ctx.reply({ text: `Updated the ${request.label}.\n${describe(next)}` });
}

export const settingsCommand = defineSubcommand<SettingsRequest>({
  name: 'settings',
  usage: '/migrate settings [audit #channel|off | approvals #channel | approval-ttl <hours>]',
  summary: 'Where audit entries and approval requests go; admins change them.',
  parse: (args, share) => {
    if (share) throw new InvalidInputError('`/migrate settings` always answers only you; drop "share".');
    return parseSettings(args);
  },
  run: runSettings,
});
