import { WORKSPACE } from '../../access/policy.js';
import { InvalidInputError } from '../../errors.js';
import { code } from '../../slack/blocks/mrkdwn.js';
import { buttonHandler } from '../../slack/button-handler.js';
import { CONNECTION_WORD } from '../../slack/command-text.js';
import type { AppDeps } from '../../slack/context.js';
import { connectModal, prefillFrom } from './connection-form.js';
import { CONNECTION_WORDS, own } from './words.js';

/**
 * "Fix connection keys" on a failure whose class is credentials (admins, in a reply only they see):
 * the connection's form again, its settings filled in, new keys typed; they are tested before they
 * replace the stored ones (`connect-submission.ts`). A connection from the connections file is
 * changed where it is configured, not from Slack.
 */
export function fixKeysButton(deps: AppDeps) {
  return buttonHandler(async (ctx, args) => {
    const name = args.action.value ?? '';
    if (!CONNECTION_WORD.test(name))
      throw InvalidInputError.in(CONNECTION_WORDS, 'connection.fixKeys.error.noName');
    await ctx.require('manage', WORKSPACE, 'fix connection keys');
    if (deps.connections.fileConnection(ctx.teamId, name))
      throw InvalidInputError.in(CONNECTION_WORDS, 'connection.fixKeys.error.file', { name: code(name) });
    await deps.connections.sync(ctx.teamId, { force: true });
    const connection = deps.connections.forTeam(ctx.teamId).find((c) => c.name === name);
    if (!connection)
      throw InvalidInputError.in(CONNECTION_WORDS, 'connect.refusal.gone', { name: code(name) });
    const triggerId = (args.body as { trigger_id?: string }).trigger_id;
    if (!triggerId) throw InvalidInputError.in(CONNECTION_WORDS, 'connection.fixKeys.error.trigger');
    const tr = await ctx.translator('person');
    const view = connectModal(
      { provider: connection.provider, auth: connection.auth.type },
      { channel: ctx.channelId, replaces: name },
      {
        prefill: prefillFrom(connection),
        notice: own(tr).t('connection.fixKeys.notice', { name: code(name) }),
        tr,
      },
    );
    await deps.slack.sender.to(ctx.teamId).openView(triggerId, view);
  });
}
