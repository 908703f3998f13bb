import type { AuditLog } from '../../audit/audit-log.js';
import { InvalidInputError } from '../../errors.js';
import type { SecretRegistry } from '../../secrets.js';
import type { AtomicKv } from '../../store/atomic-kv.js';
import type { UseCaseContext } from '../../use-cases/context.js';
import type { PlanStore } from '../plans/plan-store.js';
import type { ApprovalRecord } from '../shared/approval-record.js';
import { manifestBytes, writeBundle } from './bundle-format.js';
import { gather } from './gather.js';
import { EVIDENCE_KEYS_SETTING, type EvidenceKeys, signBytes } from './keys.js';
import { evidenceParts } from './parts.js';
import { EVIDENCE_WORDS } from './words.js';

/** What the capability builds once per bot: the signing ring (none: bundles refused) and its sources. */
export interface EvidenceState {
  keys: EvidenceKeys | undefined;
  audit: Pick<AuditLog, 'recent'>;
  /** The plans, read as the plans capability stores them (a plan's bundle). */
  plans: Pick<PlanStore, 'get'>;
  /** An approval request by id (the approvals capability's, asked at each call). */
  approval(team: string, id: string): Promise<ApprovalRecord | undefined>;
  kv: AtomicKv;
  secrets: SecretRegistry;
}

/** A signed bundle: its file's text and name, which key signed it, and its parts' names. */
export interface Bundle {
  subject: string;
  filename: string;
  keyId: string;
  parts: string[];
  text: string;
}

export type Subject = { connection: string; kind: string; id: string };
/** A plan's bundle: its resources' chains, and the plan itself as a part. */
export type PlanSubject = { id: string; resources: readonly Subject[]; record: unknown };

/**
 * The evidence bundle of `resource`'s chain (or of each chain of a plan's resources), signed: read
 * from the stores only (watch records, approvals, kept checks, the audit log), so two replicas
 * build the same bytes. The caller has asked the policy already. Refused, naming the setting, when
 * no signing key is configured.
 */
export async function buildBundle(
  s: EvidenceState,
  ctx: UseCaseContext,
  target: Subject | PlanSubject,
): Promise<Bundle> {
  const keys = s.keys;
  if (!keys) throw InvalidInputError.in(EVIDENCE_WORDS, 'evidence.noKey', { setting: EVIDENCE_KEYS_SETTING });
  const keyOf = (r: Subject) => `${r.connection}:${r.kind}:${r.id}`;
  const plan = 'resources' in target ? target : undefined;
  const subject = plan ? `plan:${plan.id}` : keyOf(target as Subject);
  const gathered = await gather(
    ctx.teamId,
    subject,
    {
      records: await ctx.deps.watcher.list(ctx.teamId),
      approval: (id) => s.approval(ctx.teamId, id),
      audit: s.audit,
      kv: s.kv,
    },
    plan ? plan.resources.map(keyOf) : [subject],
  );
  const mask = s.secrets.forTeam(ctx.teamId);
  const parts = evidenceParts(gathered, (text) => mask.text(text), plan?.record);
  const manifest = manifestBytes(subject, parts);
  const signature = { alg: 'Ed25519' as const, ...signBytes(keys, manifest) };
  const named = plan ? `plan-${plan.id}` : `${(target as Subject).connection}-${(target as Subject).id}`;
  return {
    subject,
    filename: `evidence-${named.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80)}.json`,
    keyId: signature.keyId,
    parts: parts.map((p) => p.name),
    text: writeBundle(parts, manifest, signature),
  };
}
