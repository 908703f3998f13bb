import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import { INTERACTIVE_CALLS_PER_CONNECTION } from '../../../src/providers/interactive-calls.js';
import { isInterimAnswer } from '../../../src/slack/intake/interactive-budget.js';
import { HW_AK, HW_SK, messageText, omsConnection, PROJECT_ID, TestBot } from '../../harness/test-bot.js';

/**
 * One connection's provider hangs (the simulator holds every request until the test lets go):
 * a burst of commands to it must not keep other workspaces, or commands that call no provider,
 * waiting. Asserted by order and counts: the hung commands cannot finish before the test lets go,
 * so everything that answered before that did not wait behind them.
 */
const TEAM_A = 'T0FAKE001';
const TEAM_B = 'T0TEAMB01';
const BOB = 'U0BOB0001';
const BURST = 40;
/** Short, so the test is quick; the give-up is far away (the test lets go long before). */
const BUDGET = { firstAnswerMs: 500, giveUpMs: 120_000 };

const t = new TestBot();
const hung = new OmsSimulator({ projectId: PROJECT_ID, keys: { [HW_AK]: HW_SK } });
let hungTaskId = '';
let healthyTaskId = '';

beforeAll(async () => {
  await hung.start();
  await t.start({
    connections: (url) => [
      omsConnection('hw-hung', hung.url, { team: TEAM_A }),
      omsConnection('hw-ok', url, { team: TEAM_B }),
    ],
    interactiveBudget: BUDGET,
  });
  hungTaskId = hung.addTask({ name: 'stuck-task', status: 2 }).id;
  healthyTaskId = t.oms.addTask({ name: 'healthy-task', status: 2 }).id;
});

afterAll(async () => {
  hung.faults.reset();
  await t.stop();
  await hung.stop();
});

const INTERIM = 'not answering yet, I will update this message';

function postsTo(id: string): RecordedCall[] {
  return t.fakeSlack.responsesTo(id);
}

/** Where in the fake Slack's record of response_url posts the `nth` post to `id` is. */
function positionOf(id: string, nth = 1): number {
  const post = postsTo(id)[nth - 1];
  return post ? t.fakeSlack.responses.indexOf(post) : Number.POSITIVE_INFINITY;
}

