import { WORKSPACE } from '../../access/policy.js';
import { defineSubcommand } from '../../contract/subcommand.js';
import { ConfigError, InvalidInputError } from '../../errors.js';
import type { ProviderId } from '../../providers/provider-ids.js';
import { isProviderId, PROVIDER_IDS, providerDefinitions } from '../../providers/registry.js';
import { refuseShare } from '../../slack/command-text.js';
import { connectModal } from './connection-form.js';
import { defaultChoice } from './connection-form-fields.js';
import { CONNECTION_WORDS } from './words.js';

/** A provider id, or a word people type for one (each provider's `aliases`). */
function providerFor(word: string): ProviderId | undefined {
  if (isProviderId(word)) return word;
  return providerDefinitions().find((d) => d.aliases?.includes(word))?.id;
}

/** `/migrate connect [provider]`: opens the add-a-connection modal (admins). */
export const connectCommand = defineSubcommand<{ provider?: ProviderId }>({
  name: 'connect',
  needs: 'manage',
  usage: `/migrate connect [${PROVIDER_IDS.join('|')}]`,
  summary: CONNECTION_WORDS.en['help.summary.connect'],
  words: CONNECTION_WORDS,
  example: (f) => `/migrate connect ${f.provider()}`,
  related: ['connections', 'disconnect'],
  helpButton: 'setup',
  parse: (args, share) => {
    refuseShare('connect', share);
    if (args.length > 1)
      throw InvalidInputError.in(CONNECTION_WORDS, 'connect.error.args', {
        first: PROVIDER_IDS.slice(0, -1).join(', '),
        last: PROVIDER_IDS.at(-1) ?? '',
      });
    const word = args[0]?.toLowerCase();
    if (word === undefined) return {};
    const provider = providerFor(word);
    if (!provider) {
      throw InvalidInputError.in(CONNECTION_WORDS, 'connect.error.provider', {
        typed: word.slice(0, 30),
        providers: PROVIDER_IDS.join(', '),
      });
    }
    return { provider };
  },
  async run(ctx, { provider }) {
    await ctx.require('manage', WORKSPACE, 'add connections');
    if (!ctx.deps.connections.store?.enabled) {
      throw ConfigError.in(CONNECTION_WORDS, 'connect.refusal.noKeyYet');
    }
    if (!ctx.triggerId) {
      throw InvalidInputError.in(CONNECTION_WORDS, 'connect.error.trigger');
    }
    // A modal follows the person who opened it.
    const tr = await ctx.translator('person');
    const view = connectModal(defaultChoice(provider), { channel: ctx.channelId }, { tr });
    try {
      await ctx.deps.slack.sender.to(ctx.teamId).openView(ctx.triggerId, view);
    } catch (error) {
      ctx.logger.warn({ err: error }, 'could not open the connect modal');
      throw InvalidInputError.in(CONNECTION_WORDS, 'connect.error.late');
    }
    ctx.logger.info({ provider: provider ?? 'choose' }, 'connect modal opened');
  },
});
