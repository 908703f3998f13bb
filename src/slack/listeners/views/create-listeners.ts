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
import { explainForDisplay } from '../../../catalogue/explain.js';
import { AppError, asAppError, ErrorCode, ProviderError } from '../../../errors.js';
import { HuaweiOmsProvider } from '../../../providers/huawei-oms/index.js';
import {
  type CreateChoice,
  choiceValue,
  loadingModal,
  messageModal,
} from '../../blocks/create/flow-modals.js';
import { CREATE_CALLBACKS, option, RESULT_CHANNEL_FIELD } from '../../blocks/create/modal-kit.js';
import { truncate } from '../../blocks/mrkdwn.js';
import {
  type AppDeps,
  createHandlerContext,
  type HandlerContext,
  requestDone,
  scrubPayload,
} from '../../context.js';
import { requestFromForm } from '../../create-forms/index.js';
import { decodeFormMetadata, decodePickerMetadata, type FormMetadata } from '../../create-forms/metadata.js';
import { omsPrefixCheck } from '../../create-forms/oms-form.js';
import { errorsForBlocks, readForm } from '../../create-forms/view-state.js';
import { runSafely } from '../../run-safely.js';
import {
  createChoices,
  fillOmsForm,
  omsForm,
  type Requester,
  simpleForm,
  withTimeout,
} from './create-flow.js';

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type SuggestionArgs = SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs;
type SelectArgs = SlackActionMiddlewareArgs<BlockAction<StaticSelectAction>> & AllMiddlewareArgs;

/** Slack waits 3 s for a view submission's answer: the prefix check gets at most this much. */
const PREFIX_CHECK_BUDGET_MS = 2_000;
/** …and a block_suggestion's: the bucket list gets at most this much. */
const BUCKET_LIST_BUDGET_MS = 2_500;
/** Parallel prefix checks (OMS checks one prefix per call). */
const PREFIX_CHECK_LANES = 5;

const who = z.object({
  team: z.object({ id: z.string().min(1) }).nullish(),
  user: z.object({ id: z.string().min(1), team_id: z.string().optional() }),
});

function teamOf(body: unknown): { teamId: string; userId: string } {
  const parsed = who.parse(body);
  return { teamId: parsed.team?.id ?? parsed.user.team_id ?? '', userId: parsed.user.id };
}

/**
 * A handler context for modal interactions: they have no response_url, so answers after the ack
 * go to the user as an ephemeral message in the request channel (when one is known).
 */
function viewContext(deps: AppDeps, requester: Requester, surface: string): HandlerContext {
  return createHandlerContext(
    deps,
    { teamId: requester.teamId, userId: requester.userId, channelId: requester.channelId },
    async (message) => {
      if (!requester.channelId) return;
      const client = await deps.slackClients.forTeam(requester.teamId);
      await client.chat.postEphemeral({
        channel: requester.channelId,
        user: requester.userId,
        text: String(message.text ?? ''),
        ...(message.blocks ? { blocks: message.blocks as never } : {}),
      });
    },
    surface,
  );
}

/** Step one when several connections could be meant: the choice opens that form in the same modal. */
export function pickSubmission(deps: AppDeps) {
  return async ({ ack, body, view }: SubmitArgs): Promise<void> => {
    const { teamId, userId } = teamOf(body);
    let meta: ReturnType<typeof decodePickerMetadata>;
    try {
      meta = decodePickerMetadata(view.private_metadata);
    } catch (error) {
      await ack({
        response_action: 'update',
        view: messageModal('New migration', asAppError(error).message),
      });
      return;
    }
    const requester: Requester = { teamId, userId, channelId: meta.channel };
    const ctx = viewContext(deps, requester, 'view');
    const { values } = readForm(view.state);
    let choice: CreateChoice | undefined;
    try {
      await ctx.require('create', 'ask for new migrations');
      choice = createChoices(deps.connections.forTeam(teamId), []).find(
        (c) => choiceValue(c) === values.target,
      );
    } catch (error) {
      await ack({
        response_action: 'update',
        view: messageModal('New migration', asAppError(error).message),
      });
      return;
    }
    if (!choice) {
      await ack({
        response_action: 'errors',
        errors: { target: 'That connection is no longer available: pick another one.' },
      });
      return;
    }
    const connection = deps.connections.get(teamId, choice.connection);
    const simple = simpleForm(connection, choice, requester);
    if (simple) {
      await ack({ response_action: 'update', view: scrubPayload(deps.secrets, simple) });
      return;
    }
    await ack({
      response_action: 'update',
      view: loadingModal(choice.target.title, `the ${choice.target.label} form`),
    });
    const client = await deps.slackClients.forTeam(teamId);
    await fillOmsForm(deps, client, { viewId: view.id }, connection, choice, requester, ctx.logger);
  };
}

/**
 * Submission of a create form: field errors inline (`response_action: "errors"`, one message per
 * invalid field), OMS prefixes checked in the source bucket, then the modal closes and the request
 * goes to the approvals channel.
 */
