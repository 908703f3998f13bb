import type { PollScaleRow } from '../poll/poll-scale-types.js';
import { ratio } from '../stats.js';
import type { Target } from '../targets.js';
import type { ReplicaIdle, ReplicaJoin, ReplicaResult } from './replica-types.js';

/**
 * Issue #41's rows: replicas on Redis at 50,000 watches over 100 connections (`replica-scale.ts`),
 * and the subscriptions' provider requests against the pages they need. A smoke run shows the
 * figures of its small form, not judged.
 */
export const REPLICA_IDLE_TARGET = 1.25;
/** Issue #50: the idle round on a 3-master Redis Cluster ÷ on one Redis, same run. */
export const CLUSTER_IDLE_TARGET = 1.25;
const SHARE_LOW = 0.5;
const SHARE_HIGH = 1.5;

const n = (x: number) => x.toLocaleString('en-US');
const s = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export function replicaTargets(replica: ReplicaResult | undefined, poll: PollScaleRow[]): Target[] {
  return [...(replica ? replicaRows(replica) : []), ...subscriptionRows(poll)];
}

function replicaRows(r: ReplicaResult): Target[] {
  const judged = !r.smoke;
  const at = `${n(r.watches)} watches over ${r.connections} connections, Redis${judged ? '' : '; smoke, the target is for 50,000 over 100'}`;
  const one = r.idle.find((i) => i.replicas === 1);
  const out: Target[] = [];
  for (const idle of r.idle.filter((i) => i.replicas > 1)) out.push(idleRow(idle, one, at, judged));
  for (const join of r.join) out.push(joinRow(join, r, at, judged));
  if (r.kill) {
    const k = r.kill;
    const bound = r.leaseMs + r.intervalMs;
    out.push(
      {
        what: `replica killed (kill -9 of 1 of ${k.replicas} replicas in a busy step): longest time a connection went unpolled (${at})`,
        target: `≤ lease period + interval = ${s(bound)}`,
        figure: `${s(k.longestGapMs)} (${k.longestGapConnection}; lease ${s(r.leaseMs)}, interval ${s(r.intervalMs)})`,
        met: judged ? k.longestGapMs <= bound : null,
      },
      {
        what: `replica killed (kill -9 of 1 of ${k.replicas} replicas in a busy step): posts lost and posted twice (${at})`,
        target: '0 lost, 0 twice',
        figure: `${k.lost} never said, ${k.duplicated} twice (${k.transitions} endings, ${k.posts} posts${k.queued ? `; ${k.queued} replies still queued when the window ended` : ''})`,
        met: judged ? k.lost === 0 && k.duplicated === 0 : null,
      },
    );
  }
  if (r.busy) {
    const b = r.busy;
    out.push({
      what: `Slack 429s with ${b.replicas} replicas, busy step and its catch-up, fake Slack enforcing the tiers (${at})`,
      target: '0',
      figure: `${b.slack429} (${b.slackCalls} Slack calls in ${b.seconds} s; ${b.lost} of ${b.transitions} endings not said yet, ${b.queued ?? 0} replies still queued, ${b.duplicated} posted twice)`,
      met: judged ? b.slack429 === 0 : null,
    });
  }
  return out;
}

/** n replicas' idle round against one replica's ÷ n. */
function idleRow(idle: ReplicaIdle, one: ReplicaIdle | undefined, at: string, judged: boolean): Target {
  const what = `idle cycle with ${idle.replicas} replicas ÷ (the 1-replica cycle ÷ ${idle.replicas}) (${at})`;
  const target = `≤ ${REPLICA_IDLE_TARGET}×`;
  if (!one || !Number.isFinite(idle.ms) || !Number.isFinite(one.ms))
    return { what, target, figure: 'not measured in this run', met: null };
  const share = one.ms / idle.replicas;
  const r = ratio(idle.ms, share);
  return {
    what,
    target,
    figure: `${r}× (${n(idle.ms)} ms vs ${n(one.ms)} ÷ ${idle.replicas} = ${n(Math.round(share))} ms; provider requests a round ${n(idle.providerRequests)} vs ${n(one.providerRequests)})`,
    met: judged ? r <= REPLICA_IDLE_TARGET : null,
  };
}

function joinRow(join: ReplicaJoin, r: ReplicaResult, at: string, judged: boolean): Target {
  const bound = 2 * r.leaseMs;
  const after = join.balancedAfterMs;
  const within = after !== null && after <= bound && join.balancedAtEnd;
  return {
    what: `replica share after ${join.to - join.from === 1 ? 'a replica joins' : `${join.to - join.from} replicas join`} (${join.from} → ${join.to}): every replica's connections ÷ fair share (${at})`,
    target: `${SHARE_LOW}–${SHARE_HIGH}× within two lease periods (${s(bound)})`,
    figure: `${after === null ? 'never' : `after ${s(after)}`}; at the end ${join.sharesAtEnd.join(' / ')}× (${join.doublePolled} double polls)`,
    met: judged ? within && join.doublePolled === 0 : null,
  };
}

