import { explainForDisplay } from '../../../catalogue/explain.js';
import type { MessageValues, Translator } from '../../../i18n/translator.js';
import { providerDefinition } from '../../../providers/registry.js';
import { code, escapeMrkdwn } from '../../../slack/blocks/mrkdwn.js';
import type { PreflightFailure, PreflightRecord } from '../../preflight-record.js';
import type { ApprovalRecord } from '../../shared/approval-record.js';
import { preflightFromImpact } from '../../shared/preflight.js';
import { APPROVAL_WORDS } from '../words.js';

const GIB = 1024 ** 3;

/** The request's pre-flight; a request stored before it had one shows its measured size the same way. */
export function preflightOf(record: ApprovalRecord): PreflightRecord | undefined {
  return record.preflight ?? (record.impact ? preflightFromImpact(record.impact) : undefined);
}

/**
 * The pre-flight as the request card says it, one line each: size (and how it was found), time at
 * the cap, migrations already running against the provider's limits, warnings, and egress cost
 * where the operator set a price. Every figure says where it came from; a part without an answer
 * says why, in words (never the provider's body).
 */
export function preflightLines(record: ApprovalRecord, tr: Translator): string[] {
  const p = preflightOf(record);
  if (!p) return record.policy ? [policyLine(record, tr)].filter((l) => l !== undefined) : [];
  const provider = providerName(record);
  const lines = [sizeLine(p, provider, tr), timeLine(p, provider, tr)];
  const running = runningLine(record, p, provider, tr);
  if (running) lines.push(running);
  for (const warning of p.warnings) {
    const text = say(tr, warning.key, warning.values);
    if (text) lines.push(`:warning: ${text}`);
  }
  const cost = costLine(p, tr);
  if (cost) lines.push(cost);
  const policy = policyLine(record, tr);
  if (policy) lines.push(policy);
  return lines;
}

/** What the guardrails (any capability's rules) decided when it was asked, in the reader's words. */
function policyLine(record: ApprovalRecord, tr: Translator): string | undefined {
  const policy = record.policy;
  if (!policy || !tr.has(policy.key)) return undefined;
  const values = Object.fromEntries(
    Object.entries(policy.values).map(([k, v]) => [k, typeof v === 'string' ? escapeMrkdwn(v) : v]),
  );
  return `:shield: ${tr.t(policy.key, values)}`;
}

/** One short line for a direct message or the Home tab: size, time, cost and how many warnings. */
export function preflightBrief(record: ApprovalRecord, tr: Translator): string | undefined {
  const p = preflightOf(record);
  if (!p) return undefined;
  const parts: string[] = [];
  const s = p.size;
  if (s && s.basis !== 'unknown')
    parts.push(
      tr
        .with(APPROVAL_WORDS)
        .t(s.basis === 'sampled' ? 'approval.preflight.brief.atLeast' : 'approval.preflight.brief.size', {
          objects: tr.count(s.objects),
          n: s.objects,
          bytes: tr.bytes(s.bytes),
        }),
    );
  else parts.push(tr.with(APPROVAL_WORDS).t('approval.preflight.brief.sizeUnknown'));
  const seconds = transferSeconds(p);
  if (seconds !== undefined) parts.push(tr.about(seconds));
  const cost = dollars(p);
  if (cost !== undefined) parts.push(`≈ ${money(cost)}`);
  if (p.warnings.length > 0)
    parts.push(
      `:warning: ${tr.with(APPROVAL_WORDS).t('approval.preflight.brief.warnings', { n: p.warnings.length })}`,
    );
  return `${tr.with(APPROVAL_WORDS).t('approval.preflight.brief')} ${parts.join(' · ')}`;
}

function providerName(record: ApprovalRecord): string {
  try {
    return providerDefinition(record.provider).shortName;
  } catch {
    return record.provider;
  }
}

function sizeLine(p: PreflightRecord, provider: string, tr: Translator): string {
  const s = p.size;
  if (!s)
    return tr
      .with(APPROVAL_WORDS)
      .t('approval.preflight.size.failed', { reason: failureWords(p.sizeFailure, p, provider, tr) });
  if (s.basis === 'unknown')
    return tr.with(APPROVAL_WORDS).t(`approval.preflight.size.unknown.${s.why}`, { provider });
  const figures = { objects: tr.count(s.objects), n: s.objects, bytes: tr.bytes(s.bytes), provider };
  if (s.basis === 'estimated')
    return tr
      .with(APPROVAL_WORDS)
      .t(s.done ? 'approval.preflight.size.estimated' : 'approval.preflight.size.estimating', figures);
  const under =
    s.prefixes === 0
      ? tr.with(APPROVAL_WORDS).t('approval.preflight.wholeBucket')
      : tr.with(APPROVAL_WORDS).t('approval.preflight.prefixes', { n: s.prefixes });
  if (s.basis === 'listed') {
    const listed = tr
      .with(APPROVAL_WORDS)
      .t(s.checked ? 'approval.preflight.size.checked' : 'approval.preflight.size.listed', {
        ...figures,
        under,
      });
    return s.unsized
      ? `${listed} ${tr.with(APPROVAL_WORDS).t('approval.preflight.size.unsized', { n: s.unsized })}`
      : listed;
  }
  return tr
    .with(APPROVAL_WORDS)
    .t('approval.preflight.size.sampled', { ...figures, under, bound: tr.count(s.bound) });
}

