import type { Translator } from '../../i18n/translator.js';
import { code, escapeMrkdwn, truncate } from '../../slack/blocks/mrkdwn.js';
import type { LastMatch } from './guardrails.js';
import type { Rule } from './rules.js';
import { GUARDRAIL_WORDS } from './words.js';

type AllowDeny = { allow?: string[]; deny?: string[] };

const names = (list: string[]) => list.map((v) => code(truncate(v, 60))).join(', ');

/**
 * A rule in the reader's words, one clause per setting (`/migrate policy list`): sizes as sizes,
 * channels as links, names in code, never the raw JSON with workspace ids and byte counts. The
 * workspace scope is left out: a reader sees only the rules of their own workspace.
 */
export function ruleWords(rule: Rule, tr: Translator): string {
  const w = tr.with(GUARDRAIL_WORDS);
  const clauses: string[] = [];
  const lists: [AllowDeny | undefined, 'regions' | 'providers' | 'sources' | 'destinations'][] = [
    [rule.regions, 'regions'],
    [rule.providers, 'providers'],
    [rule.sourceBuckets, 'sources'],
    [rule.destinationBuckets, 'destinations'],
  ];
  for (const [list, what] of lists) {
    if (list?.allow) clauses.push(w.t('policy.rule.allow', { what, list: names(list.allow) }));
    if (list?.deny) clauses.push(w.t('policy.rule.deny', { what, list: names(list.deny) }));
  }
  if (rule.overwrite) clauses.push(w.t('policy.rule.overwrite', { list: names(rule.overwrite) }));
  if (rule.maxBandwidthMiBps !== undefined)
    clauses.push(w.t('policy.rule.bandwidth', { max: rule.maxBandwidthMiBps }));
  if (rule.mustHaveWindow) clauses.push(w.t('policy.rule.mustHaveWindow'));
  if (rule.mustHaveStartTime) clauses.push(w.t('policy.rule.mustHaveStartTime'));
  if (rule.mustStartInWindow) clauses.push(w.t('policy.rule.mustStartInWindow'));
  const a = rule.approvals;
  if (a) {
    const above = [
      ...(a.above?.size !== undefined ? [tr.bytes(a.above.size)] : []),
      ...(a.above?.objects !== undefined ? [w.t('policy.rule.objects', { n: a.above.objects })] : []),
      ...(a.above?.egressUsd !== undefined ? [`$${a.above.egressUsd}`] : []),
    ];
    clauses.push(
      above.length > 0
        ? w.t('policy.rule.approversAbove', { n: a.approvers, above: above.join(' / ') })
        : w.t('policy.rule.approvers', { n: a.approvers }),
    );
    if (a.group) clauses.push(w.t('policy.rule.group', { group: `<!subteam^${a.group}>` }));
  }
  if (rule.ticket) clauses.push(w.t('policy.rule.ticket', { pattern: code(rule.ticket) }));
  const q = rule.quota;
  if (q?.tibPerMonth !== undefined) clauses.push(w.t('policy.rule.tibPerMonth', { n: q.tibPerMonth }));
  if (q?.concurrentPerConnection !== undefined)
    clauses.push(w.t('policy.rule.concurrentPerConnection', { n: q.concurrentPerConnection }));
  if (q?.concurrentPerWorkspace !== undefined)
    clauses.push(w.t('policy.rule.concurrentPerWorkspace', { n: q.concurrentPerWorkspace }));
  for (const f of rule.freeze ?? [])
    clauses.push(
      w.t('policy.rule.freeze', {
        from: f.from.replace('T', ' '),
        to: f.to.replace('T', ' '),
        zone: escapeMrkdwn(f.zone),
      }),
    );
  const scope = rule.scope;
  if (scope?.connections) clauses.push(w.t('policy.rule.connections', { list: names(scope.connections) }));
  if (scope?.channels)
    clauses.push(w.t('policy.rule.channels', { list: scope.channels.map((c) => `<#${c}>`).join(', ') }));
  if (rule.exception)
    clauses.push(w.t('policy.rule.exception', { who: escapeMrkdwn(truncate(rule.exception, 200)) }));
  return truncate(clauses.join(w.t('policy.rule.and')), 600);
}

/** When a rule last matched a request, and how, in the reader's words (older entries as stored). */
export function lastMatchWords(last: LastMatch, tr: Translator): string {
  const w = tr.with(GUARDRAIL_WORDS);
  const at = last.at.slice(0, 16).replace('T', ' ');
  if (!last.result) return w.t('policy.list.last', { at, outcome: escapeMrkdwn(last.outcome) });
  return w.t('policy.list.matched', {
    at,
    stage: last.stage,
    result: last.result,
    reason: last.reason ?? '',
    approvers: last.approvers ?? 0,
  });
}
