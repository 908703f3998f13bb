import { describe, expect, it } from 'vitest';
import { omsBot } from '../../harness/bots/oms-bot.js';
import { messageText, mrkdwnTexts } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

// Issue 58 item 4: a window's edge is a job on the one scheduler that makes one list per kind it
// needs and one action per task, on the background lane, and writes a fact the editor shows once.
// Measured over a connection window on 20 watched tasks, with Slack's edit budget (7 per 10 s)
// and cycles every 10 s: the provider requests in the 20 s after the edge, and each card's edits.
const CHANNEL = 'C0WINEDGE';
const TASKS = 20;
const START = '2026-11-10T22:00:00Z';
const END = '2026-11-10T23:00:00Z';
const clock = new TestClock(() => Date.parse('2026-11-10T21:50:00Z'));
const t = omsBot({ watcher: { clock, editBudget: { windowMs: 10_000, max: 7 } } });

/** The card edits (`chat.update` of a card in the channel, not of a thread reply) per task name. */
function edits(names: readonly string[]): Map<string, number> {
  const counts = new Map(names.map((n) => [n, 0]));
  for (const c of t.fakeSlack.callsTo('chat.update')) {
    if (c.body.channel !== CHANNEL) continue;
    const name = names.find((n) => messageText(c.body).includes(n));
    if (name) counts.set(name, counts.get(name)! + 1);
  }
  return counts;
}

/** Requests by route (`GET /tasks/:id`), the project and ids left out. */
function routes(requests: readonly { method: string; path: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of requests) {
    const route = `${r.method} ${r.path.replace(/^\/v2\/\w+/, '').replace(/\/[0-9a-f-]{8,}/g, '/:id')}`;
    out[route] = (out[route] ?? 0) + 1;
  }
  return out;
}

/** The card's text as last drawn (posted, then edited). */
function card(name: string): string {
  const drawn = [...t.fakeSlack.callsTo('chat.postMessage'), ...t.fakeSlack.callsTo('chat.update')]
    .filter((c) => c.body.channel === CHANNEL && !c.body.thread_ts && messageText(c.body).includes(name))
    .map((c) => c.body);
  return drawn.length > 0 ? mrkdwnTexts(drawn.at(-1)!) : '';
}

/**
 * Moves to `iso`, fires the edge on the scheduler's own tick, and runs the cycles of the 20 s after
 * it: 3 s after (the simulator pauses a task in 1 s), then at the start of each 10 s edit window
 * (the watcher's own waits move the clock too). The provider requests of the edge and of all, by
 * route; and each card's edits in those 20 s.
 */
async function edge(iso: string, names: readonly string[]) {
  clock.moveTo(iso);
  const edgeAt = clock.now();
  const before = { requests: t.oms.server.requests.length, edits: edits(names) };
  // Which lane each provider the edge takes is for (ADR 0008): nobody waits on it.
  const registry = t.bot.deps.connections;
  const provider = registry.provider.bind(registry);
  const lanes = new Set<string>();
  registry.provider = (connection, purpose) => {
    lanes.add(purpose);
    return provider(connection, purpose);
  };
  try {
    await t.bot.scheduler.tick('timer');
  } finally {
    registry.provider = provider;
  }
  await t.settled();
  const atEdge = routes(t.oms.server.requests.slice(before.requests));
  clock.advance(3_000);
  t.oms.clock.advance(3_000);
  let simAt = clock.now();
  let cycles = 0;
  while (clock.now() - edgeAt <= 20_000) {
    cycles++;
    await t.bot.deps.watcher.runCycle();
    await t.settled();
    await t.bot.deps.watcher.rechecksIdle();
    clock.toNextWindow(10_000);
    t.oms.clock.advance(clock.now() - simAt);
    simAt = clock.now();
  }
  const after = edits(names);
  const edited = names.map((n) => after.get(n)! - before.edits.get(n)!);
  return {
    atEdge,
    all: routes(t.oms.server.requests.slice(before.requests)),
    edited,
    cycles,
    lanes: [...lanes],
  };
}

describe('a connection window edge over 20 tasks', () => {
  it('makes one list per kind and one pause per task, and edits each card once within 20 s', async () => {
    const names = Array.from({ length: TASKS }, (_, i) => `edge-task-${String(i).padStart(2, '0')}`);
    const ids: string[] = [];
    for (const name of names) {
      const task = t.oms.addTask({ name, status: 2, progress: 0.1, totalSize: 1024 ** 4 });
      ids.push(task.id);
      await t.ask(`watch ${task.id} <#${CHANNEL}|ops>`, { channelId: CHANNEL });
    }
    await t.ask('window add hw-prod daily 22:00-23:00 UTC as nightly', { channelId: CHANNEL });
    // Every card posted and showing the window's next change before the edge.
    for (let i = 0; i < 8; i++) {
      await t.bot.deps.watcher.runCycle();
      clock.advance(10_000);
      t.oms.clock.advance(10_000);
    }
    const posted = t.fakeSlack.callsTo('chat.postMessage').filter((c) => c.body.channel === CHANNEL);
    for (const name of names)
      expect(
        posted.some((c) => messageText(c.body).includes(name)),
        name,
      ).toBe(true);

    const start = await edge(START, names);
    console.log('start edge:', start.atEdge, 'in 20 s:', start.all, 'edits:', start.edited.join(''));
    for (const id of ids) expect(t.oms.task(id)?.status, id).toBe(3);
    // The edge: one list per kind it pauses (tasks, sync tasks) and one stop per task, no reads.
    expect(start.atEdge).toEqual({ 'GET /tasks': 1, 'GET /sync-tasks': 1, 'POST /tasks/:id/stop': TASKS });
    expect(start.lanes).toEqual(['background']);
    // And the 20 s after it: each cycle lists the watched tasks at most once, and nothing reads
    // or rechecks a task by itself (was 66 requests here: 20 stops, 20 reads, 26 lists).
    expect(start.all['POST /tasks/:id/stop']).toBe(TASKS);
    expect(start.all['GET /tasks/:id']).toBeUndefined();
    expect(start.all['GET /tasks']).toBeLessThanOrEqual(1 + start.cycles);
    // Each card edited once, in the 20 s (7 edits per 10 s is Slack's budget here), saying why.
    expect(start.edited).toEqual(names.map(() => 1));
    for (const name of names) expect(card(name), name).toContain('Paused by window *nightly*');

    // Its end: one list of the tasks it holds and one resume each; each card edited once again.
    const end = await edge(END, names);
    console.log('end edge:', end.atEdge, 'in 20 s:', end.all, 'edits:', end.edited.join(''));
    for (const id of ids) expect(t.oms.task(id)?.status, id).toBe(2);
    expect(end.atEdge).toEqual({ 'GET /tasks': 1, 'POST /tasks/:id/start': TASKS });
    expect(end.lanes).toEqual(['background']);
    expect(end.all['GET /tasks/:id']).toBeUndefined();
    expect(end.edited).toEqual(names.map(() => 1));
  }, 120_000);
});
