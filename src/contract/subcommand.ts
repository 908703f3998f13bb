import type { NormalizedState, ResourceKind } from '../domain/migration-resource.js';
import type { Words } from '../i18n/words.js';
import type { Permission as Capability } from './core-types.js';
import type { HandlerContext } from './handler-context.js';

/**
 * What `/migrate help <name>` may name in an example, read from the workspace that asks, so the
 * example runs there as shown: its own connection and the start of one of its own ids.
 */
export interface HelpFacts {
  /** A connection of this workspace: one offering `kind`, or one added from Slack, where asked. */
  connection(options?: { kind?: ResourceKind; stored?: boolean }): string | undefined;
  /**
   * The shortest start of an id this workspace has that no other id shares: of one of `kinds`, in
   * the first of `states` one is in (a pause example names something running), any of `kinds` else.
   */
  id(options?: { kinds?: readonly ResourceKind[]; states?: readonly NormalizedState[] }): string | undefined;
  /** A provider id: that of this workspace's first connection, where it has one. */
  provider(): string;
}

/**
 * One form of a subcommand that takes a word first (`window add …`, `window list`, `access grant …`).
 * Its parser picks the form with `formWord`, so the forms listed are the ones it accepts, and
 * `/migrate help <name>` lists every one.
 */
export interface SubcommandForm {
  /** The words after the subcommand that pick it (the first is the one it is known by); `''`: none. */
  words: readonly string[];
  /** The whole line, as typed: `/migrate window remove <id>`. */
  usage: string;
}

/** The form `word` (as typed after the subcommand, or nothing) picks: its first word; undefined if none. */
export function formWord(forms: readonly SubcommandForm[], word: string | undefined): string | undefined {
  const typed = word?.toLowerCase() ?? '';
  return forms.find((f) => f.words.includes(typed))?.words[0];
}

/**
 * One `/migrate <name>` subcommand: its own parser and handler in its own file, listed once in
 * `subcommands/index.ts`. Help is generated from `usage` (or `forms`), `summary`, `needs`,
 * `example` and `related`.
 */
export interface SubcommandDefinition<Parsed> {
  name: string;
  /**
   * What a person needs to run it: said once here, for help (which marks what the reader cannot
   * run). The handler still asks the policy itself (`ctx.require`) on the scope it acts on.
   */
  needs: Capability;
  aliases?: readonly string[];
  /** Its syntax in one line: what `help all` shows (and `help <name>`, when it has no `forms`). */
  usage: string;
  /** Every form, where a word after the name picks one: `help <name>` shows each on its own line. */
  forms?: readonly SubcommandForm[];
  summary: string;
  /**
   * Where its `help.summary.<name>` is when the bot's catalogue does not have it: a capability's
   * own words (English `summary` otherwise).
   */
  words?: Words;
  /** A line that runs here as shown, for `/migrate help <name>`; `<id>` where the workspace has none. */
  example(facts: HelpFacts): string;
  /**
   * Its line on `/migrate help`'s first screen, as typed (`/migrate explain TRF.0015`), said with its
   * `help.line.<name>` (from `words`); given the start of one of the workspace's ids, if it has one.
   * Only for what most people come to do; the rest are in `help all`.
   */
  firstLine?(id: string | undefined): string;
  /**
   * Its button on help's first screen (`help.run.<name>`), running it alone, labelled with its
   * `help.button.<name>`: `setup` for what a workspace without a connection does first (shown
   * then too, as the primary button), `use` for what needs a connection.
   */
  helpButton?: 'setup' | 'use';
  /** Subcommands someone reading this one's help may want next, by name. */
  related: readonly string[];
  /** Turns the words after the subcommand into input; throws InvalidInputError with a specific message. */
  parse(args: string[], share: boolean): Parsed;
  run(ctx: HandlerContext, parsed: Parsed): Promise<void>;
}

type Described =
  | 'name'
  | 'needs'
  | 'usage'
  | 'summary'
  | 'words'
  | 'example'
  | 'firstLine'
  | 'helpButton'
  | 'related';

/** A subcommand with its input type sealed inside, so different ones sit in one list. */
export interface Subcommand extends Pick<SubcommandDefinition<unknown>, Described> {
  aliases: readonly string[];
  /** Every form's line: its `forms`, else its one `usage`. */
  forms: readonly string[];
  execute(ctx: HandlerContext, args: string[], share: boolean): Promise<void>;
  /** Parses without running: throws the same InvalidInputError `execute` would (used by the fuzz tests). */
  check(args: string[], share: boolean): void;
}

export function defineSubcommand<Parsed>(definition: SubcommandDefinition<Parsed>): Subcommand {
  return {
    name: definition.name,
    needs: definition.needs,
    aliases: definition.aliases ?? [],
    usage: definition.usage,
    forms: definition.forms?.map((f) => f.usage) ?? [definition.usage],
    summary: definition.summary,
    ...(definition.words ? { words: definition.words } : {}),
    example: definition.example,
    ...(definition.firstLine ? { firstLine: definition.firstLine } : {}),
    ...(definition.helpButton ? { helpButton: definition.helpButton } : {}),
    related: definition.related,
    execute: (ctx, args, share) => definition.run(ctx, definition.parse(args, share)),
    check: (args, share) => {
      definition.parse(args, share);
    },
  };
}
