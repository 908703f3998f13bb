import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { WORKSPACE } from '../../access/policy.js';
import type { Connection } from '../../connections/connection.js';
import type { HandlerContext } from '../../contract/handler-context.js';
import type { ListenerRoutes } from '../../contract/listeners.js';
import { AppError, asAppError, ErrorCode } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import type { Masker } from '../../secrets.js';
import { errorWords } from '../../slack/blocks/error-message.js';
import { code, escapeMrkdwn } from '../../slack/blocks/mrkdwn.js';
import { type AppDeps, createHandlerContext } from '../../slack/context.js';
import { type ConnectMetadata, decodeConnectMetadata } from '../../slack/create-forms/metadata.js';
import type { TeamSender } from '../../slack/sender.js';
import { checkErrors } from './connection-check-errors.js';
import { CONNECT_CALLBACK_ID, connectModal, messageModal, secretBlockIds } from './connection-form.js';
import { BLOCK, choiceFrom, type StateValues } from './connection-form-fields.js';
import { parseConnectForm } from './connection-form-parse.js';
import { describeConnection } from './connection-list.js';
import { own } from './words.js';

/**
 * Slack waits 3 s for the ack, counted from when it sent the request: the check gets what is left
 * of 2 s after the listener started, leaving a second for the network, Bolt and saving.
 */
const CHECK_BUDGET_MS = 2_000;
/** A check still running after the ack is given this long before the modal says it failed. */
const SLOW_CHECK_LIMIT_MS = 30_000;

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * Blocks whose values are secrets (as the providers declare them). What is typed there is masked in
 * this submission's own answers (never echoed back), and becomes a masking rule of the workspace
 * only once the connection is saved.
 */
const secretBlocks = (): readonly string[] => secretBlockIds();

export function register(routes: ListenerRoutes, deps: AppDeps): void {
  routes.view<ViewSubmitAction>(CONNECT_CALLBACK_ID, connectSubmission(deps));
}

/**
 * Submission of the `/migrate connect` modal: validate (inline errors), test the connection with a
 * cheap read, then store it encrypted and audit it. A check that outlasts the ack budget is
 * finished after the ack, and the modal is updated with the outcome.
 */
export function connectSubmission(deps: AppDeps) {
  return async ({ ack, body, view, client }: SubmitArgs): Promise<void> => {
    // A real call's duration, raced with a real timer: the monotonic clock, not the bot's.
    const started = performance.now();
    const values = view.state.values as StateValues;
    const teamId = body.team?.id ?? body.user.team_id ?? view.team_id;
    const masker = deps.secrets.forTeam(teamId).with(typedSecrets(values));
    // What was typed is masked in this answer too: a refused secret is never echoed back.
    const slack = deps.slack.sender.to(teamId, { client, alsoMask: typedSecrets(values) });
    const meta = decodeConnectMetadata(view.private_metadata);
    const ctx = createHandlerContext(
      deps,
      { teamId, userId: body.user.id, channelId: meta.channel },
      async () => undefined,
      'view',
    );
    const answer = (response: Parameters<SubmitArgs['ack']>[0]) => slack.ack(ack, response);
    const errors = (map: Record<string, string>) =>
      answer({ response_action: 'errors', errors: truncateErrors(map) });
    // Only the admin who typed reads these: their language.
    const tr = await ctx.translator('person');

    try {
      await ctx.require('manage', WORKSPACE, meta.replaces ? 'fix connection keys' : 'add connections');
    } catch (error) {
      await errors({ [BLOCK.name]: errorWords(asAppError(error), tr) });
      return;
    }
    const parsed = parseConnectForm(values, teamId, deps.config.allowedEndpoints, tr);
    if (!parsed.ok) {
      ctx.logger.info({ fields: Object.keys(parsed.errors) }, 'connect form refused');
      await errors(parsed.errors);
      return;
    }
    const { connection } = parsed;
    const refusal = meta.replaces
      ? await replaceProblem(deps, teamId, meta.replaces, connection.name, tr)
      : await nameOrStoreProblem(deps, teamId, connection.name, tr);
    if (refusal) {
      await errors({ [BLOCK.name]: refusal });
      return;
    }

    const check = runCheck(deps, connection);
    const early = await Promise.race([
      check,
      sleep(Math.max(0, CHECK_BUDGET_MS - (performance.now() - started))),
    ]);
    if (early !== undefined) {
      if (early.ok) await answer({ response_action: 'update', view: await save(ctx, connection, meta, tr) });
      else {
        await recordFailedCheck(ctx, masker, connection, early.error);
        await errors(checkErrors(connection, early.error, tr));
      }
      return;
    }

    // Slow provider: ack now with a "testing" modal, finish with views.update.
    await answer({
      response_action: 'update',
      view: messageModal(
        own(tr).t('connect.testing.title'),
        own(tr).t('connect.testing.text', {
          name: code(connection.name),
          host: code(new URL(connection.endpoint).host),
        }),
        meta,
        tr,
      ),
    });
    const late = (await Promise.race([check, sleep(SLOW_CHECK_LIMIT_MS)])) ?? {
      ok: false as const,
      error: new AppError(
        ErrorCode.ProviderUnavailable,
        `no answer within ${SLOW_CHECK_LIMIT_MS / 1000} s from ${new URL(connection.endpoint).host}`,
      ),
    };
    let next: ModalView;
    if (late.ok) next = await save(ctx, connection, meta, tr);
    else {
      await recordFailedCheck(ctx, masker, connection, late.error);
      const problems = Object.values(checkErrors(connection, late.error, tr));
      next = connectModal(choiceFrom(values), meta, {
        tr,
        prefill: parsed.prefill,
        notice: own(tr).t('connect.testFailed', { problems: escapeMrkdwn(problems.join(' ')) }),
      });
    }
    await updateView(slack, view.id, next, ctx);
  };
}

