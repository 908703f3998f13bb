import type { AckLatencyResult, AckRow } from './ack/ack-latency.js';
import type { HungProviderResult } from './ack/hung-provider.js';
import { type ClickCallsResult, clickCallTargets } from './click/click-calls.js';
import type { ClickScaleResult, ClickSide } from './click/click-targets.js';
import { detectionTargets } from './failure-detection.js';
import type { PollScaleRow } from './poll/poll-scale.js';
import { clusterTargets, replicaTargets } from './replica/replica-targets.js';
import type { ReplicaResult } from './replica/replica-types.js';
import { median, medianRatio, ratio } from './stats.js';
import type { StoreWritesRow } from './store-writes.js';

/**
 * Issue #15's targets, judged on the figures of the same run: most are ratios to a floor measured
 * alongside (bare Node + signature check, the bare clients' list pages, the run without the hang), so a
 * busier or slower machine moves both sides.
 */
/** Bot ack p99 ÷ the bare Node HTTP + signature check floor's p99. */
export const ACK_FLOOR_RATIO_TARGET = 1.25;
/** Idle poll cycle ÷ the physical floor, at 10,000 and 50,000 watches. */
export const IDLE_FLOOR_RATIO_TARGET = 1.1;
export const RSS_TARGET_MB = 150;
/** RSS growth per extra watch from 10,000 to 50,000, in KiB. */
export const RSS_GROWTH_TARGET_KB = 1;
/** Adding 10,000 watches on the embedded store. */
export const STORE_WRITES_TARGET_MS = 3000;
/** Other workspaces' ack and answer p99 while one provider hangs ÷ the same without. */
export const HUNG_RATIO_TARGET = 1.2;
const JUDGED_SIZES = [10_000, 50_000];
/** memory:// (tests), Redis (replicas), SQLite (the embedded default, one replica). */
const STORES = ['memory', 'redis', 'sqlite'] as const;

/**
 * Issue #47: a card click's ack and answer (the edit of the card clicked on) on a store of 50,000
 * watches ÷ on one of 100, same run, Redis (`click-scale.ts`).
 *
 * The target, 1.5×: a click reads the clicked resource's own records by key (`ResourceWatches`),
 * so nothing it does grows with the watches of other resources; what still differs between the
 * two stores (Redis' tables and the bot's heap being larger) is far below a millisecond. A ratio
 * near 1× is expected (0.84–1.09× in smoke runs); 1.5× leaves room for a shared, loaded 2-core
 * machine, where a 10 ms answer moves by a few milliseconds between runs, and still fails the
 * path it replaced: reading the watch index and filtering it made the answer 10.97× (105 vs
 * 9.6 ms) in a smoke run, and decoding every record (`loadAll`, before that) costs more. Judged
 * on the medians of clicks sent one at a time (the p95 of 80 clicks is their fourth slowest,
 * which the machine's other work decides); the p95s are shown beside.
 */
export const CLICK_SCALE_TARGET = 1.5;

/** Checks kept from earlier issues, reported under the targets. */
const REQUEST_RATIO_TARGET = 20;
export const RTT_MS = 50;
const REPLY_TARGET_MS = RTT_MS + 30;

export interface Target {
  what: string;
  target: string;
  figure: string;
  /** null: not judged (a smoke run, or a figure this bench does not measure yet). */
  met: boolean | null;
}

export interface Judged {
  /** Issue #15's table, in its order. */
  targets: Target[];
  /** Earlier goals the bench still measures. */
  checks: Target[];
}

const n = (x: number) => x.toLocaleString('en-US');

export function evaluate(
  ack: AckLatencyResult | undefined,
  poll: PollScaleRow[],
  hung: HungProviderResult | undefined,
  store?: StoreWritesRow[],
  ackShared?: AckLatencyResult,
  replica?: ReplicaResult,
  cluster?: ReplicaResult,
  clicks?: ClickScaleResult,
  calls?: ClickCallsResult,
): Judged {
  // This build's rows: `--compare`'s are judged apart (compare.ts).
  const mine = poll.filter((r) => r.build === undefined);
  const watched = mine.filter((r) => r.follow !== 'subscriptions');
  return {
    targets: [
      ...ackTargets(ack),
      ...ackTargets(ackShared),
      ...idleTargets(watched),
      ...rssTargets(watched),
      ...failureDetection(watched),
      ...storeTargets(store),
      ...hungTargets(hung),
      // Issue #41: replicas, and subscriptions against the pages they need.
      ...replicaTargets(replica, mine),
      // Issue #47: a click no longer scales with the watches; issue #50: the replicas on a cluster.
      ...clickTargets(clicks),
      ...clusterTargets(replica, cluster),
      // Issue 58: a click asks the provider for the action and one read at most.
      ...clickCallTargets(calls),
    ],
    checks: otherChecks(ack, mine),
  };
}

