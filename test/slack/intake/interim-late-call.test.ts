import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import { latency } from '../../harness/latency.js';
import { HW_AK, HW_SK, messageText, omsConnection, PROJECT_ID, TestBot } from '../../harness/test-bot.js';

/**
 * The interim message names the connection a person waits for even when the first-answer budget
 * runs out before the request has called it: on a busy machine the steps before the provider call
 * (the policy's look-up here, made slower than the budget on purpose) can take longer than the
 * budget, and the interim then said only "This is taking longer than usual"
 * (test/slack/intake/fairness.test.ts failed so under load).
 */
const BUDGET = { firstAnswerMs: 300, giveUpMs: 60_000 };
/** The policy's answer comes this long after the budget ran out (a busy machine's delay). */
const SLOW_STEP_MS = 900;

const t = new TestBot();
const hung = new OmsSimulator({ projectId: PROJECT_ID, keys: { [HW_AK]: HW_SK } });
let taskId = '';

beforeAll(async () => {
  await hung.start();
  await t.start({
    connections: () => [omsConnection('hw-hung', hung.url)],
    interactiveBudget: BUDGET,
  });
  taskId = hung.addTask({ name: 'stuck-task', status: 2 }).id;
});

afterAll(async () => {
  hung.faults.reset();
  vi.restoreAllMocks();
  await t.stop();
  await hung.stop();
});

describe('an interim after a slow step before the provider call', () => {
  it('names the connection once the request calls it, then the answer replaces it', async () => {
    const access = t.bot.deps.access;
    const require = access.require.bind(access);
    vi.spyOn(access, 'require').mockImplementation(async (...args) => {
      await latency(BUDGET.firstAnswerMs + SLOW_STEP_MS);
      return require(...args);
    });
    hung.faults.configure({ hold: true });
    const { responseId } = await t.command(`status hw-hung:${taskId}`);
    const interim = messageText(await t.answer(responseId));
    expect(interim).toContain('*hw-hung* is not answering yet, I will update this message');
    hung.faults.configure({ hold: false });
    const answer = await t.answer(responseId, 2);
    expect(answer.replace_original).toBe(true);
    expect(messageText(answer)).toContain('stuck-task');
  });
});
