import type { Grant } from '../../../../access/grant-store.js';
import { channelScope, grantApplies, WORKSPACE } from '../../../../access/policy.js';
import { REQUIRED_ROLE, ROLES, type Role, roleAllows } from '../../../../access/roles.js';
import { InvalidInputError, localized } from '../../../../errors.js';
import { refuseShare } from '../../../command-text.js';
import type { HandlerContext } from '../../../context.js';
import { parseChannel, parseSubject, type Subject, subjectMention } from '../../../mentions.js';
import { defineSubcommand } from '../subcommand.js';

type AccessRequest =
  | { op: 'show' }
  | { op: 'grant'; subject: Subject; role: Role; channel?: string }
  | { op: 'revoke'; subject: Subject; channel?: string };

function parseAccess(args: string[]): AccessRequest {
  const [op, who, ...rest] = args;
  if (!op) return { op: 'show' };
  const verb = op.toLowerCase();
  if (verb === 'grant') {
    const [roleWord, channelWord, ...extra] = rest;
    const role = ROLES.find((r) => r === roleWord?.toLowerCase());
    if (!role) {
      throw localized(
        new InvalidInputError(
          `Give a role to grant: ${ROLES.join(', ')}. E.g. \`/migrate access grant @ana operator\`.`,
        ),
        'access.error.role',
        { roles: ROLES.join(', ') },
      );
    }
    if (extra.length > 0)
      throw localized(
        new InvalidInputError(
          '`/migrate access grant` takes a person or group, a role and optionally a channel.',
        ),
        'access.error.grant',
      );
    return {
      op: 'grant',
      subject: parseSubject(who),
      role,
      channel: channelWord ? parseChannel(channelWord) : undefined,
    };
  }
  if (verb === 'revoke') {
    const [channelWord, ...extra] = rest;
    if (extra.length > 0)
      throw localized(
        new InvalidInputError('`/migrate access revoke` takes a person or group and optionally a channel.'),
        'access.error.revoke',
      );
    return {
      op: 'revoke',
      subject: parseSubject(who),
      channel: channelWord ? parseChannel(channelWord) : undefined,
    };
  }
  throw localized(
    new InvalidInputError(
      'Use `/migrate access`, `/migrate access grant @who <role> [#channel]` or `/migrate access revoke @who [#channel]`.',
    ),
    'access.error.usage',
  );
}

function grantLine(g: Grant): string {
  return `• ${subjectMention(g.subject)} → *${g.role}*${g.channel ? ` in <#${g.channel}>` : ''} (by <@${g.grantedBy}>)`;
}

async function runAccess(ctx: HandlerContext, request: AccessRequest): Promise<void> {
  const { access } = ctx.deps;
  if (request.op === 'show') {
    const role = await ctx.require('view', ctx.here, 'see access');
    // Who holds which role where is the workspace admins' to see; others see what applies here.
    const workspaceRole = ctx.here === WORKSPACE ? role : await ctx.require('view', WORKSPACE, 'see access');
    const grants = (await access.grants.list(ctx.teamId)).filter(
      (g) => roleAllows(workspaceRole, 'manage') || grantApplies(g.channel, ctx.here),
    );
    const roles = Object.entries(REQUIRED_ROLE)
      .map(([capability, needed]) => `${capability}: ${needed}`)
      .join(' · ');
    await ctx.reply({
      text: `Your role here: ${role}`,
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: `Your role here: *${role}*. Everyone is a viewer; workspace admins are admins.`,
          },
        },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: grants.length ? grants.map(grantLine).join('\n') : 'No grants yet.' },
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `Needed roles: ${roles}` }] },
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
        grantedAt: new Date().toISOString(),
      }),
    );
    await ctx.reply({
      text: `${subjectMention(request.subject)} is now ${request.role}${request.channel ? ` in <#${request.channel}>` : ''}.`,
    });
    return;
  }
  const removed = await ctx.audited('access.revoke', target, () =>
    access.grants.revoke(ctx.teamId, { subject: request.subject, channel: request.channel }),
  );
  await ctx.reply({
    text: removed
      ? `Removed the grant of ${subjectMention(request.subject)}${request.channel ? ` in <#${request.channel}>` : ''}.`
      : `${subjectMention(request.subject)} had no grant${request.channel ? ` in <#${request.channel}>` : ''}; nothing changed.`,
  });
}

export const accessCommand = defineSubcommand<AccessRequest>({
  name: 'access',
  needs: 'manage',
  usage: '/migrate access [grant @who <role> [#channel] | revoke @who [#channel]]',
  summary: 'See roles (viewer, operator, approver, admin); admins grant and revoke them.',
  parse: (args, share) => {
    refuseShare('access', share);
    return parseAccess(args);
  },
  run: runAccess,
});
