import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { AtomicKv } from '../../store/atomic-kv.js';
import type { CapabilityPosts } from '../../watcher/outbox/capability-posts.js';

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

/**
 * What a check found wanting, kept for its Retry these button (which names only the run): the one
 * source prefix all missing and different objects are under, and how many they are.
 */
export interface RetryOffer {
  prefix: string;
  objects: number;
  /** The first `RETRY_KEYS_MAX` of those source keys: what the retry's own check looks at again. */
  keys?: string[];
  /**
   * A list retry (OMS): of the `count` objects the provider's list names, `objects` were found at
   * the source by the check, `bytes` in all: the retry's size, as its request shows it.
   */
  list?: { count: number; objects: number; bytes: number };
}

/** Keys kept per retry for its reconciling check (1,024 bytes at most each: 1 MiB in all). */
export const RETRY_KEYS_MAX = 1_000;

/** Kept this long: a button older than that finds nothing and says so. */
export const OFFER_TTL_MS = 7 * 24 * 60 * 60_000;

export function offerKey(teamId: string, r: { connection: string; kind: string; id: string }): string {
  return `objects:retry:${teamId}:${r.connection}:${r.kind}:${r.id}`;
}
