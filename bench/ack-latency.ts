import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { blockActionBody, FORM, slackSignature, slashCommandBody } from '../test/harness/slack-requests.js';
import { SIGNING_SECRET } from '../test/harness/test-bot.js';
import { type LatencySummary, summarize } from './stats.js';

export type AckRole = 'bot' | 'bare-bolt' | 'raw-http';

export interface AckTarget {
  /** Row label in the report. */
  name: string;
  role: AckRole;
  /** A compiled `bench/bot-process.js` (another build, e.g. the previous commit's); ours by default. */
  script?: string;
}

export interface AckRow {
  name: string;
  role: AckRole;
  commandAck: LatencySummary;
  buttonAck: LatencySummary;
  /** Full `/migrate status` reply, one request at a time (bots only). */
  statusReplyNoLatency?: LatencySummary;
  statusReplyWith50msRtt?: LatencySummary;
}

export interface AckLatencyResult {
  concurrency: number;
  rounds: number;
  rows: AckRow[];
}

export interface BotProcess {
  children: ChildProcess[];
  eventsUrl: string;
  fakeSlackUrl: string;
  /** With `hungProvider`: the OMS simulator behind the `hw-hung` connection. */
  hungOmsUrl?: string;
}

const OWN_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bot-process.js');

async function spawnRole(
  env: Record<string, string>,
  script = OWN_SCRIPT,
): Promise<{ child: ChildProcess; info: Record<string, string> }> {
  // BENCH_CPU_PROF=<dir>: the bot (or floor) process writes a V8 CPU profile there when it stops.
  const profile =
    process.env.BENCH_CPU_PROF && env.BENCH_ROLE !== 'world'
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
  const child = spawn(process.execPath, [...profile, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    sleep(30_000, undefined, { ref: false }).then(() => {
      throw new Error(`${env.BENCH_ROLE} process did not start within 30 s`);
    }),
  ]);
  return { child, info: JSON.parse(first) as Record<string, string> };
}

/**
 * The world (simulator + fake Slack) and the bot (or a floor) each in their own process. With
 * `hungProvider`, a second simulator serves the `hw-hung` connection of one workspace.
 */
export async function startBotProcess(
  target: AckTarget,
  providerLatencyMs: number,
  options: { hungProvider?: boolean } = {},
): Promise<BotProcess> {
  const world = await spawnRole({
    BENCH_ROLE: 'world',
    BENCH_PROVIDER_LATENCY_MS: String(providerLatencyMs),
    BENCH_HUNG_PROVIDER: options.hungProvider ? '1' : '',
  });
  const bot = await spawnRole(
    {
      BENCH_ROLE: target.role,
      BENCH_OMS_URL: world.info.omsUrl!,
      BENCH_FAKE_SLACK_URL: world.info.fakeSlackUrl!,
      BENCH_HUNG_OMS_URL: world.info.hungOmsUrl ?? '',
    },
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
 * Ack latency of concurrent signed `/migrate status` commands and card button clicks against an
 * HTTP receiver in its own process (the bot, or a floor: bare Bolt, raw Node HTTP), and for bots
 * the time to the full reply with and without 50 ms of simulated provider round trip.
 */
export async function runAckLatency(options: {
  concurrency: number;
  rounds: number;
  /** Sequential status replies timed per latency. */
  replies: number;
  targets: AckTarget[];
}): Promise<AckLatencyResult> {
  const rows: AckRow[] = [];
  for (const target of options.targets) rows.push(await measureTarget(target, options));
  return { concurrency: options.concurrency, rounds: options.rounds, rows };
}

async function measureTarget(
  target: AckTarget,
  options: { concurrency: number; rounds: number; replies: number },
): Promise<AckRow> {
  const commandAcks: number[] = [];
  const buttonAcks: number[] = [];
  const replies: Record<number, number[]> = { 0: [], 50: [] };
  for (const latency of target.role === 'bot' ? [0, 50] : [0]) {
    const bot = await startBotProcess(target, latency);
    const origin = new URL(bot.eventsUrl).origin;
    const eventsPath = new URL(bot.eventsUrl).pathname;
    const pool = new Pool(origin, { connections: options.concurrency, pipelining: 1 });
    const commands = (tag: string) =>
      Array.from({ length: options.concurrency }, (_, i) =>
        slashCommandBody({
          text: 'status 191297407830872',
          response_url: `${bot.fakeSlackUrl}/response/${tag}-${i}`,
        }),
      );
    try {
      if (latency === 0) {
        // One unmeasured burst opens the connections and warms the JIT.
        await burst(pool, eventsPath, commands('warm'));
        await sleep(1_000);
        for (let round = 0; round < options.rounds; round++) {
          commandAcks.push(...(await burst(pool, eventsPath, commands(`c-${round}`))));
          await sleep(500);
          const clicks = Array.from({ length: options.concurrency }, (_, i) =>
            blockActionBody({
              actionId: 'resource.refresh',
              value: JSON.stringify({ c: 'hw-prod', k: 'task', id: '191297407830872' }),
              responseUrl: `${bot.fakeSlackUrl}/response/b-${round}-${i}`,
            }),
          );
          buttonAcks.push(...(await burst(pool, eventsPath, clicks)));
          await sleep(500);
        }
      }
      if (target.role === 'bot') {
        for (let i = 0; i < 5; i++) await replyTime(pool, bot, `warm-${latency}-${i}`);
        for (let i = 0; i < options.replies; i++)
          replies[latency]!.push(await replyTime(pool, bot, `r-${latency}-${i}`));
      }
    } finally {
      await pool.close();
      await stopBotProcess(bot);
    }
  }
  return {
    name: target.name,
    role: target.role,
    commandAck: summarize(commandAcks),
    buttonAck: summarize(buttonAcks),
    ...(target.role === 'bot'
      ? { statusReplyNoLatency: summarize(replies[0]!), statusReplyWith50msRtt: summarize(replies[50]!) }
      : {}),
  };
}