function typedSecrets(values: StateValues): string[] {
  const typed: string[] = [];
  const blocks = secretBlocks();
  for (const [id, elements] of Object.entries(values ?? {})) {
    if (!blocks.some((b) => id === b) || !elements || typeof elements !== 'object') continue;
    for (const element of Object.values(elements)) {
      const value = typeof element?.value === 'string' ? element.value.trim() : undefined;
      if (value) typed.push(value);
    }
  }
  return typed;
}

/** Fixing keys keeps the name, and only a connection added from Slack can be fixed from Slack. */
async function replaceProblem(
  deps: AppDeps,
  teamId: string,
  replaces: string,
  name: string,
  tr: Translator,
): Promise<string | undefined> {
  if (name !== replaces) return own(tr).t('connect.refusal.keepName', { name: replaces });
  if (deps.connections.fileConnection(teamId, name)) return own(tr).t('connect.refusal.fileKeys', { name });
  if (!deps.connections.store?.enabled) return own(tr).t('connect.refusal.noKey');
  return (await hasConnection(deps, teamId, name)) ? undefined : own(tr).t('connect.refusal.gone', { name });
}

/** Whether the workspace has a connection by that name (working or not), as the store says now. */
async function hasConnection(deps: AppDeps, teamId: string, name: string): Promise<boolean> {
  await deps.connections.sync(teamId, { force: true });
  return (
    deps.connections.forTeam(teamId).some((c) => c.name === name) ||
    deps.connections.brokenForTeam(teamId).some((b) => b.info.name === name)
  );
}

async function nameOrStoreProblem(
  deps: AppDeps,
  teamId: string,
  name: string,
  tr: Translator,
): Promise<string | undefined> {
  if (!deps.connections.store?.enabled) return own(tr).t('connect.refusal.noKeyYet');
  if (deps.connections.fileConnection(teamId, name)) return own(tr).t('connect.refusal.fileName', { name });
  return (await hasConnection(deps, teamId, name)) ? own(tr).t('connect.refusal.taken', { name }) : undefined;
}

type CheckOutcome = { ok: true } | { ok: false; error: unknown };

function runCheck(deps: AppDeps, connection: Connection): Promise<CheckOutcome> {
  return deps.connections
    .probe(connection, 'interactive')
    .checkConnection()
    .then(
      (): CheckOutcome => ({ ok: true }),
      (error: unknown): CheckOutcome => ({ ok: false, error }),
    );
}

async function save(
  ctx: HandlerContext,
  connection: Connection,
  meta: ConnectMetadata,
  tr: Translator,
): Promise<ModalView> {
  const { deps } = ctx;
  const replace = meta.replaces !== undefined;
  try {
    await ctx.audited(replace ? 'connection.keys' : 'connect', connection.name, () =>
      deps.connections.store!.add(ctx.teamId, connection, ctx.userId, { replace }),
    );
  } catch (error) {
    const e = asAppError(error);
    ctx.logger.warn({ code: e.code, reason: e.message }, 'connection not saved');
    return messageModal(
      own(tr).t('connect.notSaved.title'),
      own(tr).t('connect.notSaved.text', { reason: escapeMrkdwn(errorWords(e, tr)) }),
      meta,
      tr,
    );
  }
  deps.connections.invalidate(ctx.teamId);
  await deps.connections.sync(ctx.teamId, { force: true });
  ctx.logger.info({ connection: connection.name, provider: connection.provider }, 'connection added');
  const added = deps.connections.forTeam(ctx.teamId).find((c) => c.name === connection.name);
  const summary = added ? describeConnection(deps.connections, added, tr) : code(connection.name);
  const said = { summary, name: connection.name };
  return replace
    ? messageModal(own(tr).t('connect.replaced.title'), own(tr).t('connect.replaced.text', said), meta, tr)
    : messageModal(own(tr).t('connect.saved.title'), own(tr).t('connect.saved.text', said), meta, tr);
}

/** The provider's answer is logged and audited with what was typed masked: it is not registered. */
async function recordFailedCheck(
  ctx: HandlerContext,
  masker: Masker,
  connection: Connection,
  error: unknown,
): Promise<void> {
  const e = asAppError(error);
  const reason = masker.text(e.message);
  ctx.logger.info({ connection: connection.name, code: e.code, reason }, 'connection test failed');
  await ctx.deps.audit
    .record({
      team: ctx.teamId,
      user: ctx.userId,
      channel: ctx.channelId,
      action: 'connect',
      target: connection.name,
      result: 'refused',
      detail: `connection test failed: ${reason}`.slice(0, 500),
      op: ctx.opId,
    })
    .catch((auditError: unknown) => ctx.logger.error({ err: auditError }, 'audit record failed'));
}

function truncateErrors(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map).map(([k, v]) => [k, v.length > 300 ? `${v.slice(0, 299)}…` : v]),
  );
}

async function updateView(
  slack: TeamSender,
  viewId: string,
  view: ModalView,
  ctx: HandlerContext,
): Promise<void> {
  try {
    await slack.updateView(viewId, view);
  } catch (error) {
    ctx.logger.error({ err: error }, 'could not update the connect modal');
  }
}

function sleep(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
