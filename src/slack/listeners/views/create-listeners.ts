import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackViewMiddlewareArgs,
  StaticSelectAction,
  ViewSubmitAction,
} from '@slack/bolt';
import type { PlainTextOption } from '@slack/types';
import { z } from 'zod';
import { channelScope } from '../../../access/policy.js';
import { explainForDisplay } from '../../../catalogue/explain.js';
import { asAppError, ForbiddenError, ProviderError } from '../../../errors.js';
import { ENGLISH, type Translator } from '../../../i18n/translator.js';
import { createTarget } from '../../../providers/registry.js';
import { withTimeout } from '../../../providers/with-timeout.js';
import {
  type CreateChoice,
  choiceValue,
  errorText,
  loadingModal,
  messageModal,
} from '../../blocks/create/flow-modals.js';
import {
  ACTION_PREFIX,
  CREATE_CALLBACKS,
  option,
  RESULT_CHANNEL_FIELD,
} from '../../blocks/create/modal-kit.js';
import { NOTE_VALUE_PREFIX } from '../../blocks/create/render-form.js';
import { truncate } from '../../blocks/mrkdwn.js';
import { type AppDeps, handlerContextOf, inChannel, requestDone } from '../../context.js';
import { requestFromForm } from '../../create-forms/index.js';
import { decodeFormMetadata, decodePickerMetadata, type FormMetadata } from '../../create-forms/metadata.js';
import { errorsForBlocks, readForm } from '../../create-forms/view-state.js';
import { runSafely } from '../../intake/run-safely.js';
import {
  createChoices,
  fillLoadedForm,
  immediateForm,
  loadedForm,
  type Requester,
  viewerTranslator,
} from './create-flow.js';
import { formRefusal } from './form-precheck.js';

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type SuggestionArgs = SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs;
type SelectArgs = SlackActionMiddlewareArgs<BlockAction<StaticSelectAction>> & AllMiddlewareArgs;

/** Slack waits 3 s for a view submission's answer: a provider's form check gets at most this much. */
const FORM_CHECK_BUDGET_MS = 2_500;
/** …and a block_suggestion's: the bucket list gets at most this much. */
const BUCKET_LIST_BUDGET_MS = 2_500;

const who = z.object({
  team: z.object({ id: z.string().min(1) }).nullish(),
  user: z.object({ id: z.string().min(1), team_id: z.string().optional() }),
});

/** Answers a submission by replacing the modal with what went wrong. */
function showError(deps: AppDeps, teamId: string, ack: SubmitArgs['ack'], error: unknown, tr: Translator) {
  const view = messageModal(tr.t('create.title'), errorText(error, tr), tr);
  return deps.slack.sender.to(teamId).ack(ack, { response_action: 'update', view });
}

function teamOf(body: unknown): { teamId: string; userId: string } {
  const parsed = who.parse(body);
  return { teamId: parsed.team?.id ?? parsed.user.team_id ?? '', userId: parsed.user.id };
}

/** Step one when several connections could be meant: the choice opens that form in the same modal. */
export function pickSubmission(deps: AppDeps) {
  return async ({ ack, body, view, context }: SubmitArgs): Promise<void> => {
    const { teamId, userId } = teamOf(body);
    const tr = await viewerTranslator(deps, teamId, userId);
    let meta: ReturnType<typeof decodePickerMetadata>;
    try {
      meta = decodePickerMetadata(view.private_metadata);
    } catch (error) {
      return showError(deps, teamId, ack, error, tr);
    }
    const zone = await deps.settings.zone(teamId);
    const requester: Requester = {
      teamId,
      userId,
      channelId: meta.channel,
      tr,
      zone,
      ...(meta.values ? { values: meta.values } : {}),
    };
    const ctx = inChannel(handlerContextOf(context), requester.channelId);
    const { values } = readForm(view.state);
    let choice: CreateChoice | undefined;
    try {
      await ctx.require('create', ctx.here, 'ask for new migrations');
      choice = createChoices(deps.connections.forTeam(teamId), []).find(
        (c) => choiceValue(c) === values.target,
      );
    } catch (error) {
      return showError(deps, teamId, ack, error, tr);
    }
    if (!choice) {
      await deps.slack.sender.to(teamId).ack(ack, {
        response_action: 'errors',
        errors: { target: tr.t('create.error.gone') },
      });
      return;
    }
    const connection = deps.connections.get(teamId, choice.connection);
    const immediate = immediateForm(deps, connection, choice, requester);
    if (immediate) {
      await deps.slack.sender.to(teamId).ack(ack, { response_action: 'update', view: immediate });
      return;
    }
    await deps.slack.sender.to(teamId).ack(ack, {
      response_action: 'update',
      view: loadingModal(choice.target, tr),
    });
    const slack = deps.slack.sender.to(teamId);
    await fillLoadedForm(deps, slack, { viewId: view.id }, connection, choice, requester, ctx.logger);
  };
}

