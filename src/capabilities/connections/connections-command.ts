import { explainForDisplay } from '../../catalogue/explain.js';
import type { Connection } from '../../connections/connection.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import { defineSubcommand } from '../../contract/subcommand.js';
import { asAppError, InvalidInputError, ProviderError } from '../../errors.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import { type AbsentKind, type Health, renderConnectionList } from './connection-list.js';
import { CONNECTION_WORDS, own } from './words.js';

/** Each connection's check gets this long; they all run at once. */
const HEALTH_TIMEOUT_MS = 5_000;

/** Runs every connection's cheap read in parallel, each bounded by a timeout. */
export async function connectionHealth(
  ctx: HandlerContext,
  connections: Connection[],
  tr: Translator = ENGLISH,
): Promise<Map<string, Health>> {
  const results = await Promise.all(
    connections.map(async (c): Promise<[string, Health]> => {
      // How long a real call took: the monotonic clock, not the bot's.
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), HEALTH_TIMEOUT_MS);
      });
      try {
        const outcome = await Promise.race([
          ctx.deps.connections.provider(c, 'interactive').checkConnection(),
          timeout,
        ]);
        if (outcome === 'timeout') return [c.name, { state: 'timeout', seconds: HEALTH_TIMEOUT_MS / 1000 }];
        return [c.name, { state: 'ok', ms: Math.round(performance.now() - started) }];
      } catch (error) {
        return [c.name, healthOfError(error, tr)];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return new Map(results);
}

/** Kinds each connection was found not to offer (learned by lookups, lists and the watcher). */
async function kindsNotOffered(
  ctx: HandlerContext,
  connections: Connection[],
): Promise<Map<string, AbsentKind[]>> {
  const entries = await Promise.all(
    connections.map(async (c): Promise<[string, AbsentKind[]]> => {
      const kinds = ctx.deps.connections.provider(c, 'interactive').kinds;
      const absent = await ctx.deps.resources.resolver.offering.notOffered(c, kinds);
      return [c.name, [...absent].map(([kind, checkedAt]) => ({ kind, checkedAt }))];
    }),
  );
  return new Map(entries);
}

/** What went wrong, in the reader's words around the provider's own code and message (never translated). */
function healthOfError(error: unknown, tr: Translator): Health {
  const e = asAppError(error);
  if (!(e instanceof ProviderError)) return { state: 'error', summary: e.message.slice(0, 300) };
  const parts = [
    e.httpStatus ? `HTTP ${e.httpStatus}` : tr.t('conn.health.noAnswer'),
    e.errorCode,
    e.errorMessage,
  ].filter(Boolean);
  const explained = e.errorCode ? explainForDisplay(e.errorCode, e.httpStatus, tr.locale) : undefined;
  return {
    state: 'error',
    summary: parts.join(' · ').slice(0, 300),
    explanation: explained?.known
      ? [
          explained.description,
          explained.solution ? own(tr).t('connection.health.fix', { fix: explained.solution }) : undefined,
        ]
          .filter(Boolean)
          .join(' ')
          .slice(0, 600)
      : e.code === 'provider_auth'
        ? own(tr).t('connection.health.rejected')
        : undefined,
  };
}

/** `/migrate connections`: this workspace's connections, where they come from, and whether they answer. */
export const connectionsCommand = defineSubcommand<{ share: boolean }>({
  name: 'connections',
  needs: 'view',
  aliases: ['conns'],
  usage: '/migrate connections',
  summary: CONNECTION_WORDS.en['help.summary.connections'],
  words: CONNECTION_WORDS,
  example: () => '/migrate connections',
  related: ['connect', 'disconnect', 'list'],
  parse: (args, share) => {
    if (args.length > 0) throw InvalidInputError.in(CONNECTION_WORDS, 'connections.error.args');
    return { share };
  },
  async run(ctx, { share }) {
    await ctx.require('view', ctx.here, 'see connections');
    await ctx.deps.connections.sync(ctx.teamId);
    const connections = ctx.deps.connections.forTeam(ctx.teamId);
    // Shared in the channel: the channel's language; otherwise only the person who asked reads it.
    const tr = await ctx.translator(share ? 'channel' : 'person');
    const [health, absent] = await Promise.all([
      connectionHealth(ctx, connections, tr),
      kindsNotOffered(ctx, connections),
    ]);
    await ctx.reply({
      ...renderConnectionList(ctx.deps.connections, ctx.teamId, health, absent, tr),
      share,
    });
  },
});
