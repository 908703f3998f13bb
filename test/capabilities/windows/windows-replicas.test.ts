import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { windowsState } from '../../../src/capabilities/windows/window-state.js';
import { mrkdwnTexts, omsConnection, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { dropRedisKeys, replicaRedisUrl } from '../../security/replica-redis.js';

// Issue 48 item 1: a window acts exactly once per start and end across replicas and restarts. Two
// replicas share one Redis and run their cycles at the same moment at each edge: one pause and one
// resume per edge. Then the replicas are away over a start; the one that comes back applies it,
// once, and says it was late.
const storeUrl = replicaRedisUrl();
const TEAM = `T0W${Date.now().toString(36).toUpperCase()}`;
const CONNECTION = `hw-win-${Date.now().toString(36)}`;
const CHANNEL = 'C0WINREPL';
const BASE = Date.parse('2026-11-09T00:00:00Z'); // a Monday
const clocks = [new TestClock(() => BASE), new TestClock(() => BASE), new TestClock(() => BASE)];
const a = new TestBot();
let b = new TestBot();
const replies: { key: string; body: Record<string, unknown> }[] = [];
const who = { teamId: TEAM, channelId: CHANNEL };

const connections = () => [omsConnection(CONNECTION, a.oms.url)];
const env = { STORE_URL: storeUrl, POLL_INTERVAL_SECONDS: '0' };

beforeAll(async () => {
  // A replica of an earlier run on this database may hold the windows lease for one more period.
  await dropRedisKeys(storeUrl, 'lease:windows');
  await a.start({ env, connections, watcher: { clock: clocks[0]! } });
  await b.start({
    env: { ...env, SLACK_API_URL: a.fakeSlack.apiUrl },
    connections,
    watcher: { clock: clocks[1]! },
  });
  a.fakeSlack.observe((call: RecordedCall) => {
    const key = (call.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;
    if (call.method === 'chat.postMessage' && key) replies.push({ key, body: call.body });
  });
});
afterAll(async () => {
  await windowsState(a.bot.deps).store.forget(TEAM);
  await Promise.allSettled([b.stop(), a.stop()]);
  await dropRedisKeys(storeUrl, CONNECTION);
  await dropRedisKeys(storeUrl, TEAM);
  await dropRedisKeys(storeUrl, 'lease:windows');
});

function at(iso: string): void {
  for (const c of clocks) c.skewMs = Date.parse(iso) - BASE;
}

/** Both replicas' cycles at once, a few times; the simulator moves on between them. */
async function together(n = 3): Promise<void> {
  for (let i = 0; i < n; i++) {
    await Promise.all([a.bot.deps.watcher.runCycle(), b.bot.deps.watcher.runCycle()]);
    a.oms.clock.advance(2_000);
  }
}

const events = (id: string, event: string) =>
  replies.filter((r) => r.key.includes(id) && r.key.endsWith(`:${event}`));

async function windowActs(action: string, id: string): Promise<number> {
  const entries = await a.bot.deps.audit.recent(TEAM, 500);
  return entries.filter(
    (e) => e.action === action && e.target?.endsWith(id) && e.detail?.startsWith('window'),
  ).length;
}

describe('a window on two replicas sharing Redis', () => {
  it('pauses once and resumes once per edge, and applies a start missed while away once, saying so', async () => {
    at('2026-11-09T12:00:00Z');
    const task = a.oms.addTask({ name: 'win-replicas', status: 2, progress: 0.1, totalSize: 1024 ** 4 });
    await a.ask(`watch ${task.id} <#${CHANNEL}|ops>`, who);
    await a.ask(`window add ${CONNECTION}:${task.id} daily 22:00-06:00 Asia/Seoul as nightly`, who);
    await together();
    expect(a.oms.task(task.id)?.status).toBe(2);

    for (let night = 0; night < 2; night++) {
      at(`2026-11-${String(9 + night).padStart(2, '0')}T13:00:30Z`); // 22:00:30 KST
      await together(4);
      expect(await windowActs('pause', task.id)).toBe(night + 1);
      expect(events(task.id, 'paused')).toHaveLength(night + 1);
      at(`2026-11-${String(9 + night).padStart(2, '0')}T21:00:30Z`); // 06:00:30 KST
      await together(4);
      expect(await windowActs('resume', task.id)).toBe(night + 1);
      expect(events(task.id, 'resumed')).toHaveLength(night + 1);
    }

    // Away over the next start (no replica runs a cycle); one replica restarts 20 minutes in.
    await b.stop();
    at('2026-11-11T13:20:00Z');
    b = new TestBot();
    await b.start({
      env: { ...env, SLACK_API_URL: a.fakeSlack.apiUrl },
      connections,
      watcher: { clock: clocks[2]! },
    });
    await together(4);
    expect(await windowActs('pause', task.id)).toBe(3);
    const late = events(task.id, 'paused');
    expect(late).toHaveLength(3);
    expect(mrkdwnTexts(late[2]!.body)).toMatch(/due .*22:00 KST while the bot was not running: applied now/);
    await together(2);
    expect(await windowActs('pause', task.id)).toBe(3);
  });
});
