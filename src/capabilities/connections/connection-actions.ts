import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
  StaticSelectAction,
} from '@slack/bolt';
import { z } from 'zod';
import { WORKSPACE } from '../../access/policy.js';
import type { ListenerRoutes } from '../../contract/listeners.js';
import { InvalidInputError, NotFoundError } from '../../errors.js';
import { code, section } from '../../slack/blocks/mrkdwn.js';
import { buttonHandler } from '../../slack/button-handler.js';
import { CONNECTION_WORD } from '../../slack/command-text.js';
import type { AppDeps } from '../../slack/context.js';
import { decodeConnectMetadata } from '../../slack/create-forms/metadata.js';
import { parseJsonOrUndefined } from '../../store/open-atomic-kv.js';
import { CONNECT_CALLBACK_ID, CONNECT_FORM_ACTION, connectModal } from './connection-form.js';
import { choiceFrom, type StateValues } from './connection-form-fields.js';
import { DISCONNECT_ACTION } from './connection-list.js';
import { refuseFileConnection } from './disconnect-command.js';
import { fixKeysButton } from './fix-keys-button.js';
import { CONNECTION_WORDS, own } from './words.js';

type SelectArgs = SlackActionMiddlewareArgs<BlockAction<StaticSelectAction>> & AllMiddlewareArgs;

/** The Disconnect button carries only the connection's name; the workspace comes from the signed payload. */
const disconnectValueSchema = z.object({ n: z.string().regex(CONNECTION_WORD) });

export function register(routes: ListenerRoutes, deps: AppDeps): void {
  routes.action<BlockAction<ButtonAction>>(DISCONNECT_ACTION, disconnectButton(deps));
  routes.action<BlockAction<ButtonAction>>('connection.fix', fixKeysButton(deps));
  routes.action<BlockAction<StaticSelectAction>>(
    { action_id: CONNECT_FORM_ACTION, type: 'block_actions' },
    connectFormChanged(deps),
  );
}

/** Disconnect (the confirm dialog already ran on the client): removes a connection added from Slack. */
export function disconnectButton(deps: AppDeps) {
  return buttonHandler(async (ctx, args) => {
    const parsed = disconnectValueSchema.safeParse(parseJsonOrUndefined(args.action.value));
    if (!parsed.success) throw InvalidInputError.of('error.oldButton');
    const name = parsed.data.n;
    await ctx.require('manage', WORKSPACE, 'remove connections');
    refuseFileConnection(ctx, name);
    const store = deps.connections.store;
    await ctx.audited('disconnect', name, async () => {
      const removed = (await store?.remove(ctx.teamId, name)) ?? false;
      if (!removed) {
        throw NotFoundError.in(CONNECTION_WORDS, 'disconnect.error.notStored', { name });
      }
    });
    deps.connections.invalidate(ctx.teamId);
    await deps.connections.sync(ctx.teamId, { force: true });
    ctx.logger.info({ connection: name }, 'connection removed');
    // The prompt answered only the admin who typed the command: their language.
    const tr = await ctx.translator('person');
    const text = own(tr).t('disconnect.done', {
      name: code(name),
      who: `<@${ctx.userId}>`,
      op: code(ctx.opId),
    });
    await ctx.reply({
      text,
      blocks: [section(text)],
      replaceOriginal: true,
    });
  });
}

/** Provider or sign-in method changed in the connect modal: redraw it for that choice (what was typed stays). */
export function connectFormChanged(deps: AppDeps) {
  return async ({ ack, body, client, logger }: SelectArgs): Promise<void> => {
    await ack();
    const view = body.view;
    if (!view || view.callback_id !== CONNECT_CALLBACK_ID) return;
    const teamId = body.team?.id ?? body.user.team_id ?? view.team_id;
    try {
      // The connect modal is an admin's: its redraws are asked of the policy like its submission.
      await deps.access.require({ teamId, userId: body.user.id }, 'manage', WORKSPACE, 'add connections');
    } catch (error) {
      logger.info(error);
      return;
    }
    const tr = await deps.slack.locales.translatorForUser(teamId, body.user.id);
    const next = connectModal(
      choiceFrom(view.state.values as StateValues),
      decodeConnectMetadata(view.private_metadata),
      { tr },
    );
    try {
      await deps.slack.sender.to(teamId, { client }).updateView(view.id, next, view.hash);
    } catch (error) {
      // hash_conflict: another change redrew the modal first; that redraw wins.
      logger.warn(error);
    }
  };
}
