import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { isInterimAnswer } from '../../src/slack/intake/interactive-budget.js';
import { slashCommandBody } from '../../test/harness/slack-requests.js';
import { cpuPlacement } from '../cpu-placement.js';
import { untilIdle } from '../process-idle.js';
import { type LatencySummary, medianRatio, ratio, spread, summarize } from '../stats.js';
import { type BotProcess, burst, startBotProcess, stopBotProcess } from './ack-latency.js';
import { BENCH_TASK_ID, HUNG_WORKSPACE } from './hung-constants.js';

/**
 * Other workspaces while one provider hangs: each round, a burst of `/migrate status` to one
 * workspace's connection `hw-hung`, then a burst from the other workspaces to a healthy
 * connection. In "hang" rounds the simulator behind `hw-hung` holds every request until the
 * others are all answered; in "no hang" rounds it answers. The rounds alternate in one bot
 * process, so the two conditions share the machine's state and load.
 */
export interface HungProviderOptions {
  /** Commands sent at once to the hung connection each round, before the others. */
  hungBurst: number;
  /** Commands sent at once from the other workspaces each round. */
  others: number;
  /** The other workspaces, taking the commands in turn. */
  workspaces: number;
  /** Rounds per condition. */
  rounds: number;
  /** Unmeasured rounds per condition first. */
  warmUpRounds: number;
}

export interface HungCondition {
  /** The other workspaces' acks (send to HTTP answer). */
  ack: LatencySummary;
  /** The other workspaces' answers (send to the answer on the response_url). */
  reply: LatencySummary;
  /** Each round's own p99 of the acks and of the answers (absent in reports before them). */
  roundAckP99s?: number[];
  roundReplyP99s?: number[];
  /** Commands to `hw-hung` whose first post was the interim "not answering yet". */
  interims: number;
  /** Commands to `hw-hung` answered in the end. */
  answered: number;
  sent: number;
}

export interface HungProviderResult extends HungProviderOptions {
  /** The build measured (`--compare`'s label); absent: this build. */
  build?: string;
  noHang: HungCondition;
  hang: HungCondition;
  /** Hang ÷ no hang, other workspaces' p99. */
  ackP99Ratio: number;
  replyP99Ratio: number;
}

const ANSWER_WAIT_MS = 90_000;

interface RecordedPost {
  at: number;
  body: Record<string, unknown>;
}

/** `build`: another build's bot (`--compare`: its compiled `bench/ack/bot-process.js`) and its label. */
export async function runHungProvider(
  options: HungProviderOptions,
  build?: { script: string; label: string },
): Promise<HungProviderResult> {
  const name = build ? `migrate-bot, ${build.label}` : 'migrate-bot (this build)';
  const bot = await startBotProcess({ name, role: 'bot', script: build?.script }, 0, {
    hungProvider: true,
    // Every process on both CPUs, not placed as the ack benchmark is: the answers go through the
    // simulators and the fake Slack, which placed would run at the lowest priority beside the load
    // generator polling them (one placed run: answer ratio 1.24× against 0.54× and 1.03× before).
    placement: cpuPlacement('shared'),
  });
  const pool = new Pool(new URL(bot.eventsUrl).origin, {
    connections: options.hungBurst + options.others,
    pipelining: 1,
  });
  const samples = { noHang: emptySamples(), hang: emptySamples() };
  const pids = bot.children.map((child) => child.pid ?? 0);
  try {
    // Unmeasured full rounds of both kinds open the connections and bring the processes to their
    // steady state (a fresh process's first bursts are slower: docs/performance.md, lesson 8).
    for (let r = 0; r < options.warmUpRounds; r++)
      for (const hang of [false, true]) {
        await round(bot, pool, options, `w${hang ? 'h' : 'n'}${r}`, hang);
        await untilIdle(pids);
      }
    // The conditions take turns, the first one changing every round, each once every process is
    // idle again, so neither gets the other's leftover work or a busier minute to itself.
    for (let r = 0; r < options.rounds; r++) {
      for (const hang of r % 2 === 0 ? [false, true] : [true, false]) {
        const got = await round(bot, pool, options, `${hang ? 'h' : 'n'}${r}`, hang);
        const into = hang ? samples.hang : samples.noHang;
        into.acks.push(...got.acks);
        into.replies.push(...got.replies);
        into.roundAckP99s.push(summarize(got.acks).p99);
        into.roundReplyP99s.push(summarize(got.replies).p99);
        into.interims += got.interims;
        into.answered += got.answered;
        into.sent += options.hungBurst;
        await untilIdle(pids);
      }
    }
  } finally {
    await pool.close();
    await stopBotProcess(bot);
  }
  const noHang = condition(samples.noHang);
  const hang = condition(samples.hang);
  return {
    ...options,
    ...(build ? { build: build.label } : {}),
    noHang,
    hang,
    ackP99Ratio: ratio(hang.ack.p99, noHang.ack.p99),
    replyP99Ratio: ratio(hang.reply.p99, noHang.reply.p99),
  };
}

function emptySamples() {
  return {
    acks: [] as number[],
    replies: [] as number[],
    roundAckP99s: [] as number[],
    roundReplyP99s: [] as number[],
    interims: 0,
    answered: 0,
    sent: 0,
  };
}

function condition(s: ReturnType<typeof emptySamples>): HungCondition {
  return {
    ack: summarize(s.acks),
    reply: summarize(s.replies),
    roundAckP99s: s.roundAckP99s,
    roundReplyP99s: s.roundReplyP99s,
    interims: s.interims,
    answered: s.answered,
    sent: s.sent,
  };
}

