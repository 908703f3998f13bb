import type { Endpoint } from '../../domain/migration-resource.js';
import type { ProviderId } from '../../providers/provider-ids.js';
import type { OutboxEntry, WatchRecord } from '../../watcher/records/watch-store.js';
import type { DetectedEvent } from '../../watcher/transitions.js';
import { type VerificationReport, verificationReport } from '../shared/verification-report.js';

/** The capability's name, and so its fact's key on a watch record. */
export const EVIDENCE = 'evidence';

/**
 * One run of a watched resource as it ended, kept for its evidence: which run, when the watcher saw
 * it end (watcher clock, so every replica writes the same), the provider's ids and the run's
 * figures. The verification keeps only the last run's; this keeps each (restarts included).
 */
export interface LedgerRun {
  run: number;
  at: number;
  ended: string;
  provider: ProviderId;
  connection: string;
  kind: string;
  id: string;
  name: string;
  source: Endpoint;
  destination: Endpoint;
  /** The provider's error code when it failed (its words are never kept: a raw body stays out). */
  code?: string;
  request?: string;
  chain?: { n: number; of: string; series?: 'retry' };
  report: VerificationReport;
}

export interface EvidenceFact {
  runs: LedgerRun[];
}

/** Runs kept per watch: the newest, plenty for a chain's restarts. */
const RUNS_KEPT = 50;
const ENDINGS: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled']);

export function evidenceOf(record: { facts?: Readonly<Record<string, unknown>> } | undefined) {
  return record?.facts?.[EVIDENCE] as EvidenceFact | undefined;
}

/**
 * The watcher's ending hook: the run that just ended, added to the record's ledger in the same
 * compare-and-set that records the ending (pure; a replica that loses the write sees no ending).
 */
export function recordEnding(
  record: WatchRecord,
  events: readonly DetectedEvent[],
  now: number,
): { record: WatchRecord; entries: OutboxEntry[] } {
  const ending = events.find((e) => ENDINGS.has(e.event));
  if (!ending) return { record, entries: [] };
  const s = record.snapshot;
  const origin = record.watch.origin;
  const run: LedgerRun = {
    run: record.run,
    at: now,
    ended: ending.event,
    provider: s.provider,
    connection: s.connection,
    kind: s.kind,
    id: s.id,
    name: s.name,
    source: endpoint(s.source),
    destination: endpoint(s.destination),
    ...(s.state === 'failed' && s.lastError?.code ? { code: s.lastError.code } : {}),
    ...(origin?.request ? { request: origin.request } : {}),
    ...(origin?.chain
      ? {
          chain: {
            n: origin.chain.n,
            of: origin.chain.of,
            ...(origin.chain.series ? { series: origin.chain.series } : {}),
          },
        }
      : {}),
    report: verificationReport(s),
  };
  const kept = (evidenceOf(record)?.runs ?? []).filter((r) => r.run !== run.run || r.at !== run.at);
  const fact: EvidenceFact = { runs: [...kept, run].slice(-RUNS_KEPT) };
  return { record: { ...record, facts: { ...record.facts, [EVIDENCE]: fact } }, entries: [] };
}

function endpoint(e: Endpoint | undefined): Endpoint {
  if (!e) return {};
  const { cloud, region, bucket, prefix } = e;
  return Object.fromEntries(
    Object.entries({ cloud, region, bucket, prefix }).filter(([, v]) => v !== undefined),
  ) as Endpoint;
}
