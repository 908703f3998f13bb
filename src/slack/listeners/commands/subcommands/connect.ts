import { WORKSPACE } from '../../../../access/policy.js';
import { ConfigError, InvalidInputError, localized } from '../../../../errors.js';
import type { ProviderId } from '../../../../providers/provider-ids.js';
import { isProviderId, PROVIDER_IDS, providerDefinitions } from '../../../../providers/registry.js';
import { refuseShare } from '../../../command-text.js';
import { connectModal } from '../../../connection-form.js';
import { defaultChoice } from '../../../connection-form-fields.js';
import { defineSubcommand } from '../subcommand.js';

/** A provider id, or a word people type for one (each provider's `aliases`). */
function providerFor(word: string): ProviderId | undefined {
  if (isProviderId(word)) return word;
  return providerDefinitions().find((d) => d.aliases?.includes(word))?.id;
}

/** `huawei-oms, ncp or upcloud` */
function providerList(): string {
  return PROVIDER_IDS.length > 1
    ? `${PROVIDER_IDS.slice(0, -1).join(', ')} or ${PROVIDER_IDS.at(-1)}`
    : PROVIDER_IDS.join('');
}

/** `/migrate connect [provider]`: opens the add-a-connection modal (admins). */
export const connectCommand = defineSubcommand<{ provider?: ProviderId }>({
  name: 'connect',
  needs: 'manage',
  usage: `/migrate connect [${PROVIDER_IDS.join('|')}]`,
  summary:
    'Admins: a form to add a connection; it is tested before it is saved and its secrets are stored encrypted.',
  parse: (args, share) => {
    refuseShare('connect', share);
    if (args.length > 1)
      throw localized(
        new InvalidInputError(`\`/migrate connect\` takes at most a provider: ${providerList()}.`),
        'connect.error.args',
        { first: PROVIDER_IDS.slice(0, -1).join(', '), last: PROVIDER_IDS.at(-1) ?? '' },
      );
    const word = args[0]?.toLowerCase();
    if (word === undefined) return {};
    const provider = providerFor(word);
    if (!provider) {
      throw localized(
        new InvalidInputError(
          `Unknown provider "${word.slice(0, 30)}": use one of ${PROVIDER_IDS.join(', ')}, or none to choose in the form.`,
        ),
        'connect.error.provider',
        { typed: word.slice(0, 30), providers: PROVIDER_IDS.join(', ') },
      );
    }
    return { provider };
  },
  async run(ctx, { provider }) {
    await ctx.require('manage', WORKSPACE, 'add connections');
    if (!ctx.deps.connections.store?.enabled) {
      throw localized(
        new ConfigError(
          'This bot cannot store connections yet: whoever runs it sets MIGRATE_BOT_ENCRYPTION_KEYS (see README → Configuration), ' +
            'or adds the connection to the connections file.',
        ),
        'connect.refusal.noKeyYet',
      );
    }
    if (!ctx.triggerId) {
      throw localized(
        new InvalidInputError(
          'Slack did not send what is needed to open a form; run `/migrate connect` again.',
        ),
        'connect.error.trigger',
      );
    }
    // A modal follows the person who opened it.
    const tr = await ctx.translator('person');
    const view = connectModal(defaultChoice(provider), { channel: ctx.channelId }, { tr });
    try {
      await ctx.deps.sender.to(ctx.teamId).openView(ctx.triggerId, view);
    } catch (error) {
      ctx.logger.warn({ err: error }, 'could not open the connect modal');
      throw localized(
        new InvalidInputError(
          'The form could not be opened (Slack allows 3 seconds after the command); run `/migrate connect` again.',
        ),
        'connect.error.late',
      );
    }
    ctx.logger.info({ provider: provider ?? 'choose' }, 'connect modal opened');
  },
});