function transferSeconds(p: PreflightRecord): number | undefined {
  const s = p.size;
  if (!p.bandwidth || !s || s.basis === 'unknown' || s.bytes <= 0) return undefined;
  return s.bytes / p.bandwidth;
}

function timeLine(p: PreflightRecord, provider: string, tr: Translator): string {
  if (!p.bandwidth) return tr.with(APPROVAL_WORDS).t('approval.preflight.time.noCap', { provider });
  const seconds = transferSeconds(p);
  const rate = tr.bytes(p.bandwidth);
  if (seconds === undefined) return tr.with(APPROVAL_WORDS).t('approval.preflight.time.noSize', { rate });
  return tr
    .with(APPROVAL_WORDS)
    .t(p.size?.basis === 'sampled' ? 'approval.preflight.time.atLeast' : 'approval.preflight.time', {
      rate,
      duration: tr.about(seconds),
    });
}

function runningLine(
  record: ApprovalRecord,
  p: PreflightRecord,
  provider: string,
  tr: Translator,
): string | undefined {
  // A request stored before the pre-flight counted nothing: say nothing rather than "could not".
  if (!record.preflight) return undefined;
  const where = code(record.connection);
  if (!p.running)
    return tr.with(APPROVAL_WORDS).t('approval.preflight.running.failed', {
      where,
      reason: failureWords(p.runningFailure, p, provider, tr),
    });
  const r = p.running;
  const counted = tr
    .with(APPROVAL_WORDS)
    .t(r.more ? 'approval.preflight.running.atLeast' : 'approval.preflight.running', {
      running: tr.count(r.running),
      waiting: tr.count(r.waiting),
      where: r.region ? `${where} (${escapeMrkdwn(r.region)})` : where,
      provider,
    });
  const limits = r.limits ? say(tr, r.limits.key, r.limits.values) : undefined;
  return `${counted} ${limits ?? tr.with(APPROVAL_WORDS).t('approval.preflight.limits.none', { provider })}`;
}

/** The egress price times the bytes (a lower bound when sampled); undefined without a price or a size. */
function dollars(p: PreflightRecord): number | undefined {
  const s = p.size;
  if (!p.egressPricePerGiB || !s || s.basis === 'unknown') return undefined;
  return (s.bytes / GIB) * p.egressPricePerGiB;
}

function costLine(p: PreflightRecord, tr: Translator): string | undefined {
  if (!p.egressPricePerGiB) return undefined;
  const price = `$${p.egressPricePerGiB}`;
  const cost = dollars(p);
  if (cost === undefined) return tr.with(APPROVAL_WORDS).t('approval.preflight.cost.unknown', { price });
  return tr
    .with(APPROVAL_WORDS)
    .t(p.size?.basis === 'sampled' ? 'approval.preflight.cost.atLeast' : 'approval.preflight.cost', {
      cost: money(cost),
      price,
    });
}

/** "$208", "$12.40", "< $0.01": whole dollars from $100, cents below. */
function money(dollars: number): string {
  if (dollars > 0 && dollars < 0.01) return '< $0.01';
  if (dollars >= 100) return `$${Math.round(dollars).toLocaleString('en-US')}`;
  return `$${dollars.toFixed(2)}`;
}

function failureWords(
  failure: PreflightFailure | undefined,
  p: PreflightRecord,
  provider: string,
  tr: Translator,
): string {
  if (failure?.why === 'timeout')
    return tr.with(APPROVAL_WORDS).t('approval.preflight.why.timeout', {
      provider,
      after: tr.duration(Math.ceil(p.deadlineMs / 1000)),
    });
  if (failure?.why === 'refused') {
    const explained = failure.code ? explainForDisplay(failure.code, failure.status, tr.locale) : undefined;
    const what = explained?.known
      ? `${escapeMrkdwn(explained.title)} (${failure.code})`
      : (failure.code ?? `HTTP ${failure.status}`);
    return tr.with(APPROVAL_WORDS).t('approval.preflight.why.refused', { provider, what });
  }
  return tr.with(APPROVAL_WORDS).t('approval.preflight.why.failed', { provider });
}

/** A provider's or the bot's sentence by key; undefined when no catalogue has it. */
function say(tr: Translator, key: string, values?: MessageValues): string | undefined {
  if (!tr.has(key)) return undefined;
  const shown = Object.fromEntries(
    Object.entries(values ?? {}).map(([k, v]) => [k, typeof v === 'string' ? escapeMrkdwn(v) : v]),
  );
  return tr.t(key, shown);
}
