import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import {
  blockActionBody,
  FORM,
  slackSignature,
  slashCommandBody,
} from '../../test/harness/slack-requests.js';
import { SIGNING_SECRET } from '../../test/harness/test-bot.js';
import { asLoadGenerator, type Placement, type PlacementMode, placedCommand } from '../cpu-placement.js';
import { untilIdle } from '../process-idle.js';
import { type LatencySummary, summarize } from '../stats.js';

export type AckRole = 'bot' | 'bare-bolt' | 'raw-http';

export interface AckTarget {
  /** Row label in the report. */
  name: string;
  role: AckRole;
  /** A compiled `bench/ack/bot-process.js` (another build, e.g. the previous commit's); ours by default. */
  script?: string;
  /** Settings of its own (environment variables), to compare one build with itself set otherwise. */
  env?: Record<string, string>;
}

export interface AckRow {
  name: string;
  role: AckRole;
  commandAck: LatencySummary;
  buttonAck: LatencySummary;
  /** Each burst's own p99, in the order sent (reports before these have none). */
  commandBurstP99s?: number[];
  buttonBurstP99s?: number[];
  /** Full `/migrate status` reply, one request at a time (bots only). */
  statusReplyNoLatency?: LatencySummary;
  statusReplyWith50msRtt?: LatencySummary;
}

export interface AckLatencyResult {
  concurrency: number;
  rounds: number;
  rows: AckRow[];
  /** Where the processes ran (`bench/cpu-placement.ts`); absent in reports before it (shared). */
  placement?: PlacementMode;
}

export interface BotProcess {
  children: ChildProcess[];
  eventsUrl: string;
  fakeSlackUrl: string;
  /** With `hungProvider`: the OMS simulator behind the `hw-hung` connection. */
  hungOmsUrl?: string;
}

const OWN_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bot-process.js');

const START_WAIT_MS = 120_000;

async function spawnRole(
  env: Record<string, string>,
  placement: Placement,
  script = OWN_SCRIPT,
): Promise<{ child: ChildProcess; info: Record<string, string> }> {
  // BENCH_CPU_PROF=<dir>: the bot (or floor) process writes a V8 CPU profile there when it stops.
  const profile =
    process.env.BENCH_CPU_PROF && env.BENCH_ROLE !== 'world'
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
  const role = env.BENCH_ROLE === 'world' ? 'world' : 'under-test';
  const { file, args } = placedCommand(placement, role, [...profile, script]);
  const child = spawn(file, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  // A bound for a process that will never start, not for a slow one: loading the harness took
  // over 30 s at load 20 (CI's smoke run shares its 2 cores with the heavy lane).
  const first = await firstLineOrKill(child, lines, env.BENCH_ROLE ?? 'bench');
  return { child, info: JSON.parse(first) as Record<string, string> };
}

/**
 * The process's first line, or it is killed after `waitMs`. The timer ends with the first line: a
 * process that started is never killed by it (the full run's processes live past two minutes).
 */
export async function firstLineOrKill(
  child: Pick<ChildProcess, 'kill'>,
  lines: { once(event: 'line', listener: (line: string) => void): unknown },
  role: string,
  waitMs = START_WAIT_MS,
): Promise<string> {
  const started = new AbortController();
  try {
    return await Promise.race([
      new Promise<string>((resolve) => lines.once('line', resolve)),
      sleep(waitMs, undefined, { ref: false, signal: started.signal }).then(() => {
        child.kill('SIGKILL');
        throw new Error(`${role} process did not start within ${waitMs / 1000} s`);
      }),
    ]);
  } finally {
    started.abort();
  }
}

/**
 * The world (simulator + fake Slack) and the bot (or a floor) each in their own process. With
 * `hungProvider`, a second simulator serves the `hw-hung` connection of one workspace.
 */
export async function startBotProcess(
  target: AckTarget,
  providerLatencyMs: number,
  options: { hungProvider?: boolean; placement: Placement },
): Promise<BotProcess> {
  const world = await spawnRole(
    {
      BENCH_ROLE: 'world',
      BENCH_PROVIDER_LATENCY_MS: String(providerLatencyMs),
      BENCH_HUNG_PROVIDER: options.hungProvider ? '1' : '',
    },
    options.placement,
  );
  const bot = await spawnRole(
    {
      BENCH_ROLE: target.role,
      BENCH_OMS_URL: world.info.omsUrl!,
      BENCH_FAKE_SLACK_URL: world.info.fakeSlackUrl!,
      BENCH_HUNG_OMS_URL: world.info.hungOmsUrl ?? '',
      ...target.env,
    },
    options.placement,
    target.script,
  );
  return {
    children: [bot.child, world.child],
    eventsUrl: bot.info.eventsUrl!,
    fakeSlackUrl: world.info.fakeSlackUrl!,
    hungOmsUrl: world.info.hungOmsUrl,
  };
}

export async function stopBotProcess(bot: BotProcess): Promise<void> {
  for (const child of bot.children) {
    child.kill('SIGTERM');
    await Promise.race([new Promise((resolve) => child.once('exit', resolve)), sleep(5_000)]);
  }
}

export function signedHeaders(body: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    'content-type': FORM,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, body),
  };
}