/**
 * Submission of a create form: field errors inline (`response_action: "errors"`, one message per
 * invalid field), then the provider's own check (OMS: the prefixes exist in the source bucket), then the modal closes and the request
 * goes to the approvals channel.
 */
export function formSubmission(deps: AppDeps) {
  return async ({ ack, body, view, context }: SubmitArgs): Promise<void> => {
    const { teamId, userId } = teamOf(body);
    const tr = await viewerTranslator(deps, teamId, userId);
    let meta: FormMetadata;
    try {
      meta = decodeFormMetadata(view.private_metadata);
      if (meta.requester !== userId) throw ForbiddenError.of('create.error.notYours');
    } catch (error) {
      return showError(deps, teamId, ack, error, tr);
    }
    const { values, blockIds } = readForm(view.state);
    const channelId = meta.channel ?? values[RESULT_CHANNEL_FIELD];
    const ctx = inChannel(handlerContextOf(context), channelId);
    ctx.what = CREATE_CALLBACKS.form;
    try {
      await ctx.require('create', ctx.here, 'ask for new migrations');
    } catch (error) {
      requestDone(ctx, 'refused');
      return showError(deps, teamId, ack, error, tr);
    }
    const result = requestFromForm(meta.provider, meta.kind, values, tr);
    // The capabilities' own fields (a start time), refused with the provider's in one answer.
    const form = { zone: await deps.settings.zone(teamId), now: deps.clock.now(), tr };
    const added = deps.capabilities.readCreate(values, form);
    const errors = { ...(result.ok ? {} : result.errors), ...added.errors };
    if (!channelId) errors[RESULT_CHANNEL_FIELD] = tr.t('create.error.channel');
    if (result.ok && Object.keys(errors).length === 0) {
      Object.assign(errors, await providerCheck(deps, teamId, meta, result.request, tr));
    }
    if (!result.ok || Object.keys(errors).length > 0) {
      ctx.logger.info({ fields: Object.keys(errors) }, 'create form refused');
      requestDone(ctx, 'refused');
      await deps.slack.sender
        .to(teamId)
        .ack(ack, { response_action: 'errors', errors: errorsForBlocks(errors, blockIds) });
      return;
    }
    // A capability's fields filled (a plan): it takes the request instead (refused at its fields, or kept).
    const taken = await deps.capabilities.takeCreate({
      ctx,
      values,
      connection: meta.connection,
      provider: meta.provider,
      kind: meta.kind,
      request: result.request,
      channel: channelId!,
    });
    if (taken && 'errors' in taken) {
      requestDone(ctx, 'refused');
      await deps.slack.sender
        .to(teamId)
        .ack(ack, { response_action: 'errors', errors: errorsForBlocks(taken.errors, blockIds) });
      return;
    }
    // A guardrail the values alone decide (a region, a ticket, a freeze): the form stays open with
    // what was typed, the refusal at its field, and nothing is asked.
    const refused = taken
      ? undefined
      : await formRefusal(
          deps,
          { teamId, userId, channel: channelId! },
          meta,
          { request: result.request, startAt: added.request.startAt, fields: Object.keys(blockIds) },
          tr,
        );
    if (refused) {
      requestDone(ctx, 'refused');
      await deps.audit
        .record({
          team: teamId,
          user: userId,
          channel: channelId,
          action: 'create.request',
          target: `create:${meta.connection}`,
          result: 'refused',
          detail: `guardrail ${refused.rule} (at the form)`,
          op: ctx.opId,
        })
        .catch(() => undefined);
      await deps.slack.sender
        .to(teamId)
        .ack(ack, { response_action: 'errors', errors: errorsForBlocks(refused.errors, blockIds) });
      return;
    }
    await ack();
    if (taken) return runSafely(ctx, () => taken.run());
    await runSafely(ctx, async () => {
      await deps.capabilities.approvals().request({
        team: teamId,
        requester: userId,
        channel: channelId!,
        connection: meta.connection,
        kind: meta.kind,
        request: result.request,
        op: ctx.opId,
        ...added.request,
      });
    });
  };
}

/**
 * The form's provider check (`check` in its definition), bounded; each problem at its field, in the
 * reader's words, scrubbed of secrets.
 */
export async function providerCheck(
  deps: AppDeps,
  teamId: string,
  meta: FormMetadata,
  request: Record<string, unknown>,
  tr: Translator = ENGLISH,
): Promise<Record<string, string>> {
  const form = createTarget(meta.provider, meta.kind);
  if (!form.check) return {};
  const provider = deps.connections.provider(deps.connections.get(teamId, meta.connection), 'interactive');
  const say = (key: string, values?: Record<string, string | number>) =>
    tr.has(key) ? tr.t(key, values) : key;
  const problems = await withTimeout(
    form.check(provider, request, say),
    FORM_CHECK_BUDGET_MS,
    'the provider did not answer in time',
  ).catch((error: unknown) => ({ [Object.keys(form.labels)[0]!]: errorText(error, tr) }));
  return Object.fromEntries(
    Object.entries(problems).map(([k, v]) => [k, deps.secrets.forTeam(teamId).text(v)]),
  );
}

