import { ENGLISH, type Translator } from '../../../i18n/translator.js';
import { isProviderId, providerDefinition } from '../../../providers/registry.js';
import { slackDate } from '../../../slack/blocks/format.js';
import { code, escapeMrkdwn, truncate } from '../../../slack/blocks/mrkdwn.js';
import type { ApprovalRecord } from '../../shared/approval-record.js';
import { APPROVAL_WORDS } from '../words.js';

type Rerun = NonNullable<ApprovalRecord['rerun']>;

/** "Delta 1 of <run>: only the objects changed since …" (the approval request, the modal). */
export function rerunLine(rerun: Rerun, provider: string, tr: Translator = ENGLISH): string {
  const of = rerun.thread?.permalink
    ? `<${rerun.thread.permalink}|${escapeMrkdwn(truncate(rerun.of.name, 120))}>`
    : code(truncate(rerun.of.name, 120));
  if (rerun.retry)
    return tr.with(APPROVAL_WORDS).t(`approval.rerun.retry.${rerun.retry.what}`, {
      n: rerun.n,
      of,
      objects: rerun.retry.objects ?? 0,
      prefix: code(truncate(rerun.retry.prefix ?? '', 200)),
      provider: isProviderId(provider) ? providerDefinition(provider).shortName : provider,
    });
  const what = rerun.mode === 'restart' ? 'restart' : rerun.since !== undefined ? 'since' : 'again';
  return tr.with(APPROVAL_WORDS).t(`approval.rerun.${what}`, {
    n: rerun.n,
    of,
    since: rerun.since !== undefined ? slackDate(new Date(rerun.since)) : '',
    provider: isProviderId(provider) ? providerDefinition(provider).shortName : provider,
  });
}
