import { renderHelp } from '../../../blocks/help.js';
import { defineSubcommand, type Subcommand } from '../subcommand.js';

export function helpSubcommand(all: () => readonly Subcommand[]): Subcommand {
  return defineSubcommand<Record<string, never>>({
    name: 'help',
    aliases: ['?'],
    usage: '/migrate help',
    summary: 'This help.',
    parse: () => ({}),
    async run(ctx) {
      const names = ctx.deps.connections.forTeam(ctx.teamId).map((c) => c.name);
      await ctx.reply({ text: 'migrate-bot help', blocks: renderHelp(all(), names) });
    },
  });
}
