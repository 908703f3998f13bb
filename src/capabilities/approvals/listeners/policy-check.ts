import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { channelScope } from '../../../access/policy.js';
import type { RequestCheck } from '../../../contract/gate.js';
import { createTarget, summarizeCreateRequest } from '../../../providers/create-request.js';
import { errorText, messageModal } from '../../../slack/blocks/create/flow-modals.js';
import { code, truncate } from '../../../slack/blocks/mrkdwn.js';
import type { AppDeps } from '../../../slack/context.js';
import { requestFromForm } from '../../../slack/create-forms/index.js';
import { decodeFormMetadata } from '../../../slack/create-forms/metadata.js';
import { readForm } from '../../../slack/create-forms/view-state.js';
import { viewerTranslator } from '../../../slack/listeners/views/create-flow.js';
import { runPreflight } from '../../shared/preflight.js';
import { startFromForm } from '../start-at.js';
import { APPROVAL_WORDS } from '../words.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** The pre-flight a check may wait for: the explanation is pushed while the click's trigger lives (3 s). */
const CHECK_PREFLIGHT_MS = 1_500;

/**
 * The create form's "Check against policy": the form's current values, as they would be asked,
 * checked by every capability's rules as a dry run (nothing counted, recorded or posted), each
 * rule's verdict shown in a modal pushed over the form, which keeps what was typed.
 */
export function policyCheck(deps: AppDeps) {
  return async ({ ack, body }: ButtonArgs): Promise<void> => {
    await ack();
    const view = body.view;
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    const userId = body.user.id;
    if (!view) return;
    const tr = await viewerTranslator(deps, teamId, userId);
    const slack = deps.slack.sender.to(teamId);
    const title = tr.with(APPROVAL_WORDS).t('approval.policyCheck.title');
    let text: string;
    try {
      const meta = decodeFormMetadata(view.private_metadata);
      await deps.access.require({ teamId, userId }, 'create', channelScope(meta.channel), 'check a request');
      const { values } = readForm(view.state);
      const result = requestFromForm(meta.provider, meta.kind, values, tr);
      const now = deps.clock.now();
      const start = startFromForm(values, await deps.settings.zone(teamId), now, tr);
      if (!result.ok) {
        const problems = Object.values(result.errors).map((e) => `• ${e}`);
        text = [tr.with(APPROVAL_WORDS).t('approval.policyCheck.incomplete'), ...problems].join('\n');
      } else {
        const connection = deps.connections.get(teamId, meta.connection);
        const target = createTarget(meta.provider, meta.kind);
        const name = summarizeCreateRequest(meta.provider, meta.kind, result.request).name;
        const preflight = await runPreflight(deps, connection, meta.kind, result.request, CHECK_PREFLIGHT_MS);
        const check: RequestCheck = {
          stage: 'request',
          team: teamId,
          requester: userId,
          channel: meta.channel ?? '',
          connection: connection.name,
          provider: meta.provider,
          kind: meta.kind,
          facts: { ...target.facts?.(result.request), ...(name ? { name } : {}) },
          preflight,
          ...(start.startAt ? { startAt: start.startAt } : {}),
          now,
        };
        const lines = await deps.capabilities.explain(check, tr);
        const head = tr.t('policy.test.header', { connection: code(connection.name) });
        text =
          lines.length > 0
            ? [head, ...lines].join('\n')
            : tr.with(APPROVAL_WORDS).t('approval.policyCheck.none');
      }
    } catch (error) {
      text = errorText(error, tr);
    }
    await slack
      .pushView(body.trigger_id, messageModal(title, truncate(text, 3000), tr))
      .catch((error: unknown) => deps.logger.info({ err: error }, 'policy check not shown'));
  };
}