/** Provider requests counted at the simulators per idle cycle ÷ the pages the seeds make necessary. */
function subscriptionRows(poll: PollScaleRow[]): Target[] {
  return poll
    .filter((row) => row.follow === 'subscriptions')
    .map((row) => {
      const needed = row.pages['huawei-oms'] + row.pages.ncp + row.pages.upcloud;
      const r = ratio(row.idle.providerRequests, needed);
      const judged = row.watches === 10_000;
      const by = row.idle.byProvider;
      return {
        what: `subscriptions: provider requests per idle cycle ÷ list pages needed (${n(row.watches)} resources through ${row.connections} subscriptions${judged ? '' : '; the target is for 10,000'})`,
        target: '1×',
        figure: `${r}× (${row.idle.providerRequests} vs ${needed}: OMS ${by['huawei-oms']} (${row.pages['huawei-oms']}), NCP ${by.ncp} (${row.pages.ncp}), UpCloud ${by.upcloud} (${row.pages.upcloud}))`,
        met: judged ? row.idle.providerRequests === needed : null,
      };
    });
}

/**
 * Issue #50's cluster rows, beside the one-Redis rows of the same run: the idle round of each
 * replica count on the cluster ÷ on one Redis (judged on one replica, the issue's "idle cycle";
 * two and four shown), Slack's 429s through the kill and busy steps, and the kill -9 failover
 * (a connection's longest unpolled time, endings lost or said twice) within the lease bound.
 */
export function clusterTargets(
  single: ReplicaResult | undefined,
  cluster: ReplicaResult | undefined,
): Target[] {
  if (!cluster) return [];
  const judged = !cluster.smoke;
  const at = `${n(cluster.watches)} watches over ${cluster.connections} connections, 3-master Redis Cluster${judged ? '' : '; smoke, the target is for 50,000 over 100'}`;
  const idleOf = (r: ReplicaResult | undefined, replicas: number) =>
    r?.idle.find((i) => i.replicas === replicas);
  const ratios = cluster.idle
    .map((c) => ({ c, s: idleOf(single, c.replicas) }))
    .filter(({ c, s }) => s && Number.isFinite(c.ms) && Number.isFinite(s.ms))
    .map(({ c, s }) => ({ replicas: c.replicas, r: ratio(c.ms, s!.ms), c: c.ms, s: s!.ms }));
  const one = ratios.find((x) => x.replicas === 1);
  const others = ratios.filter((x) => x.replicas !== 1);
  const out: Target[] = [
    {
      what: `idle cycle of one replica on the cluster ÷ on one Redis, same run (${at})`,
      target: `≤ ${CLUSTER_IDLE_TARGET}×`,
      figure: one
        ? `${one.r}× (${n(one.c)} ms vs ${n(one.s)} ms${others.map((x) => `; ${x.replicas} replicas ${x.r}×, ${n(x.c)} vs ${n(x.s)} ms`).join('')})`
        : 'not measured in this run',
      met: one && judged ? one.r <= CLUSTER_IDLE_TARGET : null,
    },
  ];
  const k = cluster.kill;
  const b = cluster.busy;
  if (k || b) {
    const n429 = (k?.slack429 ?? 0) + (b?.slack429 ?? 0);
    out.push({
      what: `Slack 429s on the cluster, kill -9 step and busy step with its catch-up, fake Slack enforcing the tiers (${at})`,
      target: '0',
      figure: `${n429} (kill step ${k?.slack429 ?? '–'}, busy step ${b?.slack429 ?? '–'}; ${b?.slackCalls ?? 0} Slack calls in the busy step)`,
      met: judged ? n429 === 0 : null,
    });
  }
  if (k) {
    const bound = cluster.leaseMs + cluster.intervalMs;
    out.push({
      what: `replica killed on the cluster (kill -9 of 1 of ${k.replicas} replicas in a busy step): longest time a connection went unpolled; endings lost and said twice (${at})`,
      target: `≤ lease period + interval = ${s(bound)}; 0 lost, 0 twice`,
      figure: `${s(k.longestGapMs)} (${k.longestGapConnection}); ${k.lost} never said, ${k.duplicated} twice (${k.transitions} endings${k.queued ? `, ${k.queued} replies still queued` : ''})`,
      met: judged ? k.longestGapMs <= bound && k.lost === 0 && k.duplicated === 0 : null,
    });
  }
  return out;
}
