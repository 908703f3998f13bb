import { HELP_BUTTON_PREFIX, HELP_BUTTONS, type HelpButton } from '../../blocks/help.js';
import { buttonHandler } from '../../button-handler.js';
import { findSubcommand } from '../commands/subcommands/index.js';

/**
 * A help screen's button: runs its fixed subcommand line as if typed, answered to the clicker. The
 * line comes from the button's id, never from its value. The policy is asked first whether the
 * clicker may use the bot here at all; the subcommand then asks about what it acts on.
 */
export function helpButton() {
  return buttonHandler(async (ctx, args) => {
    const key = args.action.action_id.slice(HELP_BUTTON_PREFIX.length);
    if (!Object.hasOwn(HELP_BUTTONS, key)) throw new Error(`no help button ${key}`);
    const [name, ...words] = HELP_BUTTONS[key as HelpButton].line;
    const subcommand = findSubcommand(name);
    if (!subcommand) throw new Error(`help button ${key} names no subcommand`);
    ctx.what = subcommand.name;
    await ctx.require('view', ctx.here, 'use migrate-bot');
    await subcommand.execute(ctx, [...words], false);
  });
}
