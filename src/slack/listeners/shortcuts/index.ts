import type { AllMiddlewareArgs, GlobalShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import type { ListenerRoutes } from '../../../contract/listeners.js';
import { asAppError, ErrorCode } from '../../../errors.js';
import { errorText, messageModal } from '../../blocks/create/flow-modals.js';
import { type AppDeps, createHandlerContext } from '../../context.js';
import { openCreate } from '../views/create-flow.js';

export const CREATE_SHORTCUT = 'migrate_create';

/** Global shortcuts: "New migration" opens the create flow (no channel: the form asks for one). */
export function register(routes: ListenerRoutes, deps: AppDeps): void {
  routes.shortcut<GlobalShortcut>(CREATE_SHORTCUT, createShortcut(deps));
}

export function createShortcut(deps: AppDeps) {
  return async ({ ack, shortcut }: SlackShortcutMiddlewareArgs<GlobalShortcut> & AllMiddlewareArgs) => {
    await ack();
    const teamId = shortcut.team?.id ?? shortcut.user.team_id ?? '';
    const ctx = createHandlerContext(
      deps,
      { teamId, userId: shortcut.user.id, channelId: undefined, triggerId: shortcut.trigger_id },
      async () => undefined,
      'shortcut',
    );
    const tr = await ctx.translator('person');
    try {
      await ctx.require('create', ctx.here, 'ask for new migrations');
      await openCreate(deps, { teamId, userId: ctx.userId, tr }, shortcut.trigger_id, [], ctx.logger);
    } catch (error) {
      // Nothing has used the trigger yet: a small modal says what went wrong.
      const e = asAppError(error);
      ctx.logger.info({ err: error, code: e.code }, 'create shortcut refused');
      const text =
        e.code === ErrorCode.Internal
          ? tr.t('create.error.internal', { ref: `\`${ctx.opId}\`` })
          : errorText(e, tr);
      try {
        await deps.slack.sender
          .to(teamId)
          .openView(shortcut.trigger_id, messageModal(tr.t('create.title'), `:no_entry: ${text}`, tr));
      } catch (openError) {
        ctx.logger.warn({ err: openError }, 'could not show the shortcut error');
      }
    }
  };
}