function ackTargets(ack: AckLatencyResult | undefined): Target[] {
  const bot = ack?.rows.find((r) => r.role === 'bot');
  if (!ack || !bot) return [];
  const floor = ack.rows.find((r) => r.role === 'raw-http');
  const full = ack.concurrency === 200;
  // Reports before placement ran every process on both CPUs and were judged so.
  const judged = full && ack.placement !== 'shared';
  const where =
    ack.placement === 'placed'
      ? ', the bot alone on its CPU'
      : ack.placement === 'shared'
        ? ', every process on both CPUs (shown, not judged)'
        : '';
  const note = full ? '' : ' (smoke; the target is for 200)';
  return (
    [
      ['commands (/migrate status)', (r: AckRow) => r.commandAck],
      ['button clicks', (r: AckRow) => r.buttonAck],
    ] as const
  ).map(([what, of]) => {
    const at = `ack p99, ${ack.concurrency} concurrent ${what} ÷ bare Node + signature floor${where}${note}`;
    const target = `≤ ${ACK_FLOOR_RATIO_TARGET}× the floor of the same run`;
    if (!floor) return { what: at, target, figure: 'no floor measured', met: null };
    const r = ratio(of(bot).p99, of(floor).p99);
    const bursts = (row: AckRow) => (what === 'button clicks' ? row.buttonBurstP99s : row.commandBurstP99s);
    const typical = typicalP99('burst', bursts(bot), bursts(floor));
    return {
      what: at,
      target,
      figure: `${r}× (${of(bot).p99} vs ${of(floor).p99} ms${typical})`,
      met: judged ? r <= ACK_FLOOR_RATIO_TARGET : null,
    };
  });
}

/** The rows the target is for (10,000 and 50,000), or the largest measured in a smoke run. */
function judgedRows(watched: PollScaleRow[]): PollScaleRow[] {
  const rows = watched.filter((r) => JUDGED_SIZES.includes(r.watches));
  return rows.length > 0 ? rows : watched.slice(-1);
}

function where(r: PollScaleRow, targetFor: string): string {
  const judged = JUDGED_SIZES.includes(r.watches);
  return `${n(r.watches)} watches, ${r.store} store${judged ? '' : `; the target is for ${targetFor}`}`;
}

/**
 * Two rows per size and store: the issue's, against the floor computed from the RTT alone (no
 * client or server time per request), and the same cycle against the floor measured in the same
 * run: the same list pages read by the bare provider clients over the same lanes, nothing else.
 */
function idleTargets(watched: PollScaleRow[]): Target[] {
  const target = `≤ ${IDLE_FLOOR_RATIO_TARGET}×`;
  const measured = judgedRows(watched);
  const full = measured.some((r) => JUDGED_SIZES.includes(r.watches));
  // A full run names every size and store the target is for, measured or not.
  const rows = full
    ? STORES.flatMap((store) => JUDGED_SIZES.map((size) => ({ store, size })))
    : measured.map((r) => ({ store: r.store, size: r.watches }));
  const floors = [
    {
      name: 'physical floor (pages × RTT)',
      measured: (_r: PollScaleRow) => true,
      figure: (r: PollScaleRow) => `${r.idleToFloor}× (${n(r.idle.ms)} ms vs ${n(r.floorMs)} ms)`,
      ratio: (r: PollScaleRow) => r.idleToFloor,
    },
    {
      name: 'measured floor (the same pages, bare clients, same run)',
      // Reports written before the bare list was measured have none.
      measured: (r: PollScaleRow) => r.bare !== undefined,
      figure: (r: PollScaleRow) =>
        `${r.idleToBare}× (${n(r.idle.ms)} ms vs ${n(r.bare.ms)} ms; the bare clients alone ${ratio(r.bare.ms, r.floorMs)}× pages × RTT)`,
      ratio: (r: PollScaleRow) => r.idleToBare,
    },
  ];
  return floors.flatMap((floor) =>
    rows.map(({ store, size }) => {
      const r = watched.find((row) => row.store === store && row.watches === size);
      if (!r || !floor.measured(r))
        return {
          what: `idle poll cycle ÷ ${floor.name} (${n(size)} watches, ${store} store)`,
          target,
          figure: 'not measured in this run',
          met: null,
        };
      return {
        what: `idle poll cycle ÷ ${floor.name} (${where(r, '10,000 and 50,000')})`,
        target,
        figure: floor.figure(r),
        met: JUDGED_SIZES.includes(r.watches) ? floor.ratio(r) <= IDLE_FLOOR_RATIO_TARGET : null,
      };
    }),
  );
}

