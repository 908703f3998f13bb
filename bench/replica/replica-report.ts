import { STILL_SECONDS } from './replica-phases.js';
import type { ReplicaResult } from './replica-types.js';

const n = (x: number) => x.toLocaleString('en-US');
const s = (ms: number) => `${Math.round(ms / 100) / 10}`;

/** The report's section on the replica rows (issue #41), one block per build measured. */
export function replicaSection(results: ReplicaResult[]): string[] {
  if (results.length === 0) return [];
  const first = results[0]!;
  const lines = [
    '## Replicas on Redis',
    '',
    `${n(first.watches)} watches over ${first.connections} connections (the poll benchmark's world: one simulator each, ${first.rttMs} ms added to every provider request, the fake Slack enforcing the tiers), watcher replicas each in a process of its own on one Redis, each on its own schedule: a cycle at every multiple of the interval (${s(first.intervalMs)} s) of the wall clock, skipped while the last one runs (the watcher's node-cron schedule), so the replicas' cycles of one tick form a **round**. The lease period is the watcher's rule for that interval (${s(first.leaseMs)} s). In order: one replica's idle rounds; a second replica joins (its shares over two lease periods and two intervals), the two's idle rounds; a busy step (every resource moves 10 points, 1 % finish and 1 % fail) during which one of the two gets SIGKILL in its busy cycle; three replicas join the survivor, the four's idle rounds; a second busy step and its catch-up with four. The bench only watches from outside: the cycles each replica recorded, the requests each simulator served (sampled every 50 ms: a connection's unpolled gap is the time between two samples that saw requests), and the posts the fake Slack accepted (an ending is never said if no post named it by the end of the window (the window ends when every ending was said or Slack heard nothing new for ${STILL_SECONDS} s, longer than the workspace's 60 s posting window, whose budget a backlog spends in a burst and then waits for; the replies still in the outboxes then are counted too), a post is twice if the same channel, thread and content came again).`,
    '',
    ...(results.some((r) => r.topology === 'cluster')
      ? [
          "The same steps on a local **3-master Redis Cluster** (issue #50: Debian's `redis-server` on free ports, started for the run and stopped at its end, no persistence), right after the one-Redis steps of the same run: its rows are judged against those.",
          '',
        ]
      : []),
  ];
  for (const r of results) {
    lines.push(
      ...(results.length > 1 || r.build
        ? [
            `### ${r.build ?? 'this build'}${r.topology === 'cluster' ? ', 3-master Redis Cluster' : ', one Redis'}`,
            '',
          ]
        : []),
      `Setup ${s(r.setupMs)} s${r.smoke ? ' (smoke form)' : ''}.`,
      '',
      '| replicas | idle round (ms): median (each) | provider requests a round | CPU a replica cycle (ms) | world CPU a round (ms) | highest replica RSS (MB) |',
      '|---|---|---|---|---|---|',
      ...r.idle.map(
        (i) =>
          `| ${i.replicas} | ${n(i.ms)} (${i.rounds.map(n).join(', ')}) | ${n(i.providerRequests)} | ${n(i.cpuMs)} | ${i.worldCpuMs === undefined ? '–' : n(i.worldCpuMs)} | ${i.rssMb ?? '–'} |`,
      ),
      '',
      '| join | balanced (every replica 0.5–1.5× its fair share) after (s) | shares at the end of the window | double polls | window (s) |',
      '|---|---|---|---|---|',
      ...r.join.map(
        (j) =>
          `| ${j.from} → ${j.to} | ${j.balancedAfterMs === null ? 'never' : s(j.balancedAfterMs)}${j.balancedAtEnd ? '' : ', not at the end'} | ${j.sharesAtEnd.join(' / ')} | ${j.doublePolled} | ${s(j.windowMs)} |`,
      ),
      '',
    );
    if (r.kill || r.busy)
      lines.push(
        '| busy step | longest unpolled (s) | endings | never said | still queued | posted twice | posts | Slack 429s |',
        '|---|---|---|---|---|---|---|---|',
        ...(r.kill
          ? [
              `| kill -9 of 1 of ${r.kill.replicas} | ${s(r.kill.longestGapMs)} (${r.kill.longestGapConnection}) | ${r.kill.transitions} | ${r.kill.lost} | ${r.kill.queued ?? '–'} | ${r.kill.duplicated} | ${r.kill.posts} | ${r.kill.slack429} |`,
            ]
          : []),
        ...(r.busy
          ? [
              `| ${r.busy.replicas} replicas, with catch-up (${r.busy.seconds} s) | – | ${r.busy.transitions} | ${r.busy.lost} | ${r.busy.queued ?? '–'} | ${r.busy.duplicated} | ${r.busy.posts} | ${r.busy.slack429} |`,
            ]
          : []),
        '',
      );
    if (r.redisOps)
      lines.push(
        `One idle cycle of one replica cost ${n(r.redisOps.total)} Redis commands (INFO commandstats before and after): ${Object.entries(
          r.redisOps.byCommand,
        )
          .sort(([, a], [, b]) => b - a)
          .map(([c, k]) => `${c} ${n(k)}`)
          .join(', ')}.`,
        '',
      );
  }
  return lines;
}
