import type { Grant } from '../../../../access/grant-store.js';
import { channelScope, grantApplies, WORKSPACE } from '../../../../access/policy.js';
import { REQUIRED_ROLE, ROLES, type Role, roleAllows } from '../../../../access/roles.js';
import type { HandlerContext } from '../../../../contract/handler-context.js';
import { defineSubcommand, formWord, type SubcommandForm } from '../../../../contract/subcommand.js';
import { InvalidInputError } from '../../../../errors.js';
import type { MessageKey, Translator } from '../../../../i18n/translator.js';
import { context, section } from '../../../blocks/mrkdwn.js';
import { refuseShare } from '../../../command-text.js';
import { parseChannel, parseSubject, type Subject, subjectMention } from '../../../mentions.js';

type AccessRequest =
  | { op: 'show' }
  | { op: 'grant'; subject: Subject; role: Role; channel?: string }
  | { op: 'revoke'; subject: Subject; channel?: string };

/** Every form of `/migrate access`: its parser takes these and no other, and help lists them all. */
const FORMS: readonly SubcommandForm[] = [
  { words: [''], usage: '/migrate access' },
  { words: ['grant'], usage: '/migrate access grant @who <role> [#channel]' },
  { words: ['revoke'], usage: '/migrate access revoke @who [#channel]' },
];

function parseAccess(args: string[]): AccessRequest {
  const [op, who, ...rest] = args;
  const verb = formWord(FORMS, op);
  if (verb === '') return { op: 'show' };
  if (verb === 'grant') {
    const [roleWord, channelWord, ...extra] = rest;
    const role = ROLES.find((r) => r === roleWord?.toLowerCase());
    if (!role) {
      throw InvalidInputError.of('access.error.role', { roles: ROLES.join(', ') });
    }
    if (extra.length > 0) throw InvalidInputError.of('access.error.grant');
    return {
      op: 'grant',
      subject: parseSubject(who),
      role,
      channel: channelWord ? parseChannel(channelWord) : undefined,
    };
  }
  if (verb === 'revoke') {
    const [channelWord, ...extra] = rest;
    if (extra.length > 0) throw InvalidInputError.of('access.error.revoke');
    return {
      op: 'revoke',
      subject: parseSubject(who),
      channel: channelWord ? parseChannel(channelWord) : undefined,
    };
  }
  throw InvalidInputError.of('access.error.usage');
}

/** Why the policy gives the role it does, in the reader's words. */
function whyRole(source: 'admin' | 'everyone' | Grant, tr: Translator): string {
  if (source === 'admin') return tr.t('access.because.admin');
  if (source === 'everyone') return tr.t('access.because.everyone');
  const where = source.channel ? tr.t('access.because.inChannel', { channel: `<#${source.channel}>` }) : '';
  return source.subject.kind === 'usergroup'
    ? tr.t('access.because.group', { group: subjectMention(source.subject), where })
    : tr.t('access.because.user', { by: `<@${source.grantedBy}>`, where });
}

function grantLine(g: Grant, tr: Translator): string {
  const values = { subject: subjectMention(g.subject), role: g.role, by: `<@${g.grantedBy}>` };
  return g.channel
    ? tr.t('access.grantLineIn', { ...values, channel: `<#${g.channel}>` })
    : tr.t('access.grantLine', values);
}

/** "… is now operator.", said with or without the channel the grant is for. */
function saidFor(
  tr: Translator,
  [key, keyIn]: readonly [MessageKey, MessageKey],
  values: Record<string, string>,
  channel: string | undefined,
): string {
  return channel ? tr.t(keyIn, { ...values, channel: `<#${channel}>` }) : tr.t(key, values);
}

async function runAccess(ctx: HandlerContext, request: AccessRequest): Promise<void> {
  const { access } = ctx.deps;
  if (request.op === 'show') {
    await ctx.require('view', ctx.here, 'see access');
    // The role the policy applies here, every group looked up (`require` stops at viewer), and why.
    const who = { teamId: ctx.teamId, userId: ctx.userId };
    const applied = await access.explain(who, ctx.here);
    const role = applied.role;
    // Who holds which role where is the workspace admins' to see; others see what applies here.
    // The policy's own decision for the workspace (asked, and logged, like any), then the whole role.
    if (ctx.here !== WORKSPACE) await ctx.require('view', WORKSPACE, 'see access');
    const workspaceRole = ctx.here === WORKSPACE ? role : await access.roleOf(who, WORKSPACE);
    const grants = (await access.grants.list(ctx.teamId)).filter(
      (g) => roleAllows(workspaceRole, 'manage') || grantApplies(g.channel, ctx.here),
    );
    const roles = Object.entries(REQUIRED_ROLE)
      .map(([capability, needed]) => `${capability}: ${needed}`)
      .join(' · ');
    const tr = await ctx.translator('person');
    const because = whyRole(applied.source, tr);
    // Said for what Slack did not answer: the admin check, a user group, or both.
    const unsure = [
      ...(applied.adminUnknown ? [tr.t('access.you.adminUnknown')] : []),
      ...(applied.groupsUnknown ? [tr.t('access.you.unsure')] : []),
    ]
      .map((line) => ` ${line}`)
      .join('');
    await ctx.reply({
      text: tr.t('access.you.role', { role: `*${role}*`, because }),
      blocks: [
        section(`${tr.t('access.you.role', { role: `*${role}*`, because })}${unsure}`),
        section(grants.length ? grants.map((g) => grantLine(g, tr)).join('\n') : tr.t('access.noGrants')),
        context(tr.t('access.neededRoles', { roles })),
      ],
    });
    return;
  }
  // A channel grant changes that channel; any other grant or revoke, the whole workspace.
  await ctx.require('manage', request.channel ? channelScope(request.channel) : WORKSPACE, 'change access');
  const target = `${request.subject.kind}:${request.subject.id}${request.channel ? `@${request.channel}` : ''}`;
  if (request.op === 'grant') {
    await ctx.audited('access.grant', `${target}=${request.role}`, () =>
      access.grant(ctx.teamId, {
        subject: request.subject,
        role: request.role,
        channel: request.channel,
        grantedBy: ctx.userId,
        grantedAt: new Date(ctx.deps.clock.now()).toISOString(),
      }),
    );
    const tr = await ctx.translator('person');
    const values = { subject: subjectMention(request.subject), role: request.role };
    await ctx.reply({ text: saidFor(tr, ['access.granted', 'access.grantedIn'], values, request.channel) });
    return;
  }
  const removed = await ctx.audited('access.revoke', target, () =>
    access.grants.revoke(ctx.teamId, { subject: request.subject, channel: request.channel }),
  );
  const tr = await ctx.translator('person');
  const keys = removed
    ? (['access.revoked', 'access.revokedIn'] as const)
    : (['access.noGrant', 'access.noGrantIn'] as const);
  await ctx.reply({ text: saidFor(tr, keys, { subject: subjectMention(request.subject) }, request.channel) });
}

export const accessCommand = defineSubcommand<AccessRequest>({
  name: 'access',
  needs: 'manage',
  usage: '/migrate access [grant @who <role> [#channel] | revoke @who [#channel]]',
  forms: FORMS,
  summary: 'See roles (viewer, operator, approver, admin); admins grant and revoke them.',
  example: () => '/migrate access',
  related: ['settings', 'audit'],
  parse: (args, share) => {
    refuseShare('access', share);
    return parseAccess(args);
  },
  run: runAccess,
});
