import { describe, expect, it } from 'vitest';
import type { PlansState } from '../../../src/capabilities/plans/plan-service.js';
import type { RequestCheck } from '../../../src/contract/gate.js';
import { omsBot } from '../../harness/bots/oms-bot.js';
import { messageText, omsConnection } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

// Issue 75 item 4: timed work acts one way. A plan's wave opened by its gate job starts what it
// holds through the background actor windows use (ADR 0014): the background lane, one action per
// migration and no read after it, the start rules asked once each; the next cycle draws the cards.
// It was the interactive button's use case: the interactive lane and a read after each start.
const CHANNEL = 'C0PLANCALL';
const here = { userId: 'U0ALICE01', channelId: CHANNEL };
const WAVE2 = 3;
const clock = new TestClock(() => Date.parse('2026-11-27T09:00:00Z'));
const t = omsBot({
  connections: (omsUrl) => [omsConnection('hw-calls', omsUrl)],
  clock,
  watcher: { editBudget: { windowMs: 10_000, max: 1000 } },
  timeoutMs: 60_000,
});

const say = async (text: string) => messageText(await t.ask(text, here));

/** Requests by route (`POST /tasks/:id/start`), the project and ids left out. */
function routes(requests: readonly { method: string; path: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of requests) {
    const route = `${r.method} ${r.path.replace(/^\/v2\/\w+/, '').replace(/\/[0-9a-f-]{8,}/g, '/:id')}`;
    out[route] = (out[route] ?? 0) + 1;
  }
  return out;
}

/** One tick of the scheduler: the provider requests, the lanes taken and the start rules asked. */
async function tick() {
  const registry = t.bot.deps.connections;
  const provider = registry.provider.bind(registry);
  // The gate the plans were handed at start (every capability's check, the approvals' too).
  const gate = (t.bot.deps.capabilities.stateOf('plans') as PlansState).core.gate!;
  const check = gate.check.bind(gate);
  const lanes = new Set<string>();
  const asked: string[] = [];
  registry.provider = (connection, purpose) => {
    lanes.add(purpose);
    return provider(connection, purpose);
  };
  gate.check = (c: RequestCheck) => {
    if (c.stage === 'resume') asked.push(c.resource?.id ?? '');
    return check(c);
  };
  const before = t.oms.server.requests.length;
  try {
    await t.bot.scheduler.tick('timer');
  } finally {
    registry.provider = provider;
    gate.check = check;
  }
  await t.settled();
  return { requests: routes(t.oms.server.requests.slice(before)), lanes: [...lanes], asked };
}

describe('a wave the gate job opens', () => {
  it('starts each migration with one background call, no read after it, the rules asked once', async () => {
    const id = /`(p[0-9a-f]{6})`/.exec(await say('plan new calls'))![1]!;
    const first = t.oms.addTask({ name: 'calls-first', status: 3, progress: 0.1 });
    const wave2 = Array.from({ length: WAVE2 }, (_, i) =>
      t.oms.addTask({ name: `calls-w2-${i}`, status: 3, progress: 0.1 }),
    );
    await say(`plan add calls ${first.id}`);
    await say(`plan add calls ${wave2.map((x) => x.id).join(' ')} wave 2`);
    expect(await say('plan start calls')).toContain('started');
    expect([1, 2]).toContain(t.oms.task(first.id)?.status);

    // Wave 1 succeeds; a cycle observes it; the next tick of the scheduler opens wave 2.
    Object.assign(t.oms.task(first.id)!, { status: 5, completeSize: first.totalSize });
    await t.bot.deps.watcher.runCycle();
    await t.settled();
    const opened = await tick();
    console.log(
      'wave 2 opened:',
      opened.requests,
      'lanes:',
      opened.lanes,
      'rules asked:',
      opened.asked.length,
    );

    for (const task of wave2) expect([1, 2], task.name).toContain(t.oms.task(task.id)?.status);
    expect(opened.requests).toEqual({ 'POST /tasks/:id/start': WAVE2 });
    expect(opened.lanes).toEqual(['background']);
    expect(opened.asked.sort()).toEqual(wave2.map((x) => x.id).sort());

    // The next cycle draws what the starts did; the audit log has each start as the owner's plan.
    await t.bot.deps.watcher.runCycle();
    await t.settled();
    const audit = await t.bot.deps.audit.recent('T0FAKE001', 100);
    const starts = audit.filter((e) => e.action === 'resume' && e.detail?.startsWith(`plan ${id}`));
    expect(starts.filter((e) => e.detail?.includes('wave 2'))).toHaveLength(WAVE2);
    expect(starts.every((e) => e.user === here.userId && e.result === 'ok')).toBe(true);
  });
});
