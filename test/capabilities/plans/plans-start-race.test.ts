import { describe, expect, it } from 'vitest';
import { gatePass, type PlansState } from '../../../src/capabilities/plans/plan-service.js';
import { ENGLISH } from '../../../src/i18n/translator.js';
import { omsBot } from '../../harness/bots/oms-bot.js';
import { messageText, omsConnection } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

// Issue 74: Start plan's answer says what the start did even when the watcher's gate pass (which
// passes every running plan, before each cycle) runs between the click's status change and the
// click's own pass, and so opens wave 1 and resumes its migrations itself. Seen in the playground:
// the dialog said "Wave 1 opens at once", the answer "No wave opened yet", and wave 1 was open.

const CHANNEL = 'C0PLANRACE';
const OWNER = 'U0ALICE01';
const GiB = 1024 ** 3;
const clock = new TestClock(() => Date.parse('2026-11-27T09:00:00Z'));
const t = omsBot({ connections: (url) => [omsConnection('hw-race', url)], clock, timeoutMs: 60_000 });
const here = { userId: OWNER, channelId: CHANNEL };

const say = async (text: string) => messageText(await t.ask(text, here));
const stateOf = () => t.bot.deps.capabilities.stateOf('plans') as PlansState;

describe('Start plan with a gate pass in between', () => {
  it('answers with the waves opened and the migrations resumed, as its dialog said', async () => {
    const id = /`(p[0-9a-f]{6})`/.exec(await say('plan new racing'))?.[1];
    expect(id).toBeDefined();
    const a = t.oms.addTask({ name: 'race-a', status: 3, progress: 0.1, totalSize: 100 * GiB });
    const later = t.oms.addTask({ name: 'race-later', status: 3, progress: 0.1, totalSize: 10 * GiB });
    await say(`plan add racing ${a.id}`);
    await say(`plan add racing ${later.id} wave 2`);
    const left = ENGLISH.bytes(a.totalSize - a.completeSize);

    // The gate pass runs right after the click's status change (once), before its own pass.
    const store = stateOf().store;
    const change = store.change;
    let raced = false;
    store.change = (async (...args: Parameters<typeof change>) => {
      const out = await change.apply(store, args);
      if (!raced && out && typeof out === 'object' && 'status' in out && out.status === 'running') {
        raced = true;
        await gatePass(stateOf());
      }
      return out;
    }) as typeof change;
    let answer: string;
    try {
      answer = String((await (await t.click('plan.start', id!, here)).answer()).text);
    } finally {
      store.change = change;
    }
    expect(raced).toBe(true);
    const plan = (await stateOf().store.get('T0FAKE001', id!))!;
    expect(plan.waves['1']?.openedAt).toBeDefined();
    expect(plan.waves['2']?.openedAt).toBeUndefined();
    expect([1, 2]).toContain(t.oms.task(a.id)?.status);
    expect(t.oms.task(later.id)?.status).toBe(3);
    expect(answer).toBe(
      `Plan *racing* started. Wave 1 opened. 1 paused migration was resumed (${left} left to move). Wave 2 opens later, by its gate.`,
    );
  });
});
