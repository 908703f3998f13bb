import { roleAllows } from '../../../../access/roles.js';
import { type HelpEntry, renderHelp } from '../../../blocks/help.js';
import { defineSubcommand, type Subcommand } from '../subcommand.js';

/** The handful that short help shows, in this order, each with an example from this workspace. */
const ESSENTIALS: readonly {
  name: string;
  example: (connection: string | undefined, id: string | undefined) => string | undefined;
}[] = [
  { name: 'list', example: (c) => (c ? `/migrate list ${c} failed` : '/migrate list failed') },
  { name: 'status', example: (_, id) => (id ? `/migrate status ${id}` : undefined) },
  { name: 'explain', example: () => '/migrate explain TRF.0015' },
  { name: 'watch', example: (_, id) => (id ? `/migrate watch ${id}` : undefined) },
  { name: 'subscribe', example: (c) => (c ? `/migrate subscribe ${c} failures` : undefined) },
  { name: 'pause', example: (_, id) => (id ? `/migrate pause ${id}` : undefined) },
  { name: 'resume', example: (_, id) => (id ? `/migrate resume ${id}` : undefined) },
  { name: 'create', example: () => '/migrate create' },
  { name: 'connect', example: () => '/migrate connect' },
  { name: 'access', example: () => '/migrate access' },
];

export function helpSubcommand(all: () => readonly Subcommand[]): Subcommand {
  return defineSubcommand<{ everything: boolean }>({
    name: 'help',
    needs: 'view',
    aliases: ['?'],
    usage: '/migrate help [all]',
    summary: 'What you can do here; `help all` lists every command.',
    parse: (args) => ({ everything: args[0]?.toLowerCase() === 'all' }),
    async run(ctx, { everything }) {
      const role = await ctx.require('view', ctx.here, 'use migrate-bot');
      const names = ctx.deps.connections.forTeam(ctx.teamId).map((c) => c.name);
      const byName = new Map(all().map((s) => [s.name, s]));
      // An id this workspace really has (the start of it is enough), so the examples run as shown.
      const { entries: indexed } = await ctx.deps.resolver.index.read(ctx.teamId);
      const id = indexed[0]
        ? uniquePrefix(
            indexed[0].id,
            indexed.map((e) => e.id),
          )
        : '<id>';
      const entry = (s: Subcommand, example?: string): HelpEntry => ({
        name: s.name,
        usage: s.usage,
        summary: s.summary,
        example,
        needs: roleAllows(role, s.needs) ? undefined : s.needs,
      });
      const entries = everything
        ? all().map((s) => entry(s))
        : ESSENTIALS.flatMap(({ name, example }) => {
            const s = byName.get(name);
            return s && roleAllows(role, s.needs) ? [entry(s, example(names[0], id))] : [];
          });
      const tr = await ctx.translator();
      await ctx.reply({
        text: 'migrate-bot help',
        blocks: renderHelp({ entries, role, connections: names, everything, tr }),
      });
    },
  });
}

/** The shortest start of `id` (4 characters at least) that no other id shares. */
function uniquePrefix(id: string, ids: readonly string[]): string {
  for (let n = 4; n < id.length; n++) {
    const prefix = id.slice(0, n);
    if (ids.filter((other) => other.startsWith(prefix)).length === 1) return prefix;
  }
  return id;
}
