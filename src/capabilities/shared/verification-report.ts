import type {
  MigrationResource,
  NormalizedState,
  ObjectList,
  Reconciliation,
  ResourceKind,
} from '../../domain/migration-resource.js';

/**
 * The verification of a finished run: the provider's own counters reconciled, as data
 * (JSON, figures as they were when the run ended). The post, its CSV and `/migrate list
 * unverified` all read this one object, so what is downloaded is what was posted.
 */
export interface VerificationReport {
  connection: string;
  kind: ResourceKind;
  id: string;
  name: string;
  state: NormalizedState;
  basis: Reconciliation['basis'];
  /** `matches`: the counts add up; `mismatch`: they do not (a warning); `unchecked`: cannot say. */
  outcome: 'matches' | 'mismatch' | 'unchecked';
  /** Why it is unchecked: no counts at all, a total still being counted, or a state-only provider. */
  unchecked?: 'no-counts' | 'total-not-final' | 'state-only';
  objects: Tally;
  bytes: Tally & { written?: number };
  check?: Reconciliation['check'];
  lists?: Reconciliation['lists'];
}

/**
 * One unit's reconciliation: `total` against the parts the provider counts. For `outcomes` the
 * parts are succeeded, skipped and failed (bytes: only the processed sum is counted); for
 * `estimate` moved and skipped. `accounted` is their sum and `unaccounted` what the total leaves
 * over (negative: more counted than the total).
 */
export interface Tally {
  total?: number;
  succeeded?: number;
  skipped?: number;
  failed?: number;
  accounted?: number;
  unaccounted?: number;
}

export function verificationReport(r: MigrationResource): VerificationReport {
  const rec = r.reconciliation ?? { basis: 'state' as const };
  const base = {
    connection: r.connection,
    kind: r.kind,
    id: r.id,
    name: r.name,
    state: r.state,
    basis: rec.basis,
    ...(rec.check ? { check: rec.check } : {}),
    ...(rec.lists ? { lists: rec.lists } : {}),
  };
  if (rec.basis === 'state')
    return { ...base, outcome: 'unchecked', unchecked: 'state-only', objects: {}, bytes: {} };
  const outcomes = rec.basis === 'outcomes';
  const objects = tally(r.objects.total, [
    r.objects.done,
    r.objects.skipped,
    outcomes ? r.objects.failed : 0,
  ]);
  objects.succeeded = r.objects.done;
  objects.skipped = r.objects.skipped;
  if (outcomes) objects.failed = r.objects.failed;
  // OMS counts processed bytes (succeeded, skipped and failed together) and written bytes apart;
  // an estimate counts moved and skipped bytes.
  const bytes: VerificationReport['bytes'] = outcomes
    ? tally(r.bytes.total, [r.bytes.done])
    : { ...tally(r.bytes.total, [r.bytes.done, r.bytes.skipped]), succeeded: r.bytes.done };
  if (!outcomes) bytes.skipped = r.bytes.skipped;
  if (rec.bytesWritten !== undefined) bytes.written = rec.bytesWritten;
  const report = { ...base, objects: clean(objects), bytes: clean(bytes) };
  if (objects.unaccounted === undefined) return { ...report, outcome: 'unchecked', unchecked: 'no-counts' };
  if (rec.totalFinal === false) return { ...report, outcome: 'unchecked', unchecked: 'total-not-final' };
  const off = objects.unaccounted !== 0 || (bytes.unaccounted !== undefined && bytes.unaccounted !== 0);
  return { ...report, outcome: off ? 'mismatch' : 'matches' };
}

/** The total against the sum of the parts; nothing to say without a total and a first part. */
function tally(total: number | undefined, parts: (number | undefined)[]): Tally {
  if (total === undefined || parts[0] === undefined) return total === undefined ? {} : { total };
  const accounted = parts.reduce<number>((sum, part) => sum + (part ?? 0), 0);
  return { total, accounted, unaccounted: total - accounted };
}

function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The lists in the order the post and the CSV name them. */
export const LIST_ORDER = ['succeeded', 'skipped', 'failed'] as const;

export type { ObjectList };
