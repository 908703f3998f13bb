import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { AtomicKv } from '../../store/atomic-kv.js';
import type { CapabilityPosts } from '../../watcher/capability-posts.js';

/**
 * A running check, as the store knows it (any replica): its post (the id the one editor keeps it
 * under, `CapabilityPosts`), who runs it, when it last moved.
 */
export interface RunRecord {
  channel: string;
  post: string;
  owner: string;
  beat: number;
}

/** A check that has not moved for this long on another replica is taken for stopped. */
export const STALE_AFTER_MS = 2 * 60_000;

export interface ObjectsState {
  kv: AtomicKv;
  clock: Clock;
  logger: Logger;
  /** The check posts, drawn and sent by the watcher's one editor (ADR 0017's seam). */
  posts: CapabilityPosts;
  /** This bot process, as owner of the checks it runs. */
  instance: string;
  /** The checks this process runs: stopped (and said so) when the bot stops. */
  running: Map<string, { abort: AbortController; work: Promise<void> }>;
}

export function runKey(teamId: string, r: { connection: string; kind: string; id: string }): string {
  return `objects:run:${teamId}:${r.connection}:${r.kind}:${r.id}`;
}
