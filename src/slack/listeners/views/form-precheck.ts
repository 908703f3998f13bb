import type { RequestCheck } from '../../../contract/gate.js';
import type { Translator } from '../../../i18n/translator.js';
import { summarizeCreateRequest } from '../../../providers/create-request.js';
import { createTarget } from '../../../providers/registry.js';
import { refusedError } from '../../../use-cases/refused-error.js';
import { errorText } from '../../blocks/create/flow-modals.js';
import type { AppDeps } from '../../context.js';
import type { FormMetadata } from '../../create-forms/metadata.js';

/** The field a refusal's reason is about, by the names create forms give their fields. */
const FIELDS: Record<string, RegExp> = {
  region: /^(dst|dest|destination|target)_?region$|^region$/i,
  sourceBucket: /^(src|source)_?bucket$/i,
  destinationBucket: /^(dst|dest|destination|target)_?bucket$/i,
  ticket: /^(description|name|title|task_name)$/i,
  overwrite: /overwrite|exist/i,
  freeze: /^start_date$/,
  startTime: /^start_date$/,
};

/**
 * A guardrail's refusal the form's values alone decide, at the field it is about (else the form's
 * first field), in the reader's words: the create form stays open with what was typed
 * (`response_action: "errors"`) instead of closing and refusing in a message of its own.
 */
export async function formRefusal(
  deps: AppDeps,
  who: { teamId: string; userId: string; channel: string },
  meta: FormMetadata,
  form: { request: Record<string, unknown>; startAt?: string | undefined; fields: readonly string[] },
  tr: Translator,
): Promise<{ errors: Record<string, string>; rule: string } | undefined> {
  const target = createTarget(meta.provider, meta.kind);
  const name = summarizeCreateRequest(meta.provider, meta.kind, form.request).name;
  const check: RequestCheck = {
    stage: 'request',
    team: who.teamId,
    requester: who.userId,
    channel: who.channel,
    connection: meta.connection,
    provider: meta.provider,
    kind: meta.kind,
    facts: { ...target.facts?.(form.request), ...(name ? { name } : {}) },
    ...(form.startAt ? { startAt: form.startAt } : {}),
    now: deps.clock.now(),
  };
  const refusal = await deps.capabilities.precheck(check).catch(() => undefined);
  if (!refusal) return undefined;
  const reason = refusal.key.replace('guardrail.refused.', '').replace(/Allowed$/, '');
  const pattern = FIELDS[reason];
  const field = (pattern && form.fields.find((f) => pattern.test(f))) ?? form.fields[0];
  return field
    ? { errors: { [field]: plainQuotes(errorText(refusedError(refusal), tr)) }, rule: refusal.rule }
    : undefined;
}

/** Slack shows a field's error as plain text: mrkdwn's code spans become quotes. */
function plainQuotes(text: string): string {
  return text.replace(/`([^`\n]*)`/g, '“$1”');
}
