import { randomUUID } from 'node:crypto';
import type { Context } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { AccessControl } from '../access/access-control.js';
import { channelScope, describeScope } from '../access/policy.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { ConnectionRegistry } from '../connections/connection-registry.js';
import type { HandlerContext, Reply } from '../contract/handler-context.js';
import type { StartedCapabilities } from '../contract/started.js';
import { AppError, ErrorCode, isRefusal } from '../errors.js';
import type { Translator } from '../i18n/translator.js';
import type { Logger } from '../logger.js';
import type { BotMetrics, RequestOutcome } from '../metrics/metrics.js';
import { enterRequest } from '../request-scope.js';
import type { SecretRegistry } from '../secrets.js';
import type { SettingsStore } from '../settings/workspace-settings.js';
import type { Store } from '../store/create-store.js';
import type { ResourceServices } from '../use-cases/context.js';
import type { Departures } from '../use-cases/departures.js';
import type { Watcher } from '../watcher/watcher.js';
import type { Drain } from './intake/drain.js';
import type { InboundDedupe } from './intake/inbound-dedupe.js';
import type { InteractiveBudget } from './intake/interactive-budget.js';
import type { SlackLocales } from './locales.js';
import type { SlackSender } from './sender.js';
import type { SlackClients } from './slack-clients.js';

/** Everything listeners need, built once in `bot.ts`. */
export interface AppDeps {
  config: Config;
  /** The bot's one clock (`src/clock.ts`): the watcher's, approvals', the directory's, every stamp. */
  clock: Clock;
  logger: Logger;
  store: Store;
  connections: ConnectionRegistry;
  /** Finding resources, and who last acted on each. */
  resources: ResourceServices;
  secrets: SecretRegistry;
  access: AccessControl;
  audit: AuditLog;
  settings: SettingsStore;
  /** The bot's side of each workspace's Slack: clients, the one door out, languages, uninstalls. */
  slack: SlackSide;
  watcher: Watcher;
  /** How Slack requests come in: dropped when seen before, timed, and drained on SIGTERM. */
  intake: Intake;
  /** Prometheus metrics (`/metrics`). */
  metrics: BotMetrics;
  /** The bot's capabilities, started (`src/capabilities/`): their subcommands, listeners and state. */
  capabilities: StartedCapabilities;
}

/** `AppDeps.slack`: what the bot holds of each workspace's Slack. */
export interface SlackSide {
  /** A Web API client per workspace, from its installation (OAuth) or the bot token. */
  clients: SlackClients;
  /** The one door to Slack: every post, update, ephemeral, DM, view and reply, always scrubbed. */
  sender: SlackSender;
  /** Who reads in which language. */
  locales: SlackLocales;
  /**
   * Uninstalls: a tombstone at once, then the workspace's data and installation deleted, retried
   * until done (ADR 0010).
   */
  departures: Departures;
}

/** `AppDeps.intake`: the way every Slack request comes in, before and around its listener. */
export interface Intake {
  /** Drops a Slack request seen before, on any replica, before any listener runs. */
  inbound: InboundDedupe;
  /** The SIGTERM drain: readiness, requests in flight, and the deadline that makes them give up. */
  drain: Drain;
  /** Time budget of commands and buttons; `INTERACTIVE_BUDGET` unless a test shortens it. */
  budget?: InteractiveBudget;
}

type RespondFn = (message: Record<string, unknown>) => Promise<unknown>;

