import type { AuditEntry, AuditLog } from '../../audit/audit-log.js';
import type { AtomicKv } from '../../store/atomic-kv.js';
import type { WatchRecord } from '../../watcher/records/watch-store.js';
import type { ApprovalRecord } from '../shared/approval-record.js';
import { type KeptCheck, keptChecks } from '../shared/kept-checks.js';
import { verificationOf } from '../shared/verification-fact.js';
import { evidenceOf, type LedgerRun } from './ledger.js';

/** A resource of the chain, as `connection:kind:id`. */
type ResourceKey = string;

/** Everything the bot kept about a migration's chain, read from the stores (never a provider). */
export interface Gathered {
  subject: ResourceKey;
  resources: ResourceKey[];
  approvals: ApprovalRecord[];
  runs: LedgerRun[];
  verifications: {
    resource: ResourceKey;
    channel: string;
    fact: NonNullable<ReturnType<typeof verificationOf>>;
  }[];
  checks: { resource: ResourceKey; check: KeptCheck }[];
  audit: AuditEntry[];
}

export interface GatherSources {
  records: readonly WatchRecord[];
  approval(id: string): Promise<ApprovalRecord | undefined>;
  audit: Pick<AuditLog, 'recent'>;
  kv: AtomicKv;
}

const keyOf = (r: { connection: string; kind: string; id: string }): ResourceKey =>
  `${r.connection}:${r.kind}:${r.id}`;
/** Audit entries read: the whole of what the store keeps per workspace. */
const AUDIT_READ = 1_000;

/**
 * The chain `subject` belongs to (its delta runs and retries: the approvals' `rerun.root`), and
 * what the watch records, approvals, kept checks and audit log say of it, each sorted by what it
 * holds so that two replicas reading the same store gather the same thing.
 */
export async function gather(
  team: string,
  subject: string,
  src: GatherSources,
  members: readonly ResourceKey[] = [subject],
): Promise<Gathered> {
  const byResource = new Map<ResourceKey, WatchRecord[]>();
  for (const r of src.records) {
    const key = keyOf(r.watch);
    byResource.set(key, [...(byResource.get(key) ?? []), r]);
  }
  const approvals = new Map<string, ApprovalRecord>();
  const rootOf = new Map<ResourceKey, string>();
  for (const [key, records] of [...byResource].sort(([a], [b]) => cmp(a, b))) {
    let root = key;
    for (const id of new Set(records.map((r) => r.watch.origin?.request).filter(isString)).values()) {
      const approval = approvals.get(id) ?? (await src.approval(id));
      if (!approval) continue;
      approvals.set(id, approval);
      root = approval.rerun?.root ?? root;
    }
    rootOf.set(key, root);
  }
  const roots = new Set(members.map((m) => rootOf.get(m) ?? m));
  const resources = [
    ...new Set([...members, ...[...rootOf].filter(([k, r]) => roots.has(r) || roots.has(k)).map(([k]) => k)]),
  ].sort(cmp);
  const inChain = new Set(resources);
  const records = src.records.filter((r) => inChain.has(keyOf(r.watch)));
  const chainApprovals = [...approvals.values()]
    .filter(
      (a) =>
        inChain.has(keyOf({ connection: a.connection, kind: a.kind, id: a.resourceId ?? '' })) ||
        records.some((r) => r.watch.origin?.request === a.id),
    )
    .sort((a, b) => cmp(a.createdAt, b.createdAt) || cmp(a.id, b.id));
  const checks: Gathered['checks'] = [];
  for (const resource of resources) {
    const [connection = '', kind = '', ...id] = resource.split(':');
    for (const check of await keptChecks(src.kv, team, { connection, kind, id: id.join(':') }))
      checks.push({ resource, check });
  }
  checks.sort((a, b) => a.check.at - b.check.at || cmp(a.resource, b.resource));
  const targets = new Set([
    ...resources.map((k) => k.replace(/:[^:]+:/, ':')),
    ...chainApprovals.map((a) => `approval:${a.id}`),
  ]);
  const audit = (await src.audit.recent(team, AUDIT_READ))
    .filter(
      (e) =>
        e.target !== undefined && [...targets].some((t) => e.target === t || e.target!.startsWith(`${t} `)),
    )
    .reverse();
  return {
    subject,
    resources,
    approvals: chainApprovals,
    runs: runsOf(records),
    verifications: verificationsOf(records),
    checks,
    audit,
  };
}

/** Each run once (a resource watched in two channels ended once), oldest first. */
function runsOf(records: readonly WatchRecord[]): LedgerRun[] {
  const runs = new Map<string, LedgerRun>();
  for (const r of records) {
    for (const run of evidenceOf(r)?.runs ?? []) runs.set(`${keyOf(run)}#${run.run}`, run);
  }
  return [...runs.values()].sort((a, b) => a.at - b.at || cmp(keyOf(a), keyOf(b)) || a.run - b.run);
}

/** Each channel's verification of the resource's last run, with its sign-off. */
function verificationsOf(records: readonly WatchRecord[]): Gathered['verifications'] {
  return records
    .flatMap((r) => {
      const fact = verificationOf(r);
      return fact ? [{ resource: keyOf(r.watch), channel: r.watch.channelId, fact }] : [];
    })
    .sort((a, b) => a.fact.at - b.fact.at || cmp(a.resource, b.resource) || cmp(a.channel, b.channel));
}

const isString = (v: unknown): v is string => typeof v === 'string';
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