/**
 * The peak during the idle, busy and catch-up cycles (a memory limit has to hold every cycle's).
 * Reports before 2026-11-25: RSS right after the idle and busy cycles; before its fourteenth
 * session, the catch-up cycles were not sampled.
 */
const rssOf = (r: PollScaleRow) =>
  Math.max(
    r.idle.cyclePeakRssMb ?? r.idle.rssMb,
    r.busy.cyclePeakRssMb ?? r.busy.rssMb,
    r.catchUp.cyclePeakRssMb ?? 0,
  );
const cyclesJudged = (r: PollScaleRow) =>
  r.idle.cyclePeakRssMb === undefined
    ? 'idle and busy cycles'
    : `peak during the idle, busy${r.catchUp.cyclePeakRssMb === undefined ? '' : ' and catch-up'} cycles`;

function rssTargets(watched: PollScaleRow[]): Target[] {
  const out: Target[] = [];
  const tenK = watched.filter((r) => r.watches === 10_000);
  for (const r of tenK.length > 0 ? tenK : watched.slice(-1)) {
    const judged = r.watches === 10_000;
    out.push({
      what: `watcher RSS, ${cyclesJudged(r)} (${n(r.watches)} watches, ${r.store} store${judged ? '' : '; the target is for 10,000'})`,
      target: `≤ ${RSS_TARGET_MB} MB`,
      figure: `${rssOf(r)} MB`,
      met: judged ? rssOf(r) <= RSS_TARGET_MB : null,
    });
  }
  for (const small of tenK) {
    const large = watched.find((r) => r.store === small.store && r.watches === 50_000);
    const what = `watcher RSS growth per extra watch, 10,000 → 50,000 (${small.store} store)`;
    if (!large) {
      out.push({
        what,
        target: `≤ ${RSS_GROWTH_TARGET_KB} KB`,
        figure: 'not measured in this run (no 50,000)',
        met: null,
      });
      continue;
    }
    const perWatchKb = Math.round((((rssOf(large) - rssOf(small)) * 1024) / (50_000 - 10_000)) * 100) / 100;
    out.push({
      what,
      target: `≤ ${RSS_GROWTH_TARGET_KB} KB`,
      figure: `${perWatchKb} KB (${rssOf(small)} → ${rssOf(large)} MB)`,
      met: perWatchKb <= RSS_GROWTH_TARGET_KB,
    });
  }
  return out;
}

/**
 * The issue's p99 from a provider's state change to the first post naming the failure (timed per
 * resource by bench/failure-detection.ts), and no 429 answered while the tiers are enforced.
 */
function failureDetection(watched: PollScaleRow[]): Target[] {
  return judgedRows(watched).flatMap((r) => {
    const at = where(r, '10,000 and 50,000');
    const n429 = r.idle.slack429 + r.busy.slack429 + r.catchUp.slack429;
    const [timed] = detectionTargets([r]);
    return [
      timed ?? {
        what: `failure detection: state change → failure post p99, 1 % failing and 1 % finishing at once (${at})`,
        target: '≤ poll interval + 10 s',
        figure: `not timed in this run; every reply out ${r.catchUp.seconds} s after the busy cycle`,
        met: null,
      },
      {
        what: `failure detection: Slack 429s answered, fake Slack enforcing the tiers (${at})`,
        target: '0',
        figure: `${n429} (busy cycle ${r.busy.slack429}, catch-up ${r.catchUp.slack429})`,
        met: JUDGED_SIZES.includes(r.watches) ? n429 === 0 : null,
      },
    ];
  });
}

function storeTargets(store: StoreWritesRow[] | undefined): Target[] {
  const sqlite = store?.find((r) => r.store === 'sqlite' && r.index.endsWith('(this build)') && !r.build);
  if (!sqlite) return [];
  const judged = sqlite.watches === 10_000;
  return [
    {
      what: `adding ${n(sqlite.watches)} watches on the embedded store (SQLite)${judged ? '' : ' (smoke; the target is for 10,000)'}`,
      target: `≤ ${STORE_WRITES_TARGET_MS / 1000} s`,
      figure: `${(sqlite.ms / 1000).toFixed(2)} s`,
      met: judged ? sqlite.ms <= STORE_WRITES_TARGET_MS : null,
    },
  ];
}