export function createHandlerContext(
  deps: AppDeps,
  who: { teamId: string; userId: string; channelId: string | undefined; triggerId?: string; what?: string },
  respond: RespondFn,
  surface: string,
): HandlerContext {
  const startedAt = performance.now();
  // 8 random hex digits; randomUUID draws from a cached pool, where randomBytes asks the OS each time.
  const opId = randomUUID().slice(0, 8);
  enterRequest(opId);
  // Made when first used: most requests log only their closing line, which `requestDone` writes
  // with these same fields (a pino child copies and redacts its bindings when it is made).
  let child: Logger | undefined;
  const logger = () => {
    child ??= deps.logger.child(opFields(opId, who.teamId, who.userId, surface));
    return child;
  };
  const actor = { teamId: who.teamId, userId: who.userId };
  // Set once the policy allows a change (anything beyond `view`) in this request: `audited`
  // changes nothing before that, so a path that asked only to look cannot write.
  let allowedToChange = false;
  const translators = new Map<string, Promise<Translator>>();
  return {
    deps,
    ...who,
    opId,
    surface,
    what: who.what ?? surface,
    here: channelScope(who.channelId),
    startedAt,
    get logger() {
      return logger();
    },
    async require(capability, scope, what) {
      try {
        const role = await deps.access.require(actor, capability, scope, what);
        if (capability !== 'view') allowedToChange = true;
        return role;
      } catch (error) {
        // A refusal is a decision worth auditing, like an action.
        if (error instanceof AppError && error.code === ErrorCode.Forbidden) {
          await deps.audit
            .record({
              team: who.teamId,
              user: who.userId,
              channel: who.channelId,
              action: what,
              result: 'refused',
              detail: `needs ${capability} (${describeScope(scope)})`,
              op: opId,
            })
            .catch((auditError: unknown) => logger().error({ err: auditError }, 'audit record failed'));
        }
        throw error;
      }
    },
    async audited(action, target, work) {
      if (!allowedToChange)
        throw new AppError(ErrorCode.Internal, `"${action}" reached the audit log without a policy decision`);
      const entry = { team: who.teamId, user: who.userId, channel: who.channelId, action, target, op: opId };
      try {
        const result = await work();
        await deps.audit.record({ ...entry, result: 'ok' });
        return result;
      } catch (error) {
        const refused = isRefusal(error);
        const detail = error instanceof Error ? error.message.slice(0, 500) : String(error).slice(0, 500);
        await deps.audit
          .record({ ...entry, result: refused ? 'refused' : 'failed', detail })
          .catch((auditError: unknown) => logger().error({ err: auditError }, 'audit record failed'));
        throw error;
      }
    },
    translator(audience = 'person') {
      const locales = deps.slack.locales;
      let found = translators.get(audience);
      if (!found) {
        found =
          audience === 'channel'
            ? locales.translatorForChannel(who.teamId, who.channelId)
            : locales.translatorForUser(who.teamId, who.userId);
        translators.set(audience, found);
      }
      return found;
    },
    async reply(message) {
      const payload: Record<string, unknown> = {
        text: message.text,
        blocks: blocksBeyondText(message),
        response_type: message.share ? 'in_channel' : 'ephemeral',
      };
      if (message.replaceOriginal) payload.replace_original = true;
      await deps.slack.sender.to(who.teamId).respond(respond, payload);
    },
  };
}

/** The key under which a command's or a button's listener finds its handler context in Bolt's `context`. */
export const HANDLER_CONTEXT = 'handlerContext';

/**
 * The context of a modal's request (a submission, or a button inside it): a modal has no
 * response_url, so the answers after its ack are ephemeral messages beside the channel it was
 * opened from, and none when it names none.
 */
export function modalContext(
  deps: AppDeps,
  who: { teamId: string; userId: string; channelId?: string; what?: string },
): HandlerContext {
  const { teamId, userId, channelId, what } = who;
  return createHandlerContext(
    deps,
    { teamId, userId, channelId, what },
    async (message) => {
      if (!channelId) return;
      await deps.slack.sender.to(teamId).ephemeral({
        channel: channelId,
        user: userId,
        text: String(message.text ?? ''),
        ...(message.blocks ? { blocks: message.blocks as unknown[] } : {}),
      });
    },
    'view',
  );
}

/** The handler context the time budget (`answerInTime`, a global middleware) built for this request. */
export function handlerContextOf(context: Context): HandlerContext {
  const ctx = context[HANDLER_CONTEXT] as HandlerContext | undefined;
  if (!ctx) throw new AppError(ErrorCode.Internal, 'no handler context: is answerInTime registered?');
  return ctx;
}

/**
 * A reply's blocks, or none where its only block is a section saying what its `text` says (a
 * refusal, "No connection named …"): the answer then went out twice, as the fallback and again as
 * the block. Text alone is mrkdwn all the same and renders as that section did.
 */
function blocksBeyondText(message: Reply): KnownBlock[] | undefined {
  const [only, ...more] = message.blocks ?? [];
  const repeats =
    only?.type === 'section' &&
    more.length === 0 &&
    only.accessory === undefined &&
    only.fields === undefined &&
    only.text?.type === 'mrkdwn' &&
    only.text.text === message.text;
  return repeats ? undefined : message.blocks;
}

/**
 * The one info line per command, button and view (op, team, user and surface come from the
 * context's logger), and its metrics. `what` is a subcommand name or an action id, never user text.
 */
export function requestDone(ctx: HandlerContext, outcome: RequestOutcome): void {
  const ms = Math.round(performance.now() - ctx.startedAt);
  const { logger } = ctx.deps;
  if (logger.isLevelEnabled('info'))
    logger.info(
      { ...opFields(ctx.opId, ctx.teamId, ctx.userId, ctx.surface), what: ctx.what, outcome, ms },
      'request done',
    );
  ctx.deps.metrics.requestDone(ctx.surface, ctx.what, outcome, ms);
}

/** What every log line of a request carries. */
function opFields(op: string, team: string, user: string, surface: string) {
  return { op, team, user, surface };
}
