import type { AuditEntry } from '../../audit/audit-log.js';
import { csvLine } from '../../reports/csv-cell.js';
import type { ApprovalRecord } from '../shared/approval-record.js';
import type { EvidencePart } from './bundle-format.js';
import type { Gathered } from './gather.js';

/**
 * The bundle's parts, from what was gathered: JSON with keys sorted (the same bytes on every
 * replica), the CSV of differences with every cell inert, and each part passed through `mask`
 * (every secret the bot knows) so a secret that slipped into a stored text never leaves in a file.
 * Outside names are kept as data: JSON escapes every control character, and no part is mrkdwn.
 */
export function evidenceParts(g: Gathered, mask: (text: string) => string, plan?: unknown): EvidencePart[] {
  const json = (value: unknown) => `${JSON.stringify(sorted(value), null, 2)}\n`;
  const parts: [string, string][] = [
    ['request.json', json({ subject: g.subject, chain: g.resources, requests: g.approvals.map(requestOf) })],
    ['preflight.json', json(g.approvals.map(preflightOf))],
    ['guardrails.json', json(guardrailsOf(g))],
    ['runs.json', json(g.runs)],
    ['verification.json', json(g.verifications)],
    [
      'bucket-checks.json',
      json(
        g.checks.map(({ resource, check }) => ({
          resource,
          at: iso(check.at),
          by: check.by,
          outcome: check.outcome,
        })),
      ),
    ],
    ['signoffs.json', json(signoffsOf(g))],
    ['audit.json', json(g.audit)],
    ['differences.csv', differencesCsv(g)],
    // A plan's bundle: the plan as stored (its waves, who started and signed it off).
    ...(plan === undefined ? [] : ([['plan.json', json(plan)]] as [string, string][])),
  ];
  return parts.map(([name, text]) => ({ name, bytes: Buffer.from(mask(text), 'utf8') }));
}

/** The request and who decided it; the provider's words of a failure stay out (its code stays). */
function requestOf(a: ApprovalRecord) {
  const { preflight: _p, impact: _i, policy: _policy, failure, message: _m, workflowStep: _w, ...rest } = a;
  const approvers = [
    ...new Set([
      ...(a.votes ?? []).map((v) => v.by),
      ...(a.status === 'approved' && a.decidedBy ? [a.decidedBy] : []),
    ]),
  ];
  return {
    ...rest,
    approvers,
    ...(failure
      ? {
          failure: {
            ...(failure.provider ? { provider: failure.provider } : {}),
            ...(failure.operation ? { operation: failure.operation } : {}),
            ...(failure.httpStatus ? { httpStatus: failure.httpStatus } : {}),
            ...(failure.errorCode ? { errorCode: failure.errorCode } : {}),
            ...(failure.requestId ? { requestId: failure.requestId } : {}),
            ...(failure.outcomeUnknown ? { outcomeUnknown: true } : {}),
          },
        }
      : {}),
  };
}

function preflightOf(a: ApprovalRecord) {
  return {
    request: a.id,
    ...(a.preflight ? { preflight: a.preflight } : {}),
    ...(a.impact ? { impact: a.impact } : {}),
  };
}

/** The guardrails' decisions: each rule's verdict as the audit log recorded it, and what the request needed. */
function guardrailsOf(g: Gathered) {
  const decisions = g.audit
    .filter((e) => e.action === 'policy.check')
    .map((e) => {
      const m = /^rule (\S+) \((\w+)\): (.*) at the (\w+)$/.exec(e.detail ?? '');
      return {
        at: e.at,
        target: e.target,
        result: e.result,
        ...(m ? { rule: m[1], source: m[2], outcome: m[3], stage: m[4] } : { detail: e.detail }),
      };
    });
  const required = g.approvals.flatMap((a) =>
    a.needs || a.policy
      ? [{ request: a.id, ...(a.needs ? { needs: a.needs } : {}), ...(a.policy ? { said: a.policy } : {}) }]
      : [],
  );
  return { decisions, required };
}

/** Sign-offs (each run's, once) and the overrides the audit log holds (take-overs, exceptions). */
function signoffsOf(g: Gathered) {
  const seen = new Set<string>();
  const signoffs = g.verifications.flatMap((v) => {
    const s = v.fact.signoff;
    const key = `${v.resource}#${v.fact.run}`;
    if (!s || seen.has(key)) return [];
    seen.add(key);
    return [{ resource: v.resource, run: v.fact.run, by: s.by, at: iso(s.at), note: s.note }];
  });
  const overrides = g.audit.filter(isOverride);
  return { signoffs, overrides };
}

const isOverride = (e: AuditEntry) => /override|take-over|exception/.test(e.action);

/** Every kept check's differences, one row each, the check named in the first cells. */
function differencesCsv(g: Gathered): string {
  const header = csvLine([
    'resource',
    'checked_at',
    'difference',
    'source_key',
    'destination_key',
    'source_size',
    'destination_size',
    'source_etag',
    'destination_etag',
    // A content check's rows (issue 78) carry the two checksums that differ; others leave them out.
    'source_checksum',
    'destination_checksum',
  ]);
  const rows = g.checks.flatMap(({ resource, check }) =>
    check.csv.slice(1).map((line) => `${csvLine([resource, iso(check.at)])},${visible(line)}`),
  );
  return `${[header, ...rows].join('\r\n')}\r\n`;
}

/** A stored CSV line (its cells already inert) with every control character shown, not kept. */
function visible(line: string): string {
  let shown = '';
  for (const c of line) {
    const n = c.charCodeAt(0);
    shown +=
      n < 0x20 || n === 0x7f || n === 0x2028 || n === 0x2029 ? `\\u${n.toString(16).padStart(4, '0')}` : c;
  }
  return shown;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The value with every object's keys in order: the same JSON on every replica. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .flatMap((k) => {
        const v = (value as Record<string, unknown>)[k];
        return v === undefined ? [] : [[k, sorted(v)]];
      }),
  );
}
