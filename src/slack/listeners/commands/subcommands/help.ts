import { roleAllows } from '../../../../access/roles.js';
import {
  HELP_BUTTONS,
  type HelpButton,
  type HelpEntry,
  renderHelp,
  renderShortHelp,
} from '../../../blocks/help.js';
import { defineSubcommand, type Subcommand } from '../subcommand.js';

/**
 * The first screen's typed commands, in this order. An id is shown only beside `status`, which
 * only reads: a command that acts at once (pause, watch) gets `<id>`, so nobody runs it on a live
 * task by copying the example.
 */
const LINES: readonly { name: string; command: (id: string | undefined) => string }[] = [
  { name: 'status', command: (id) => `/migrate status ${id ?? '<id>'}` },
  { name: 'explain', command: () => '/migrate explain TRF.0015' },
  { name: 'watch', command: () => '/migrate watch <id>' },
  { name: 'pause', command: () => '/migrate pause <id>' },
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
      // What the reader may run, as each subcommand declares it (`needs`).
      const allowed = (name: string) => {
        const s = byName.get(name);
        return s !== undefined && roleAllows(role, s.needs);
      };
      const tr = await ctx.translator();
      if (everything) {
        const entries = all().map(
          (s): HelpEntry => ({
            name: s.name,
            usage: s.usage,
            summary: s.summary,
            needs: roleAllows(role, s.needs) ? undefined : s.needs,
          }),
        );
        await ctx.reply({
          text: 'migrate-bot help',
          blocks: renderHelp({ entries, role, connections: names, everything, tr }),
        });
        return;
      }
      // A real id from this workspace (its shortest unique start), so `status` runs as shown.
      const { entries: indexed } = await ctx.deps.resolver.index.read(ctx.teamId);
      const id = indexed[0]
        ? uniquePrefix(
            indexed[0].id,
            indexed.map((e) => e.id),
          )
        : undefined;
      const lines = LINES.filter((l) => allowed(l.name)).map((l) => ({
        name: l.name,
        command: l.command(id),
      }));
      const buttons = (Object.keys(HELP_BUTTONS) as HelpButton[]).filter(
        // Lists and the create form need a connection; with none, adding one is what is left.
        (b) => b === 'connect' || b === 'all' || names.length > 0,
      );
      await ctx.reply({
        text: 'migrate-bot help',
        blocks: renderShortHelp({
          role,
          connections: names,
          lines,
          buttons: buttons.filter((b) => b === 'all' || allowed(HELP_BUTTONS[b].line[0])),
          tr,
        }),
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