/**
 * Options for a form's `bucket` item (`external_select`): the provider's `listSourceBuckets` with the
 * connection's source keys, where the form's `bucketQuery` says, filtered by what was typed. Slack
 * waits 3 s; a failure is shown as a single option saying why.
 */
export function bucketSuggestions(deps: AppDeps) {
  return async ({ ack, body }: SuggestionArgs): Promise<void> => {
    const answer = (options: PlainTextOption[]) => ack({ options });
    let teamId: string | undefined;
    let tr: Translator = ENGLISH;
    // Masked before it is cut short, so no part of a secret is left.
    const fail = (reason: string) =>
      answer([
        option(
          tr.t('create.error.buckets', { reason: truncate(deps.secrets.forTeam(teamId).text(reason), 60) }),
          `${NOTE_VALUE_PREFIX}error`,
        )!,
      ]);
    try {
      const who = teamOf(body);
      teamId = who.teamId;
      const { userId } = who;
      tr = await viewerTranslator(deps, teamId, userId);
      const meta = decodeFormMetadata(body.view?.private_metadata);
      const { values } = readForm(body.view?.state);
      const where = createTarget(meta.provider, meta.kind).bucketQuery?.(values) ?? {
        ok: false as const,
        message: tr.t('create.error.noBuckets'),
      };
      if (!where.ok) {
        await answer([option(where.message, `${NOTE_VALUE_PREFIX}none`)!]);
        return;
      }
      await deps.access.require({ teamId, userId }, 'create', channelScope(meta.channel), 'list buckets');
      const provider = deps.connections.provider(
        deps.connections.get(teamId, meta.connection),
        'interactive',
      );
      if (!provider.listSourceBuckets) {
        await fail(tr.t('create.error.cannotList', { provider: provider.id }));
        return;
      }
      const buckets = await withTimeout(
        provider.listSourceBuckets(where.query),
        BUCKET_LIST_BUDGET_MS,
        'the provider did not answer in time',
      );
      const query = body.value.trim().toLowerCase();
      const matching = buckets
        .filter((b) => b.toLowerCase().includes(query))
        .map((b) => option(b, b))
        .filter((o): o is PlainTextOption => o !== undefined)
        .slice(0, 100);
      await answer(matching);
    } catch (error) {
      const e = asAppError(error);
      deps.logger.info({ err: error, code: e.code }, 'bucket suggestions failed');
      const explained =
        e instanceof ProviderError && e.errorCode ? explainForDisplay(e.errorCode, e.httpStatus) : undefined;
      await fail(explained?.known ? explained.title : e.message);
    }
  };
}

/**
 * A select the form redraws on (`redraw` in its definition) changed: redraw the form with the new
 * choice, keeping what was typed and dropping the fields that depended on the old one.
 */
export function formRedraw(deps: AppDeps) {
  return async ({ ack, body }: SelectArgs): Promise<void> => {
    await ack();
    const view = body.view;
    if (!view) return;
    const { teamId, userId } = teamOf(body);
    const logger = deps.logger.child({ team: teamId, user: userId, surface: 'view' });
    try {
      const meta = decodeFormMetadata(view.private_metadata);
      // A redraw reads the provider (regions, buckets): only someone who may ask for migrations there.
      await deps.access.require(
        { teamId, userId },
        'create',
        channelScope(meta.channel),
        'ask for new migrations',
      );
      const { values } = readForm(view.state);
      const action = body.actions[0];
      const field = action?.action_id.slice(ACTION_PREFIX.length) ?? '';
      const connection = deps.connections.get(teamId, meta.connection);
      const choice = createChoices([connection], [meta.kind])[0]!;
      const who = {
        teamId,
        userId,
        channelId: meta.channel,
        tr: await viewerTranslator(deps, teamId, userId),
      };
      const redraw = choice.target
        .items({ connection, data: undefined, values })
        .find((item) => item.type === 'select' && item.field === field && item.redraw);
      if (redraw?.type !== 'select' || !redraw.redraw) return;
      const kept: Record<string, string | undefined> = {
        ...values,
        [field]: action?.selected_option?.value ?? values[field],
      };
      for (const cleared of redraw.redraw.clears) kept[cleared] = undefined;
      const next = await loadedForm(deps, connection, choice, who, kept);
      await deps.slack.sender.to(teamId).updateView(view.id, next, view.hash);
    } catch (error) {
      logger.info({ err: error }, 'create form not redrawn');
    }
  };
}
