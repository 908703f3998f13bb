import { type LatencySummary, spread } from '../stats.js';
import { RTT_MS } from '../targets.js';
import type { AckLatencyResult, AckRow } from './ack-latency.js';

/** The ack benchmark's section of the report (moved out of run.ts, which holds the steps). */
const ms = (s: LatencySummary | undefined) => (s ? `${s.p50} / ${s.p95} / ${s.p99} / ${s.max}` : '–');

export function ackSection(ack: AckLatencyResult, shared: AckLatencyResult | undefined): string[] {
  const row = (r: AckRow) =>
    `| ${r.name} | ${ms(r.commandAck)} | ${spread(r.commandBurstP99s)} | ${ms(r.buttonAck)} | ${spread(r.buttonBurstP99s)} | ${ms(r.statusReplyNoLatency)} | ${ms(r.statusReplyWith50msRtt)} |`;
  const table = (result: AckLatencyResult) => [
    '| receiver | command ack p50 / p95 / p99 / max (ms) | p99 of each command burst: median (min–max) | button ack p50 / p95 / p99 / max | p99 of each button burst: median (min–max) | status reply, provider on loopback | status reply, 50 ms RTT |',
    '|---|---|---|---|---|---|---|',
    ...result.rows.map(row),
    '',
  ];
  const placed = ack.placement === 'placed';
  return [
    '## Ack latency (HTTP receiver, signed requests)',
    '',
    `Bursts of ${ack.concurrency} simultaneous signed requests (${ack.rounds} bursts of \`/migrate status <id>\` and ${ack.rounds} of a card's Refresh button per receiver, each request on its own connection), from a load generator in its own process; the time is from sending to the HTTP answer (the ack). Slack's limit is 3,000 ms. The receivers' bursts take turns in each round (the first one changes every round), each burst once every process is idle again, so no receiver's work after its acks falls into another's bursts. The reply columns time one \`/migrate status\` at a time from the command to its answer on the response_url, with the provider on loopback and with ${RTT_MS} ms added to every provider request. The floor rows run the same bursts against Bolt alone and against a bare Node HTTP server, on the same machine and load generator: no bot can ack faster than those.`,
    '',
    placed
      ? 'Judged **placed** (`bench/cpu-placement.ts`): the receiver under test alone on one CPU, as a bot is in production; the load generator (Slack) and the simulators with the fake Slack (the clouds) on the other, those at the lowest priority. Below it the same bursts with every process on both CPUs (**shared**, the form of the reports before), not judged.'
      : 'Every process on every CPU (**shared**: this machine could not place them).',
    '',
    ...table(ack),
    ...(shared
      ? ['Shared (every process on both CPUs), same build, right after:', '', ...table(shared)]
      : []),
  ];
}