async function round(
  bot: BotProcess,
  pool: Pool,
  options: HungProviderOptions,
  tag: string,
  hang: boolean,
): Promise<{ acks: number[]; replies: number[]; interims: number; answered: number }> {
  const eventsPath = new URL(bot.eventsUrl).pathname;
  const command = (id: string, teamId: string, connection: string) =>
    slashCommandBody({
      text: `status ${connection}:${BENCH_TASK_ID}`,
      team_id: teamId,
      response_url: `${bot.fakeSlackUrl}/response/${id}`,
    });
  const hungIds = Array.from({ length: options.hungBurst }, (_, i) => `hung-${tag}-${i}`);
  const otherIds = Array.from({ length: options.others }, (_, i) => `other-${tag}-${i}`);
  if (hang) await holdRequests(bot, true);
  await burst(
    pool,
    eventsPath,
    hungIds.map((id) => command(id, HUNG_WORKSPACE, 'hw-hung')),
  );
  const sentAt = Date.now();
  const acks = await burst(
    pool,
    eventsPath,
    otherIds.map((id, i) =>
      command(id, `T0OTHER${String((i % options.workspaces) + 1).padStart(2, '0')}`, 'hw-prod'),
    ),
  );
  // The fake Slack stamps each post with its arrival time (same machine clock).
  const replies = [...(await answers(bot, otherIds)).values()].map((post) => post.at - sentAt);
  // The hang lasts until every command to it has said "not answering yet" (the first-answer budget).
  if (hang) await firstPosts(bot, hungIds);
  if (hang) await holdRequests(bot, false);
  const hung = await answers(bot, hungIds);
  let interims = 0;
  for (const post of hung.values()) if (post.interimFirst) interims++;
  return { acks, replies, interims, answered: hung.size };
}

async function holdRequests(bot: BotProcess, hold: boolean): Promise<void> {
  const res = await fetch(`${bot.hungOmsUrl}/__sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ settings: { hold } }),
  });
  if (!res.ok) throw new Error(`could not set hold=${hold} on the hung simulator: HTTP ${res.status}`);
}

/** Each command's answer (its first post that is not the interim), polled one id at a time. */
async function answers(
  bot: BotProcess,
  ids: string[],
): Promise<Map<string, { at: number; interimFirst: boolean }>> {
  const found = new Map<string, { at: number; interimFirst: boolean }>();
  for (const id of ids) {
    const posts = await postsWhen(bot, id, (p) => p.some((post) => !isInterimAnswer(post.body)));
    const answer = posts.find((p) => !isInterimAnswer(p.body))!;
    found.set(id, { at: answer.at, interimFirst: posts[0] !== answer });
  }
  return found;
}

/** Waits until each command has posted something. */
async function firstPosts(bot: BotProcess, ids: string[]): Promise<void> {
  for (const id of ids) await postsWhen(bot, id, (posts) => posts.length > 0);
}

async function postsWhen(
  bot: BotProcess,
  id: string,
  done: (posts: RecordedPost[]) => boolean,
): Promise<RecordedPost[]> {
  const deadline = Date.now() + ANSWER_WAIT_MS;
  for (;;) {
    const posts = (await (
      await fetch(`${bot.fakeSlackUrl}/__fake/responses/${encodeURIComponent(id)}`)
    ).json()) as RecordedPost[];
    if (done(posts)) return posts;
    if (Date.now() > deadline) throw new Error(`nothing from ${id} within ${ANSWER_WAIT_MS / 1000} s`);
    await sleep(20);
  }
}

const times = (r: number | undefined) => (r === undefined ? '' : `${r}×`);
const ms = (s: LatencySummary) => `${s.p50} / ${s.p95} / ${s.p99} / ${s.max}`;

export function hungProviderSection(result: HungProviderResult): string[] {
  const row = (name: string, c: HungCondition) =>
    `| ${name} | ${ms(c.ack)} | ${spread(c.roundAckP99s)} | ${ms(c.reply)} | ${spread(c.roundReplyP99s)} | ${c.interims} of ${c.sent} | ${c.answered} of ${c.sent} |`;
  const warmUp = result.warmUpRounds ? ` after ${result.warmUpRounds} unmeasured rounds of each` : '';
  return [
    `## Other workspaces while one provider hangs${result.build ? `: ${result.build}` : ''}`,
    '',
    `Each round: ${result.hungBurst} simultaneous \`/migrate status\` from one workspace to its connection \`hw-hung\` (acked first), then ${result.others} simultaneous \`/migrate status\` from ${result.workspaces} other workspaces to a healthy connection, timed from sending to the ack and to the answer on the response_url. In the **hang** rounds the simulator behind \`hw-hung\` answers nothing until every other answer is in and every \`hw-hung\` command has said "not answering yet" (the first-answer budget, 2.5 s); in the **no hang** rounds it answers at once. ${result.rounds} rounds of each in one bot process${warmUp}, taking turns (the first one changing every round), each round once every process is idle again. Every process on both CPUs. The last two columns count the \`hw-hung\` commands whose first post was "not answering yet" and those answered in the end.`,
    '',
    "| condition | other workspaces: ack p50 / p95 / p99 / max (ms) | p99 of each round's acks: median (min–max) | answer p50 / p95 / p99 / max (ms) | p99 of each round's answers: median (min–max) | hw-hung: interim first | hw-hung: answered |",
    '|---|---|---|---|---|---|---|',
    row('no hang', result.noHang),
    row('hang', result.hang),
    `| hang ÷ no hang, p99 | ${result.ackP99Ratio}× | ${times(medianRatio(result.hang.roundAckP99s, result.noHang.roundAckP99s))} | ${result.replyP99Ratio}× | ${times(medianRatio(result.hang.roundReplyP99s, result.noHang.roundReplyP99s))} | | |`,
    '',
  ];
}
