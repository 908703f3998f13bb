import type { LatencySummary } from './stats.js';
import { summarize } from './stats.js';

/**
 * Failure detection in the poll benchmark (issue #15): from the moment the world flips the
 * resources' states (`advance`) to the first `chat.postMessage` the fake Slack accepts that names
 * the failed resource (its thread reply, its channel post, or a channel post listing several).
 * Card edits (`chat.update`) do not count: the card alone tells no one.
 */

/**
 * The poll interval as the benchmark drives the watcher: its schedule is off and the bench runs
 * the next cycle this long after the previous one ended (the busy cycle starts right after the
 * flip, so the figure holds no wait for a poll beyond this).
 */
export const BENCH_POLL_PAUSE_MS = 1_000;
/** The target: p99 ≤ poll interval + 10 s. */
export const DETECTION_SLACK_MS = 10_000;

export interface DetectionFigures {
  /** Resources that failed in the busy step. */
  expected: number;
  /** Of those, announced in Slack by the end of the catch-up. */
  posted: number;
  /** ms from the flip to the first post naming it, over the posted ones. */
  latency: LatencySummary;
  /** Channel posts that named at least one failed resource, and how many named more than one. */
  posts: number;
  listings: number;
}

/** Resource names the world gave (`bench-<n>`), as they appear in a post's text and blocks. */
const NAME = /bench-\d+/g;

/** Kept in the world process: which resources will fail, when they flipped, when each was first said. */
export class DetectionTracker {
  readonly #failing = new Set<string>();
  readonly #first = new Map<string, number>();
  #flippedAt: number | undefined;
  #posts = 0;
  #listings = 0;

  /** This resource fails in the busy step. */
  failing(name: string): void {
    this.#failing.add(name);
  }

  /** The world's clock moved: the states flip now. */
  flipped(at = Date.now()): void {
    this.#flippedAt = at;
    this.#first.clear();
    this.#posts = 0;
    this.#listings = 0;
  }

  /** A call the fake Slack accepted. */
  call(call: { method: string; body: Record<string, unknown>; at: number }): void {
    if (this.#flippedAt === undefined || call.method !== 'chat.postMessage') return;
    const said = JSON.stringify([call.body.text, call.body.blocks]);
    const named = new Set([...said.matchAll(NAME)].map((m) => m[0]).filter((n) => this.#failing.has(n)));
    if (named.size === 0) return;
    this.#posts++;
    if (named.size > 1) this.#listings++;
    for (const name of named) if (!this.#first.has(name)) this.#first.set(name, call.at);
  }

  figures(): DetectionFigures {
    const flipped = this.#flippedAt ?? 0;
    return {
      expected: this.#failing.size,
      posted: this.#first.size,
      latency: summarize([...this.#first.values()].map((at) => at - flipped)),
      posts: this.#posts,
      listings: this.#listings,
    };
  }
}

interface DetectionRow {
  store: string;
  build?: string;
  follow: string;
  watches: number;
  busy: { slack429: number };
  catchUp: { slack429: number };
  detection?: DetectionFigures;
}

const targetMs = BENCH_POLL_PAUSE_MS + DETECTION_SLACK_MS;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The target rows: one per measured size and store (subscriptions are not judged here). */
export function detectionTargets(
  rows: readonly DetectionRow[],
): { what: string; target: string; figure: string; met: boolean | null }[] {
  return rows
    .filter((r) => r.detection && r.follow !== 'subscriptions')
    .map((r) => {
      const d = r.detection!;
      const n429 = r.busy.slack429 + r.catchUp.slack429;
      const judged = r.watches >= 10_000;
      return {
        what: `failure detection: state change → failure post, p99 (${r.watches.toLocaleString('en-US')} watches, ${r.store} store, 1 % failing and 1 % finishing at once${judged ? '' : '; the target is for 10,000 and 50,000'})`,
        target: `≤ poll interval + 10 s = ${s(targetMs)}, all posted, 0 answered 429`,
        figure: `${s(d.latency.p99)} (${d.posted} of ${d.expected} posted, ${n429} × 429)`,
        met: judged ? d.latency.p99 <= targetMs && d.posted === d.expected && n429 === 0 : null,
      };
    });
}

export function detectionSection(rows: readonly DetectionRow[]): string[] {
  const measured = rows.filter((r) => r.detection);
  if (measured.length === 0) return [];
  return [
    '## Failure detection',
    '',
    `In the poll benchmark's busy step, from the moment the simulators' clock moves (every failing resource's state flips then) to the first \`chat.postMessage\` the fake Slack accepts that names the failed resource (its thread reply, a channel post, or a channel post listing several), through the busy cycle and the catch-up cycles (${BENCH_POLL_PAUSE_MS / 1000} s apart: the poll interval as the benchmark drives the watcher). The tiers are enforced throughout; 429s count the busy cycle and the catch-up.`,
    '',
    '| store | watches | failed | posted | latency p50 / p95 / p99 / max (s) | posts naming failures (listings) | 429s |',
    '|---|---|---|---|---|---|---|',
    ...measured.map((r) => {
      const d = r.detection!;
      const l = d.latency;
      const sec = (ms: number) => (Number.isNaN(ms) ? '–' : (ms / 1000).toFixed(1));
      return `| ${r.follow === 'subscriptions' ? `${r.store}, subscriptions` : r.store}${r.build ? `, **${r.build}**` : ''} | ${r.watches.toLocaleString('en-US')} | ${d.expected} | ${d.posted} | ${sec(l.p50)} / ${sec(l.p95)} / ${sec(l.p99)} / ${sec(l.max)} | ${d.posts} (${d.listings}) | ${r.busy.slack429 + r.catchUp.slack429} |`;
    }),
    '',
  ];
}
