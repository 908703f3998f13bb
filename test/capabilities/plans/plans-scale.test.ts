import { beforeAll, describe, expect, it } from 'vitest';
import { blockLimitProblems } from '../../../dev/fake-slack/block-limits.js';
import { renderPlanCard } from '../../../src/capabilities/plans/plan-card.js';
import { gatePass, type PlansState, viewOf } from '../../../src/capabilities/plans/plan-service.js';
import { translatorFor } from '../../../src/i18n/translator.js';
import { omsBot } from '../../harness/bots/oms-bot.js';
import { messageText } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

// Issue 60 at its documented size: a plan of 200 migrations. Its gate pass reads only the store
// (no provider request beyond the watcher's own polls), its card stays within Slack's limits at
// phone width (long waves collapse to counts, failures still named), one edit when it changed and
// none when it did not, and it reads in Korean and Chinese as well as English.

const CHANNEL = 'C0PLANBIG';
const here = { userId: 'U0ALICE01', channelId: CHANNEL };
const clock = new TestClock(() => Date.parse('2026-11-27T09:00:00Z'));
const t = omsBot({ clock, watcher: { editBudget: { windowMs: 10_000, max: 1000 } }, timeoutMs: 60_000 });
let planId = '';
const ids: string[] = [];

beforeAll(async () => {
  planId = /`(p[0-9a-f]{6})`/.exec(messageText(await t.ask('plan new estate-200', here)))![1]!;
  for (let i = 0; i < 200; i++)
    ids.push(
      t.oms.addTask({ name: `bucket-${String(i).padStart(3, '0')} *x* <!here>`, status: 3, progress: 0.1 })
        .id,
    );
  for (let wave = 1; wave <= 3; wave++) {
    const mine = ids.filter((_, i) => i % 3 === wave - 1);
    for (let i = 0; i < mine.length; i += 40)
      expect(
        messageText(await t.ask(`plan add estate-200 ${mine.slice(i, i + 40).join(' ')} wave ${wave}`, here)),
      ).toContain('Added');
  }
  await t.bot.deps.watcher.runCycle();
}, 120_000);

const state = () => t.bot.deps.capabilities.stateOf('plans') as PlansState;

describe('a plan of 200 migrations', () => {
  it('refuses the 201st, naming the limit, and adds nothing', async () => {
    const extra = t.oms.addTask({ name: 'one-too-many', status: 3 }).id;
    expect(messageText(await t.ask(`plan add estate-200 ${extra}`, here))).toContain('at most 200');
    expect((await state().store.find('T0FAKE001', 'estate-200'))?.resources).toHaveLength(200);
  });

  it('checks its gates from the store alone, and edits its card only when it changed', async () => {
    const requestsBefore = t.oms.server.requestCount;
    const calls = () => t.fakeSlack.callsTo('chat.update').filter((c) => c.body.channel === CHANNEL).length;
    const started = performance.now();
    await gatePass(state());
    const firstMs = performance.now() - started;
    const edits = calls();
    const again = performance.now();
    await gatePass(state());
    const secondMs = performance.now() - again;
    // No provider request from the passes (draft: nothing opens), and no edit when nothing changed.
    expect(t.oms.server.requestCount).toBe(requestsBefore);
    expect(calls()).toBe(edits);
    console.info(
      `plan gate pass at 200 resources: ${firstMs.toFixed(1)} ms, unchanged ${secondMs.toFixed(1)} ms`,
    );
  });

  it('draws a card within Slack’s limits, collapsed to counts, in three languages', async () => {
    const view = await viewOf(state(), (await state().store.find('T0FAKE001', 'estate-200'))!);
    expect(view.totals.resources).toBe(200);
    for (const locale of ['en', 'ko', 'zh-CN'] as const) {
      const drawn = renderPlanCard(view, translatorFor(locale), Date.now());
      const blocks = drawn.blocks as { type: string; text?: { text: string } }[];
      expect(blockLimitProblems(blocks, 'message')).toEqual([]);
      expect(blocks.length).toBeLessThanOrEqual(50);
      for (const b of blocks) expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
      const text = JSON.stringify(blocks);
      // What a provider named is inert: no mention, no bold of its own.
      expect(text).not.toContain('<!here>');
      expect(text).not.toMatch(/"type":"section","text":\{"type":"mrkdwn","text":"[^"]*\*x\*/);
      // Every word from the catalogue (no key left as its name).
      expect(text).not.toMatch(/plan\.(card|gate|hold|status|wave|confirm|button|state|eta)\./);
    }
    const ko = JSON.stringify(renderPlanCard(view, translatorFor('ko'), Date.now()).blocks);
    expect(ko).toContain('웨이브 2');
    const zh = JSON.stringify(renderPlanCard(view, translatorFor('zh-CN'), Date.now()).blocks);
    expect(zh).toContain('第 2 波');
    // 67 resources in a wave: counts per state, not 67 lines.
    const en = JSON.stringify(renderPlanCard(view, translatorFor('en'), Date.now()).blocks);
    expect(en).not.toContain('bucket-000');
    expect(en).toMatch(/Paused 6[67]/);
  });
});
