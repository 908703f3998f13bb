import type { AtomicKv } from '../../store/atomic-kv.js';

/**
 * The bucket checks a run had, as they ended: kept for its evidence bundle (issue 78), which
 * would otherwise have only the post in Slack. The newest few per run, each with the first rows
 * of its CSV of differences (a bounded part: the whole CSV is the file in the check's thread).
 * A leaf: the objects write it (`Outcome`: their check's), the evidence reads it as it was kept.
 */
export interface KeptCheck<Outcome = unknown> {
  /** Bot clock, ms, when the check ended. */
  at: number;
  /** Who asked for it (a Slack user id). */
  by: string;
  outcome: Outcome;
  /** CSV lines as uploaded, header first; at most `ROWS_KEPT` rows. */
  csv: string[];
}

const CHECKS_KEPT = 5;
const ROWS_KEPT = 500;
/** As long as an approval's record: the evidence of a month-old run still has its checks. */
const CHECKS_TTL_MS = 90 * 24 * 3_600_000;

export function checksKey(team: string, r: { connection: string; kind: string; id: string }): string {
  return `objects:checks:${team}:${r.connection}:${r.kind}:${r.id}`;
}

/** Adds an ended check to the run's (one compare-and-set: two checks ending at once both stay). */
export async function keepCheck(
  kv: AtomicKv,
  team: string,
  r: { connection: string; kind: string; id: string },
  check: KeptCheck,
): Promise<void> {
  const key = checksKey(team, r);
  const kept: KeptCheck = { ...check, csv: check.csv.slice(0, ROWS_KEPT + 1) };
  await kv.update(key, (raw) => JSON.stringify([...parseChecks(raw), kept].slice(-CHECKS_KEPT)));
  await kv.expire(key, CHECKS_TTL_MS);
}

/** The run's kept checks, oldest first. */
export async function keptChecks(
  kv: AtomicKv,
  team: string,
  r: { connection: string; kind: string; id: string },
): Promise<KeptCheck[]> {
  return parseChecks(await kv.get(checksKey(team, r)));
}

function parseChecks(raw: string | undefined): KeptCheck[] {
  if (!raw) return [];
  try {
    const value = JSON.parse(raw) as unknown;
    return Array.isArray(value) ? (value as KeptCheck[]) : [];
  } catch {
    return [];
  }
}