describe('one hung provider', () => {
  it('does not delay other workspaces or provider-free commands, and each hung command is answered once it answers', async () => {
    const warnings: string[] = [];
    const warned = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', warned);
    hung.faults.configure({ hold: true });
    const hungIds = (
      await Promise.all(
        Array.from({ length: BURST }, () => t.command(`status hw-hung:${hungTaskId}`, { teamId: TEAM_A })),
      )
    ).map((c) => c.responseId);
    const otherWorkspace = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.command(`status hw-ok:${healthyTaskId}`, { teamId: TEAM_B, userId: BOB }),
      ),
    );
    const providerFree = await Promise.all([
      t.command('help', { teamId: TEAM_A }),
      t.command('explain TRF.0015', { teamId: TEAM_A }),
      t.command('help', { teamId: TEAM_B, userId: BOB }),
      t.command('explain TRF.0015', { teamId: TEAM_B, userId: BOB }),
    ]);
    const othersIds = [...otherWorkspace, ...providerFree].map((c) => c.responseId);
    for (const c of [...otherWorkspace, ...providerFree]) expect(c.http.status).toBe(200);

    // Every other answer arrives, and every hung command says which connection it waits for,
    // while the hung provider still holds every request.
    const finalOf = (id: string) => postsTo(id).find((p) => !isInterimAnswer(p.body));
    await t.fakeSlack.waitFor(() => othersIds.every((id) => finalOf(id) !== undefined), 20_000);
    await t.fakeSlack.waitFor(() => hungIds.every((id) => postsTo(id).length >= 1), 20_000);
    for (const id of otherWorkspace.map((c) => c.responseId))
      expect(messageText(finalOf(id)!.body)).toContain('healthy-task');
    expect(messageText(finalOf(providerFree[0]!.responseId)!.body)).toContain('/migrate');
    expect(messageText(finalOf(providerFree[1]!.responseId)!.body)).toContain('TRF.0015');
    for (const id of hungIds) {
      const posts = postsTo(id);
      expect(posts).toHaveLength(1);
      expect(messageText(posts[0]!.body)).toContain(`*hw-hung* is ${INTERIM}`);
      expect(posts[0]!.body.replace_original).toBeFalsy();
    }
    // The bulkhead: however many commands wait for it, the hung connection has this many calls.
    expect(hung.server.requestCount).toBe(INTERACTIVE_CALLS_PER_CONNECTION);
    // Every waiting command listens for the shutdown deadline: 40 of them are no leak to warn of.
    process.off('warning', warned);
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);

    hung.faults.configure({ hold: false });
    await t.fakeSlack.waitFor(() => hungIds.every((id) => postsTo(id).length >= 2), 20_000);
    const firstHungAnswer = Math.min(...hungIds.map((id) => positionOf(id, 2)));
    for (const id of othersIds)
      expect(t.fakeSlack.responses.indexOf(finalOf(id)!)).toBeLessThan(firstHungAnswer);
    for (const id of hungIds) {
      const posts = postsTo(id);
      expect(posts).toHaveLength(2);
      expect(posts[1]!.body.replace_original).toBe(true);
      expect(messageText(posts[1]!.body)).toContain('stuck-task');
    }
  }, 90_000);

  it('posts a shared answer to the channel after an interim, and the interim says where it went', async () => {
    hung.faults.configure({ hold: true });
    const { responseId } = await t.command(`status hw-hung:${hungTaskId} share`, { teamId: TEAM_A });
    expect(messageText(await t.answer(responseId))).toContain(`*hw-hung* is ${INTERIM}`);
    hung.faults.configure({ hold: false });
    const shared = await t.answer(responseId, 2);
    expect(shared).toMatchObject({ response_type: 'in_channel' });
    expect(shared.replace_original).toBeFalsy();
    expect(messageText(shared)).toContain('stuck-task');
    expect(await t.answer(responseId, 3)).toMatchObject({
      text: 'Answered in the channel.',
      replace_original: true,
    });
  });

  it('gives a button click on a hung connection its own interim message, then the answer where it goes', async () => {
    hung.faults.configure({ hold: true });
    const click = await t.click(
      'resource.refresh',
      JSON.stringify({ c: 'hw-hung', k: 'task', id: hungTaskId }),
      { teamId: TEAM_A },
    );
    const interim = await click.answer();
    expect(messageText(interim)).toContain('*hw-hung* is not answering yet; the answer will follow here');
    expect(interim.replace_original).toBeFalsy();
    hung.faults.configure({ hold: false });
    const card = await t.answer(click.responseId, 2);
    expect(messageText(card)).toContain('stuck-task');
    expect(card.replace_original).toBe(true);
  });
});

describe('a request that waits past the longer budget', () => {
  const g = new TestBot();
  const stuck = new OmsSimulator({ projectId: PROJECT_ID, keys: { [HW_AK]: HW_SK } });

  beforeAll(async () => {
    await stuck.start();
    await g.start({
      connections: () => [omsConnection('hw-stuck', stuck.url)],
      interactiveBudget: { firstAnswerMs: 200, giveUpMs: 1_000 },
    });
  });

  afterAll(async () => {
    stuck.faults.reset();
    await g.stop();
    await stuck.stop();
  });

  it('says it stopped waiting, replacing the interim message, and drops the late answer', async () => {
    const task = stuck.addTask({ name: 'late-task', status: 2 });
    stuck.faults.configure({ hold: true });
    const { responseId } = await g.command(`status hw-stuck:${task.id}`);
    const gaveUp = await g.answer(responseId, 2);
    expect(messageText(await g.answer(responseId, 1))).toContain('*hw-stuck* is not answering yet');
    expect(messageText(gaveUp)).toContain('*hw-stuck* did not answer within 1 s, so I stopped waiting');
    expect(gaveUp.replace_original).toBe(true);
    stuck.faults.configure({ hold: false });
    await g.fakeSlack.waitFor(() => g.logs.lines.some((l) => l.includes('answer dropped')), 10_000);
    expect(g.fakeSlack.responsesTo(responseId)).toHaveLength(2);
  });
});
