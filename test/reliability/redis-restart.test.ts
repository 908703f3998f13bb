import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../harness/redis-topology.js';
import { messageText, TestBot } from '../harness/test-bot.js';
import { until } from '../harness/until.js';
import { GiB, MiB, notifications, postsPerKey } from '../harness/watcher-rig.js';

/**
 * Redis restarted under load, on a Redis of its own (a second redis-server with an append-only
 * file, so 127.0.0.1:6379 stays up for every other test; on a port `freePort` draws outside the
 * ephemeral range, so no outgoing connection takes it while the server is down): `/healthz`
 * answers 503 "degraded" while Redis is away and 200 once it is back, commands and watcher cycles
 * keep running (refusing, never crashing), and no watch is lost.
 */
const TEAM = 'T0FAKE001';
const CHANNEL = 'C0REDIS01';
const WATCHES = 12;
const dir = mkdtempSync(path.join(tmpdir(), 'migrate-bot-redis-'));
let port = 0;
let redis: ChildProcess | undefined;
const t = new TestBot();

async function answers(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.write('PING\r\n');
    });
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function startRedis(): Promise<void> {
  redis = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--dir',
      dir,
      '--logfile',
      path.join(dir, 'redis.log'),
    ],
    { stdio: 'ignore' },
  );
  let failed: Error | undefined;
  redis.once('error', (error) => {
    failed = new Error(
      `could not start redis-server (is it installed? .ci/run installs it): ${error.message}`,
    );
  });
  const started = async () => {
    if (failed) throw failed;
    return answers();
  };
  await until(started, { what: `redis-server answering on port ${port}`, timeoutMs: 5_000 });
}

async function killRedis(): Promise<void> {
  const child = redis;
  redis = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function healthz(): Promise<{ status: number; body: string }> {
  const res = await fetch(`${t.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: await res.text() };
}

/** Polls /healthz until it answers `status` (bounded); returns how long that took. */
async function healthBecomes(status: number, limitMs: number): Promise<number> {
  const started = Date.now();
  const answers = async () => (await healthz().catch(() => ({ status: 0, body: '' }))).status === status;
  await until(answers, { what: `/healthz ${status}`, timeoutMs: limitMs, everyMs: 100 });
  return Date.now() - started;
}

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  await t.start({
    env: { STORE_URL: `redis://127.0.0.1:${port}`, POLL_INTERVAL_SECONDS: '0' },
    watcher: { leaseMs: 2_000, slackBackoffMs: 100 },
  });
}, 30_000);
afterAll(async () => {
  await t.stop().catch(() => undefined);
  await killRedis();
  rmSync(dir, { recursive: true, force: true });
});

