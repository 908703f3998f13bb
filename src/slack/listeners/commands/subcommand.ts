import type { Capability } from '../../../access/roles.js';
import type { HandlerContext } from '../../context.js';

/**
 * One `/migrate <name>` subcommand: its own parser and handler in its own file, listed once in
 * `subcommands/index.ts`. Help is generated from `usage`, `summary` and `needs`.
 */
export interface SubcommandDefinition<Parsed> {
  name: string;
  /**
   * What a person needs to run it: said once here, for help (which marks what the reader cannot
   * run). The handler still asks the policy itself (`ctx.require`) on the scope it acts on.
   */
  needs: Capability;
  aliases?: readonly string[];
  usage: string;
  summary: string;
  /** Turns the words after the subcommand into input; throws InvalidInputError with a specific message. */
  parse(args: string[], share: boolean): Parsed;
  run(ctx: HandlerContext, parsed: Parsed): Promise<void>;
}

/** A subcommand with its input type sealed inside, so different ones sit in one list. */
export interface Subcommand {
  name: string;
  needs: Capability;
  aliases: readonly string[];
  usage: string;
  summary: string;
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
    summary: definition.summary,
    execute: (ctx, args, share) => definition.run(ctx, definition.parse(args, share)),
    check: (args, share) => {
      definition.parse(args, share);
    },
  };
}