function hungTargets(hung: HungProviderResult | undefined): Target[] {
  if (!hung) return [];
  // Judged on the full run's 500 answers per condition; the smoke run's p99 is nearly its maximum.
  const judged = hung.rounds * hung.others >= 500;
  const note = judged ? '' : ' (smoke; judged on the full run)';
  const sides = {
    ack: [hung.ackP99Ratio, 'ack', 'roundAckP99s'],
    answer: [hung.replyP99Ratio, 'reply', 'roundReplyP99s'],
  } as const;
  return Object.entries(sides).map(([what, [r, summary, rounds]]) => ({
    what: `other workspaces' ${what} p99 while one provider hangs ÷ the same run without${note}`,
    target: `≤ ${HUNG_RATIO_TARGET}×`,
    figure: `${r}× (${hung.hang[summary].p99} vs ${hung.noHang[summary].p99} ms${typicalP99('round', hung.hang[rounds], hung.noHang[rounds])})`,
    met: judged ? r <= HUNG_RATIO_TARGET : null,
  }));
}

/**
 * A typical burst's (or round's) p99 beside the pooled one, which one slow burst of either side
 * sets; empty for reports before the per-burst figures.
 */
function typicalP99(unit: string, values: number[] | undefined, base: number[] | undefined): string {
  const r = medianRatio(values, base);
  if (r === undefined) return '';
  return `; a typical ${unit}'s p99 (median of ${unit}s) ${median(values!)} vs ${median(base!)} ms, ${r}×`;
}

function otherChecks(ack: AckLatencyResult | undefined, poll: PollScaleRow[]): Target[] {
  const out: Target[] = [];
  const reply = ack?.rows.find((r) => r.role === 'bot')?.statusReplyWith50msRtt;
  if (reply)
    out.push({
      what: `/migrate status reply over a ${RTT_MS} ms RTT provider (p95)`,
      target: `≤ ${REPLY_TARGET_MS} ms`,
      figure: `${reply.p95} ms (p50 ${reply.p50})`,
      met: reply.p95 <= REPLY_TARGET_MS,
    });
  const watched = poll.filter((row) => row.follow !== 'subscriptions');
  const tenK = watched.filter((row) => row.watches === 10_000);
  for (const r of tenK.length > 0 ? tenK : watched.slice(-1))
    if (r.requestRatio !== undefined)
      out.push({
        what: `provider requests, naive ÷ watcher (${n(r.watches)} watches, ${r.store} store${r.watches === 10_000 ? '' : '; the check is for 10,000'})`,
        target: `≥ ${REQUEST_RATIO_TARGET}×`,
        figure: `${r.requestRatio}× (${r.naive?.providerRequests} vs ${r.idle.providerRequests})`,
        met: r.watches === 10_000 ? r.requestRatio >= REQUEST_RATIO_TARGET : null,
      });
  for (const r of poll.filter((row) => row.follow === 'subscriptions')) {
    // Requests ÷ the pages needed is issue #41's row (replica-targets.ts).
    const at = `${n(r.watches)} resources through ${r.connections} subscriptions`;
    const n429 = r.idle.slack429 + r.busy.slack429 + r.catchUp.slack429;
    out.push({
      what: `Slack 429s, fake Slack enforcing the tiers (${at})`,
      target: '0',
      figure: `${n429} (busy cycle ${r.busy.slack429}, catch-up ${r.catchUp.slack429})`,
      met: n429 === 0,
    });
  }
  return out;
}

export function clickTargets(result: ClickScaleResult | undefined): Target[] {
  const [small, large] = result?.sides ?? [];
  if (!result || !small || !large) return [];
  const sizes = large.watches === 50_000 && small.watches === 100;
  const judged = !result.smoke && sizes;
  const note = sizes
    ? result.smoke
      ? `; smoke, ${result.clicks} clicks a store, judged on the full run's`
      : ''
    : '; the target is for 50,000 ÷ 100';
  const at = `${n(large.watches)} ÷ ${n(small.watches)} watches, Redis, same run${note}`;
  const rows = [
    ['ack', (s: ClickSide) => s.ack, ''],
    ['answer (the edit of the card clicked on)', (s: ClickSide) => s.answer, answerNote(small, large)],
  ] as const;
  return rows.map(([what, of, note]) => {
    const r = ratio(of(large).p50, of(small).p50);
    return {
      what: `card click ("I'm on it" / "Hand back" on a failed card): ${what}, median (${at})`,
      target: `≤ ${CLICK_SCALE_TARGET}×`,
      figure: `${r}× (${of(large).p50} vs ${of(small).p50} ms; p95 ${of(large).p95} vs ${of(small).p95} ms${note})`,
      met: judged ? r <= CLICK_SCALE_TARGET && large.words === 0 && small.words === 0 : null,
    };
  });
}

function answerNote(small: ClickSide, large: ClickSide): string {
  const words = small.words + large.words;
  return words === 0 ? '' : `; ${words} answered in words, not by the edit`;
}
