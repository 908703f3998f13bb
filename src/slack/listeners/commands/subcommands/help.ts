import { roleAllows } from '../../../../access/roles.js';
import { defineSubcommand, type Subcommand } from '../../../../contract/subcommand.js';
import { InvalidInputError } from '../../../../errors.js';
import type { Words } from '../../../../i18n/words.js';
import {
  HELP_BUTTONS,
  type HelpButton,
  type HelpEntry,
  renderHelp,
  renderShortHelp,
  type ShownButton,
} from '../../../blocks/help.js';
import { renderHelpTopic } from '../../../blocks/help-topic.js';
import { code } from '../../../blocks/mrkdwn.js';
import { closest } from '../../../command-text.js';
import { helpFacts, uniquePrefix } from '../help-facts.js';
import type { RunningCommands } from './index.js';

type Line = { name: string; command: (id: string | undefined) => string; words?: Words };

/**
 * The first screen's typed commands: the core's that read, the running capabilities' own
 * (`firstLine`, in the registry's order), then the core's that act. An id is shown only beside
 * `status`, which only reads: a command that acts at once (pause, watch) gets `<id>`, so nobody
 * runs it on a live task by copying the example. (`help pause` does name one: whoever asks it came
 * to pause.)
 */
const READS: readonly Line[] = [{ name: 'status', command: (id) => `/migrate status ${id ?? '<id>'}` }];
const ACTS: readonly Line[] = [
  { name: 'watch', command: () => '/migrate watch <id>' },
  { name: 'pause', command: () => '/migrate pause <id>' },
];

/** Help's related commands: the core's that read, and those with a line on its first screen. */
const RELATED = ['status', 'list'];
export const relatedToHelp = (others: readonly Subcommand[]) => [
  ...RELATED,
  ...firstLines(others).map((l) => l.name),
];

/** The capabilities' subcommands that put a line on the first screen. */
function firstLines(others: readonly Subcommand[]): Line[] {
  return others.flatMap((s) =>
    s.firstLine ? [{ name: s.name, command: s.firstLine, ...(s.words ? { words: s.words } : {}) }] : [],
  );
}

type HelpRequest = { show: 'short' } | { show: 'all' } | { show: 'topic'; word: string };

/** `help`, `help all`, or `help <subcommand or alias>`. */
function parseHelp(args: readonly string[]): HelpRequest {
  const word = args[0]?.toLowerCase().replace(/^-+/, '');
  if (word === undefined) return { show: 'short' };
  if (word === 'all') return { show: 'all' };
  return { show: 'topic', word };
}

/** The subcommand `help <word>` is about, among those running here; a typo gets "Did you mean …?". */
function topicOf(word: string, every: readonly Subcommand[]): Subcommand {
  const found = every.find((s) => s.name === word || s.aliases.includes(word));
  if (found) return found;
  const typed = word.slice(0, 40);
  const suggestion = closest(word, ['all', ...every.map((s) => s.name)]);
  throw suggestion
    ? InvalidInputError.of('help.error.unknownTopicDidYouMean', { typed, suggestion })
    : InvalidInputError.of('help.error.unknownTopic', { typed });
}

/**
 * `all(running)`: every subcommand but help, given those of the bot's started capabilities (a
 * test may start one the registry does not list).
 */
export function helpSubcommand(all: (running?: RunningCommands) => readonly Subcommand[]): Subcommand {
  const help: Subcommand = defineSubcommand<HelpRequest>({
    name: 'help',
    needs: 'view',
    aliases: ['?'],
    usage: '/migrate help [all | <command>]',
    summary: 'What you can do here; `help all` lists every command, `help <command>` explains one.',
    example: () => '/migrate help pause',
    related: RELATED,
    parse: (args) => parseHelp(args),
    async run(ctx, request) {
      const role = await ctx.require('view', ctx.here, 'use migrate-bot');
      const names = ctx.deps.connections.forTeam(ctx.teamId).map((c) => c.name);
      const others = all(ctx.deps.capabilities);
      // Help explains itself too: `help help`.
      const byName = new Map([help, ...others].map((s) => [s.name, s]));
      // What the reader may run, as each subcommand declares it (`needs`).
      const allowed = (name: string) => {
        const s = byName.get(name);
        return s !== undefined && roleAllows(role, s.needs);
      };
      const tr = await ctx.translator();
      if (request.show === 'topic') {
        const s = topicOf(request.word, [help, ...others]);
        const facts = await helpFacts(ctx);
        const named = s === help ? relatedToHelp(others) : s.related;
        const related = named.filter((name) => byName.has(name));
        await ctx.reply({
          text: `/migrate ${s.name}: ${code(s.usage)}`,
          blocks: renderHelpTopic({
            topic: { ...s, example: s.example(facts), related },
            role,
            connection: facts.connection(),
            tr,
          }),
        });
        return;
      }
      if (request.show === 'all') {
        const entries = others.map(
          (s): HelpEntry => ({
            name: s.name,
            usage: s.usage,
            summary: s.summary,
            ...(s.words ? { words: s.words } : {}),
            needs: roleAllows(role, s.needs) ? undefined : s.needs,
          }),
        );
        await ctx.reply({
          text: 'migrate-bot help',
          blocks: renderHelp({ entries, role, connections: names, everything: true, tr }),
        });
        return;
      }
      // A real id from this workspace (its shortest unique start), so `status` runs as shown.
      const { entries: indexed } = await ctx.deps.resources.resolver.index.read(ctx.teamId);
      const id = indexed[0]
        ? uniquePrefix(
            indexed[0].id,
            indexed.map((e) => e.id),
          )
        : undefined;
      const lines = [...READS, ...firstLines(others), ...ACTS]
        .filter((l) => allowed(l.name))
        .map((l) => ({ name: l.name, command: l.command(id), ...(l.words ? { words: l.words } : {}) }));
      // Lists and the create form need a connection; with none, setting one up is what is left,
      // and the only useful next step.
      const none = names.length === 0;
      const core = (Object.keys(HELP_BUTTONS) as HelpButton[]).filter(
        (b) => b !== 'all' && !none && allowed(HELP_BUTTONS[b].line[0]),
      );
      const theirs = others.filter(
        (s) => s.helpButton && (s.helpButton === 'setup' || !none) && allowed(s.name),
      );
      const buttons: ShownButton[] = [
        ...core.map((id) => ({ id })),
        ...theirs.map((s) => ({
          id: s.name,
          ...(s.words ? { words: s.words } : {}),
          ...(none && s.helpButton === 'setup' ? { primary: true } : {}),
        })),
        { id: 'all' },
      ];
      await ctx.reply({
        text: 'migrate-bot help',
        blocks: renderShortHelp({
          role,
          connections: names,
          lines,
          buttons,
          tr,
        }),
      });
    },
  });
  // What it relates to is read when asked: the registry's capabilities are listed after this runs.
  Object.defineProperty(help, 'related', { get: () => relatedToHelp(all()) });
  return help;
}