/** Fires `count` signed requests at once; returns each one's time to the HTTP answer (the ack). */
export async function burst(pool: Pool, eventsPath: string, bodies: string[]): Promise<number[]> {
  return Promise.all(
    bodies.map(async (body) => {
      const started = performance.now();
      const res = await pool.request({
        method: 'POST',
        path: eventsPath,
        headers: signedHeaders(body),
        body,
      });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`ack failed with HTTP ${res.statusCode}`);
      return performance.now() - started;
    }),
  );
}

/** How long one command's answer may take before the run stops: well past Slack's 3 s, on any load. */
const REPLY_WAIT_MS = 15_000;

/** Sends one command and waits for its answer on the fake Slack's response_url. */
async function replyTime(pool: Pool, bot: BotProcess, id: string): Promise<number> {
  const body = slashCommandBody({
    text: 'status hw-prod:191297407830872',
    response_url: `${bot.fakeSlackUrl}/response/${id}`,
  });
  const started = performance.now();
  const res = await pool.request({
    method: 'POST',
    path: new URL(bot.eventsUrl).pathname,
    headers: signedHeaders(body),
    body,
  });
  await res.body.text();
  // Bounded by time (a loaded machine makes each look-up slower) and by count.
  for (let i = 0; i < 20_000 && performance.now() - started < REPLY_WAIT_MS; i++) {
    const posts = (await (await fetch(`${bot.fakeSlackUrl}/__fake/responses/${id}`)).json()) as unknown[];
    if (posts.length > 0) return performance.now() - started;
    await sleep(1);
  }
  throw new Error(`no reply within ${REPLY_WAIT_MS / 1000} s`);
}

/**
 * Ack latency of concurrent signed `/migrate status` commands and card button clicks against HTTP
 * receivers each in its own process (the bot, or a floor: bare Bolt, raw Node HTTP), and for bots
 * the time to the full reply with and without 50 ms of simulated provider round trip. The
 * targets' bursts take turns within each round (the first target changes every round), each
 * burst once every process is idle again, so a slower or busier moment of the machine falls on
 * all targets alike and no target's work after its acks lands in another's bursts.
 */
export async function runAckLatency(options: {
  concurrency: number;
  rounds: number;
  /** Sequential status replies timed per latency (0: none). */
  replies: number;
  targets: AckTarget[];
  placement: Placement;
  /** Unmeasured rounds first (default 8; the smoke run, which is not judged, takes fewer). */
  warmUpRounds?: number;
}): Promise<AckLatencyResult> {
  const rows = await asLoadGenerator(options.placement, async () => {
    const acks = await measureAcks(options);
    const measured: AckRow[] = [];
    for (const [i, target] of options.targets.entries()) {
      measured.push({
        name: target.name,
        role: target.role,
        commandAck: summarize(acks[i]!.commands.flat()),
        buttonAck: summarize(acks[i]!.buttons.flat()),
        commandBurstP99s: acks[i]!.commands.map((b) => summarize(b).p99),
        buttonBurstP99s: acks[i]!.buttons.map((b) => summarize(b).p99),
        ...(target.role === 'bot' && options.replies > 0
          ? {
              statusReplyNoLatency: summarize(await replyTimes(target, 0, options)),
              statusReplyWith50msRtt: summarize(await replyTimes(target, 50, options)),
            }
          : {}),
      });
    }
    return measured;
  });
  return {
    concurrency: options.concurrency,
    rounds: options.rounds,
    rows,
    placement: options.placement.mode,
  };
}

