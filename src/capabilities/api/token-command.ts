import { WORKSPACE } from '../../access/policy.js';
import { defineSubcommand, formWord, type SubcommandForm } from '../../contract/subcommand.js';
import { InvalidInputError } from '../../errors.js';
import { code, escapeMrkdwn } from '../../slack/blocks/mrkdwn.js';
import { parseChannel } from '../../slack/mentions.js';
import { TOKEN_ROLES, type TokenRole, type TokenStore } from './tokens.js';
import { API_WORDS } from './words.js';

type TokenRequest =
  | { op: 'list' }
  | { op: 'add'; name: string; role: TokenRole; channel?: string }
  | { op: 'revoke'; name: string };

const FORMS: readonly SubcommandForm[] = [
  { words: ['list', ''], usage: '/migrate token list' },
  { words: ['add'], usage: '/migrate token add <name> viewer|operator [#channel]' },
  { words: ['revoke', 'remove'], usage: '/migrate token revoke <name>' },
];
const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export function parseToken(args: string[]): TokenRequest {
  const [op, name, roleWord, channelWord, ...extra] = args;
  const verb = formWord(FORMS, op);
  if (verb === 'list' && !name) return { op: 'list' };
  if (!name || !NAME.test(name) || extra.length > 0)
    throw InvalidInputError.in(API_WORDS, 'token.error.usage');
  if (verb === 'revoke' && !roleWord) return { op: 'revoke', name };
  if (verb !== 'add') throw InvalidInputError.in(API_WORDS, 'token.error.usage');
  const role = TOKEN_ROLES.find((r) => r === roleWord?.toLowerCase());
  if (!role) throw InvalidInputError.in(API_WORDS, 'token.error.role', { roles: TOKEN_ROLES.join(', ') });
  return { op: 'add', name, role, ...(channelWord ? { channel: parseChannel(channelWord) } : {}) };
}

/** `/migrate token add|list|revoke`: a workspace's API tokens (admins); a token is shown once. */
export function tokenCommand(stateOf: (deps: never) => { tokens: TokenStore; now(): number }) {
  return defineSubcommand<TokenRequest>({
    name: 'token',
    needs: 'manage',
    usage: '/migrate token add <name> viewer|operator [#channel]',
    forms: FORMS,
    summary: API_WORDS.en['help.summary.token'],
    words: API_WORDS,
    example: () => '/migrate token add ci-nightly viewer',
    related: ['webhook', 'access'],
    parse: (args) => parseToken(args),
    async run(ctx, request) {
      await ctx.require('manage', WORKSPACE, request.op === 'list' ? 'see API tokens' : 'manage API tokens');
      const s = stateOf(ctx.deps as never);
      const tr = await ctx.translator('person');
      if (request.op === 'list') {
        const lines = (await s.tokens.list(ctx.teamId)).map((t) =>
          tr.with(API_WORDS).t('token.line', {
            name: code(t.name),
            role: t.role,
            where: t.channel ? `<#${t.channel}>` : tr.with(API_WORDS).t('token.everywhere'),
            expires: new Date(t.expiresAt).toISOString().slice(0, 10),
          }),
        );
        await ctx.reply({ text: lines.length > 0 ? lines.join('\n') : tr.with(API_WORDS).t('token.none') });
        return;
      }
      if (request.op === 'revoke') {
        const revoked = await ctx.audited('token.revoke', `token:${request.name}`, () =>
          s.tokens.revoke(ctx.teamId, request.name),
        );
        if (!revoked) throw InvalidInputError.in(API_WORDS, 'token.error.unknown', { name: request.name });
        await ctx.reply({ text: tr.with(API_WORDS).t('token.revoked', { name: code(request.name) }) });
        return;
      }
      const added = await ctx.audited('token.add', `token:${request.name}=${request.role}`, () =>
        s.tokens.add(ctx.teamId, {
          name: request.name,
          role: request.role,
          ...(request.channel ? { channel: request.channel } : {}),
          createdBy: ctx.userId,
          createdAt: s.now(),
        }),
      );
      if (!added) throw InvalidInputError.in(API_WORDS, 'token.error.taken', { name: request.name });
      await ctx.reply({
        text: tr.with(API_WORDS).t('token.added', {
          name: code(escapeMrkdwn(added.token.name)),
          role: added.token.role,
          token: code(added.secret),
          expires: new Date(added.token.expiresAt).toISOString().slice(0, 10),
        }),
      });
    },
  });
}