export function formSubmission(deps: AppDeps) {
  return async ({ ack, body, view }: SubmitArgs): Promise<void> => {
    const { teamId, userId } = teamOf(body);
    let meta: FormMetadata;
    try {
      meta = decodeFormMetadata(view.private_metadata);
      if (meta.requester !== userId)
        throw new AppError(ErrorCode.Forbidden, 'This form belongs to someone else.');
    } catch (error) {
      await ack({
        response_action: 'update',
        view: messageModal('New migration', asAppError(error).message),
      });
      return;
    }
    const { values, blockIds } = readForm(view.state);
    const channelId = meta.channel ?? values[RESULT_CHANNEL_FIELD];
    const requester: Requester = { teamId, userId, channelId };
    const ctx = viewContext(deps, requester, 'view');
    ctx.what = CREATE_CALLBACKS.form;
    try {
      await ctx.require('create', 'ask for new migrations');
    } catch (error) {
      requestDone(ctx, 'refused');
      await ack({
        response_action: 'update',
        view: messageModal('New migration', asAppError(error).message),
      });
      return;
    }
    const result = requestFromForm(meta.provider, meta.kind, values);
    const errors = result.ok ? {} : { ...result.errors };
    if (!channelId) errors[RESULT_CHANNEL_FIELD] = 'Pick the channel where the new migration is posted.';
    if (result.ok && Object.keys(errors).length === 0 && meta.provider === 'huawei-oms') {
      const problem = await checkPrefixes(deps, teamId, meta.connection, result.request);
      if (problem) errors.src_objects = problem;
    }
    if (!result.ok || Object.keys(errors).length > 0) {
      ctx.logger.info({ fields: Object.keys(errors) }, 'create form refused');
      requestDone(ctx, 'refused');
      await ack({ response_action: 'errors', errors: errorsForBlocks(errors, blockIds) });
      return;
    }
    await ack();
    await runSafely(ctx, async () => {
      await deps.approvals.request({
        team: teamId,
        requester: userId,
        channel: channelId!,
        connection: meta.connection,
        kind: meta.kind,
        request: result.request,
        op: ctx.opId,
      });
    });
  };
}

/** Every listed object or prefix must exist in the source bucket; undefined when they all do. */
async function checkPrefixes(
  deps: AppDeps,
  teamId: string,
  connectionName: string,
  request: Record<string, unknown>,
): Promise<string | undefined> {
  const check = omsPrefixCheck(request);
  if (!check) return undefined;
  const provider = deps.connections.provider(deps.connections.get(teamId, connectionName));
  if (!(provider instanceof HuaweiOmsProvider)) return undefined;
  const size = Math.ceil(check.prefixes.length / PREFIX_CHECK_LANES);
  const lanes: string[][] = [];
  for (let i = 0; i < check.prefixes.length; i += size) lanes.push(check.prefixes.slice(i, i + size));
  try {
    const results = (
      await withTimeout(
        Promise.all(lanes.map((lane) => provider.checkPrefixes(check.source, lane))),
        PREFIX_CHECK_BUDGET_MS,
        'OMS did not answer in time',
      )
    ).flat();
    const missing = results.filter((r) => !r.exists).map((r) => r.prefix);
    if (missing.length === 0) return undefined;
    const shown = missing.slice(0, 5).join(', ');
    const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
    return `Nothing in ${check.source.bucket} (${check.source.region}) starts with ${shown}${more}. Check the spelling, or remove ${missing.length > 1 ? 'them' : 'it'}.`;
  } catch (error) {
    const e = asAppError(error);
    const explained =
      e instanceof ProviderError && e.errorCode ? explainForDisplay(e.errorCode, e.httpStatus) : undefined;
    const reason = explained?.known ? explained.title : e.message;
    return `Could not check these in ${check.source.bucket}: ${deps.secrets.scrub(reason)}. Fix the source, or submit again.`;
  }
}

/**
 * Options for the source-bucket `external_select`: OMS's list-buckets with the connection's source
 * keys, for the cloud chosen in the form, filtered by what was typed. Slack waits 3 s; a failure is
 * shown as a single option saying why.
 */
export function bucketSuggestions(deps: AppDeps) {
  return async ({ ack, body }: SuggestionArgs): Promise<void> => {
    const answer = (options: PlainTextOption[]) => ack({ options });
    const fail = (reason: string) =>
      answer([option(`Could not list buckets: ${deps.secrets.scrub(reason)}`, '__error')!]);
    try {
      const { teamId, userId } = teamOf(body);
      const meta = decodeFormMetadata(body.view?.private_metadata);
      const { values } = readForm(body.view?.state);
      if (!values.src_cloud) {
        await answer([option('Pick the source cloud first', '__none')!]);
        return;
      }
      await deps.access.require({ teamId, userId, channelId: meta.channel }, 'create', 'list buckets');
      const provider = deps.connections.provider(deps.connections.get(teamId, meta.connection));
      if (!(provider instanceof HuaweiOmsProvider)) {
        await fail('not a Huawei OMS connection');
        return;
      }
      const buckets = await withTimeout(
        provider.listBuckets({ cloudType: values.src_cloud as never }),
        BUCKET_LIST_BUDGET_MS,
        'OMS did not answer in time',
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
      await fail(truncate(explained?.known ? explained.title : e.message, 60));
    }
  };
}

/** Another source cloud was chosen: redraw the form with that cloud's regions, keeping what was typed. */
export function sourceCloudChanged(deps: AppDeps) {
  return async ({ ack, body }: SelectArgs): Promise<void> => {
    await ack();
    const view = body.view;
    if (!view) return;
    const { teamId, userId } = teamOf(body);
    const logger = deps.logger.child({ team: teamId, user: userId, surface: 'view' });
    try {
      const meta = decodeFormMetadata(view.private_metadata);
      const { values } = readForm(view.state);
      const cloud = body.actions[0]?.selected_option?.value ?? values.src_cloud;
      const connection = deps.connections.get(teamId, meta.connection);
      const choice = createChoices([connection], [meta.kind])[0]!;
      const next = await omsForm(
        deps,
        connection,
        choice,
        { teamId, userId, channelId: meta.channel },
        { cloud, initial: { ...values, src_cloud: cloud, src_region: undefined, src_bucket: undefined } },
      );
      const client = await deps.slackClients.forTeam(teamId);
      await client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: scrubPayload(deps.secrets, next),
      });
    } catch (error) {
      logger.info({ err: error }, 'create form not redrawn for the new cloud');
    }
  };
}
