import { HELP_BUTTON_PREFIX, HELP_BUTTONS, type HelpButton } from '../../blocks/help.js';
import { buttonHandler } from '../../button-handler.js';
import { findSubcommand, type RunningCommands } from '../commands/subcommands/index.js';

/** The line a button's id names: a core button's, or a running subcommand's own (`helpButton`), alone. */
function lineOf(key: string, running: RunningCommands): readonly string[] | undefined {
  if (Object.hasOwn(HELP_BUTTONS, key)) return HELP_BUTTONS[key as HelpButton].line;
  const own = findSubcommand(key, running);
  return own?.helpButton && own.name === key ? [key] : undefined;
}

/**
 * A help screen's button: runs its fixed subcommand line as if typed, answered to the clicker. The
 * line comes from the button's id, never from its value: a core button's line, or a running
 * subcommand that declares a help button, alone. The policy is asked first whether the clicker may
 * use the bot here at all; the subcommand then asks about what it acts on.
 */
export function helpButton() {
  return buttonHandler(async (ctx, args) => {
    const key = args.action.action_id.slice(HELP_BUTTON_PREFIX.length);
    const running = ctx.deps.capabilities;
    const line = lineOf(key, running);
    if (!line) throw new Error(`no help button ${key}`);
    const [name, ...words] = line;
    const subcommand = findSubcommand(name ?? '', running);
    if (!subcommand) throw new Error(`help button ${key} names no subcommand`);
    ctx.what = subcommand.name;
    await ctx.require('view', ctx.here, 'use migrate-bot');
    await subcommand.execute(ctx, [...words], false);
  });
}