interface RunningTarget {
  bot: BotProcess;
  pool: Pool;
  eventsPath: string;
  /** Each burst's ack times, in the order sent. */
  commands: number[][];
  buttons: number[][];
}

async function measureAcks(options: {
  concurrency: number;
  rounds: number;
  targets: AckTarget[];
  placement: Placement;
  warmUpRounds?: number;
}): Promise<RunningTarget[]> {
  const running: RunningTarget[] = [];
  try {
    for (const target of options.targets) {
      const bot = await startBotProcess(target, 0, { placement: options.placement });
      const pool = new Pool(new URL(bot.eventsUrl).origin, {
        connections: options.concurrency,
        pipelining: 1,
      });
      running.push({ bot, pool, eventsPath: new URL(bot.eventsUrl).pathname, commands: [], buttons: [] });
    }
    const pids = running.flatMap((r) => r.bot.children.map((child) => child.pid ?? 0));
    const bodies = (r: RunningTarget, kind: 'c' | 'b', tag: string) =>
      Array.from({ length: options.concurrency }, (_, i) =>
        kind === 'c'
          ? slashCommandBody({
              text: 'status 191297407830872',
              response_url: `${r.bot.fakeSlackUrl}/response/${tag}-${i}`,
            })
          : blockActionBody({
              actionId: 'resource.refresh',
              value: JSON.stringify({ c: 'hw-prod', k: 'task', id: '191297407830872' }),
              responseUrl: `${r.bot.fakeSlackUrl}/response/${tag}-${i}`,
            }),
      );
    // Unmeasured bursts open the connections and bring each process to its steady state (JIT,
    // heap size): the first few bursts of a fresh process are slower for every receiver.
    for (let round = 0; round < (options.warmUpRounds ?? WARM_UP_ROUNDS); round++)
      for (const r of running)
        for (const kind of ['c', 'b'] as const) {
          await burst(r.pool, r.eventsPath, bodies(r, kind, `warm-${kind}-${round}`));
          await untilIdle(pids);
        }
    for (let round = 0; round < options.rounds; round++)
      for (const kind of ['c', 'b'] as const)
        for (let turn = 0; turn < running.length; turn++) {
          const r = running[(round + turn) % running.length]!;
          const acks = await burst(r.pool, r.eventsPath, bodies(r, kind, `${kind}-${round}`));
          (kind === 'c' ? r.commands : r.buttons).push(acks);
          await untilIdle(pids);
        }
    return running;
  } finally {
    for (const r of running) {
      await r.pool.close();
      await stopBotProcess(r.bot);
    }
  }
}

/** Per-burst p99s of fresh processes (docs/performance.md, lesson 8): slower for every receiver for about 6 bursts. */
const WARM_UP_ROUNDS = 8;

/** `/migrate status` answers one at a time, in a bot process of their own with `latency` ms per provider call. */
async function replyTimes(
  target: AckTarget,
  latency: number,
  { replies: count, placement }: { replies: number; placement: Placement },
): Promise<number[]> {
  const bot = await startBotProcess(target, latency, { placement });
  const pool = new Pool(new URL(bot.eventsUrl).origin, { connections: 4, pipelining: 1 });
  try {
    for (let i = 0; i < 5; i++) await replyTime(pool, bot, `warm-${latency}-${i}`);
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push(await replyTime(pool, bot, `r-${latency}-${i}`));
    return times;
  } finally {
    await pool.close();
    await stopBotProcess(bot);
  }
}
