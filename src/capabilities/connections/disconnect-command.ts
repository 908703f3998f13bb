import { WORKSPACE } from '../../access/policy.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import { defineSubcommand } from '../../contract/subcommand.js';
import { InvalidInputError } from '../../errors.js';
import { CONNECTION_WORD, refuseShare } from '../../slack/command-text.js';
import { renderDisconnectPrompt } from './connection-list.js';
import { CONNECTION_WORDS } from './words.js';

/** A file connection cannot be removed from Slack: the file is the source of truth. */
export function refuseFileConnection(ctx: HandlerContext, name: string): void {
  if (ctx.deps.connections.fileConnection(ctx.teamId, name)) {
    throw InvalidInputError.in(CONNECTION_WORDS, 'disconnect.error.file', { name });
  }
}

/** `/migrate disconnect <name>` never removes at once: it answers with a Disconnect button behind a confirm. */
export const disconnectCommand = defineSubcommand<{ name: string }>({
  name: 'disconnect',
  needs: 'manage',
  usage: '/migrate disconnect <name>',
  summary: CONNECTION_WORDS.en['help.summary.disconnect'],
  words: CONNECTION_WORDS,
  example: (f) => `/migrate disconnect ${f.connection({ stored: true }) ?? '<name>'}`,
  related: ['connections', 'connect'],
  parse: (args, share) => {
    refuseShare('disconnect', share);
    const [name, ...extra] = args;
    if (!name || extra.length > 0) throw InvalidInputError.in(CONNECTION_WORDS, 'disconnect.error.usage');
    if (!CONNECTION_WORD.test(name))
      throw InvalidInputError.in(CONNECTION_WORDS, 'disconnect.error.badName', { typed: name.slice(0, 40) });
    return { name };
  },
  async run(ctx, { name }) {
    await ctx.require('manage', WORKSPACE, 'remove connections');
    refuseFileConnection(ctx, name);
    const registry = ctx.deps.connections;
    await registry.sync(ctx.teamId, { force: true });
    const broken = registry.brokenForTeam(ctx.teamId).find((b) => b.info.name === name);
    const target = broken ?? registry.get(ctx.teamId, name);
    await ctx.reply(renderDisconnectPrompt(registry, target, await ctx.translator('person')));
  },
});