describe('Redis restarted under load', () => {
  it('/healthz says degraded while Redis is away and ok after; no watch is lost; what happened meanwhile is told once', async () => {
    // 1 GiB at 16 MiB/s: they finish about a minute of simulated time after the outage begins.
    const tasks = Array.from({ length: WATCHES }, (_, i) =>
      t.oms.addTask({ name: `redis-${i}`, status: 2, totalSize: GiB, speed: 16 * MiB }),
    );
    const watcher = t.bot.deps.watcher;
    // This attempt's own watches and posts: a retry (the heavy suites retry once) finds the first
    // attempt's beside them on the same Redis.
    const ids = new Set(tasks.map((task) => task.id));
    const ours = async () => (await watcher.list(TEAM)).filter((r) => ids.has(r.watch.id)).length;
    /** The resource a post is about (`<team>:<channel>:<connection>:<kind>:<id>:<event>`). */
    const idOf = (key: string) => key.split(':')[4]!;
    const succeeded = () =>
      notifications(t.fakeSlack).filter((n) => n.event === 'succeeded' && ids.has(idOf(n.key)));
    for (const task of tasks)
      await watcher.watch({
        teamId: TEAM,
        channelId: CHANNEL,
        connection: 'hw-prod',
        kind: 'task',
        id: task.id,
        by: 'U0ALICE01',
      });
    expect(await ours()).toBe(WATCHES);
    expect((await healthz()).status).toBe(200);

    // Load: commands and watcher cycles back to back, until told to stop (bounded).
    let stop = false;
    const load = { commands: 0, refused: 0, unanswered: 0, cycles: 0, cycleErrors: 0 };
    const commandLoop = (async () => {
      for (let i = 0; i < 2_000 && !stop; i++) {
        const text = await t
          .ask(`status ${tasks[i % WATCHES]!.id}`)
          .then(messageText)
          .catch(() => 'no answer');
        load.commands++;
        if (text === 'no answer') load.unanswered++;
        else if (!text.includes('redis-')) load.refused++;
      }
    })();
    const cycleLoop = (async () => {
      for (let i = 0; i < 2_000 && !stop; i++) {
        try {
          await watcher.runCycle();
          load.cycles++;
        } catch {
          load.cycleErrors++;
        }
        await sleep(50);
      }
    })();
    // The load runs before the outage: cycles and answered commands.
    await until(() => load.cycles >= 3 && load.commands >= 3, {
      what: 'the load under way',
      timeoutMs: 10_000,
    });

    await killRedis();
    const degradedAfterMs = await healthBecomes(503, 10_000);
    const degraded = await healthz();
    expect(degraded.status).toBe(503);
    expect(JSON.parse(degraded.body)).toMatchObject({ status: 'degraded' });
    // The migrations end while Redis is away.
    t.oms.clock.advance(120_000);
    // The load meets the outage: a cycle fails and a command is answered with an error.
    const { cycleErrors, refused } = load;
    await until(() => load.cycleErrors > cycleErrors && load.refused > refused, {
      what: 'the load meeting the outage',
      timeoutMs: 10_000,
    });

    await startRedis();
    const healthyAfterMs = await healthBecomes(200, 20_000);
    // Commands are answered again on the restarted Redis, under load.
    const { commands } = load;
    await until(() => load.commands >= commands + 3, {
      what: 'commands answered after the restart',
      timeoutMs: 10_000,
    });
    stop = true;
    await Promise.all([commandLoop, cycleLoop]);

    // Every watch is still there, and the endings that happened during the outage are told, once.
    expect(await ours()).toBe(WATCHES);
    const allTold = async () => {
      if (succeeded().length >= WATCHES) return true;
      await watcher.runCycle().catch(() => undefined);
      return false;
    };
    // Twelve completions in one channel, with their replies, at Slack's pace for one channel (about
    // a post a second) and the backlog of the outage: 20 s told 11 of 12 once on a loaded machine.
    const telling = Date.now();
    await until(allTold, { what: 'every completion told', timeoutMs: 60_000, everyMs: 100 }).catch(
      () => undefined,
    );
    const told = succeeded();
    const toldAfterMs = Date.now() - telling;
    const untold = [...ids].filter((id) => !told.some((n) => idOf(n.key) === id));
    const duplicates = [...postsPerKey(t.fakeSlack)].filter(([, n]) => n > 1);
    console.log(
      `[reliability] Redis restart under load: /healthz 503 after ${degradedAfterMs} ms, 200 again ${healthyAfterMs} ms after restart; ` +
        `${load.commands} commands (${load.refused} answered with an error while Redis was away, ${load.unanswered} unanswered), ` +
        `${load.cycles} cycles, ${load.cycleErrors} failed cycles; ${WATCHES} of ${WATCHES} watches kept, ` +
        `${told.length} completions told (the last ${toldAfterMs} ms after the load stopped), ${duplicates.length} duplicates`,
    );
    const states = (await watcher.list(TEAM))
      .filter((r) => untold.includes(r.watch.id))
      .map((r) => `${r.watch.id}: ${r.state}, ${r.outbox.length} in its outbox`);
    expect(told.length, `not told: ${states.join('; ')}`).toBe(WATCHES);
    expect(duplicates).toEqual([]);
    expect(load.cycleErrors).toBeGreaterThan(0); // the outage was real…
    expect(load.refused).toBeGreaterThan(0);
    expect(load.unanswered).toBe(0);
    expect((await healthz()).status).toBe(200); // …and it is over
  }, 180_000);
});
