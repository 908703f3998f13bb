import { describe, expect, it } from 'vitest';
import { onCallState } from '../../../src/capabilities/on-call/on-call-state.js';
import { encodeResourceButton } from '../../../src/slack/resource-button.js';
import { failingTask } from '../../harness/failing-task.js';
import { messageText } from '../../harness/test-bot.js';
import { operatorReplicas } from '../replica-redis.js';

// Issue 46 item 1: two operators press "I'm on it" at the same moment on two replicas sharing one
// Redis. Before, checking for a claim and writing one were two store calls: both were told they had
// it. Now the claim is one compare-and-set: one owner, and the other is told who has it.
const OPER_1 = 'U0OPERONE1';
const OPER_2 = 'U0OPERTWO2';
const { a, b, connection: CONNECTION } = operatorReplicas('claim', { one: OPER_1, two: OPER_2 });

/** A task of the shared simulator that has failed. */
async function failedTask(name: string): Promise<string> {
  const task = a.oms.addTask(failingTask(name, { totalSize: 1024 ** 3 }));
  a.oms.clock.advance(120_000);
  return task.id;
}

describe('"I\'m on it" pressed at once on two replicas', () => {
  it('gives the failure one owner in every race, and tells the other who has it', async () => {
    for (let round = 0; round < 5; round++) {
      const id = await failedTask(`claim-race-${round}`);
      const value = encodeResourceButton({ connection: CONNECTION, kind: 'task', id });
      const [one, two] = await Promise.all([
        a.click('failure.claim', value, OPER_1),
        b.click('failure.claim', value, OPER_2),
      ]);
      const answers = [messageText(await one.answer()), messageText(await two.answer())];
      const owners = answers.filter((text) => /is on it/.test(text) && !/already/.test(text));
      const refused = answers.filter((text) => /is on it already/.test(text));
      expect(refused, `round ${round}: ${answers.join(' | ')}`).toHaveLength(1);
      expect(owners, `round ${round}: ${answers.join(' | ')}`).toHaveLength(1);
      const claim = await onCallState(b.bot.deps).claims.get('T0FAKE001', {
        connection: CONNECTION,
        kind: 'task',
        id,
      });
      // The loser is told the winner's name, and both replicas read that same owner.
      expect(refused[0]).toContain(`<@${claim?.by}>`);
      expect(
        await onCallState(a.bot.deps).claims.get('T0FAKE001', { connection: CONNECTION, kind: 'task', id }),
      ).toEqual(claim);
    }
  });

  it('lets only the owner hand it back, whichever replica they reach', async () => {
    const id = await failedTask('claim-hand-back');
    const value = encodeResourceButton({ connection: CONNECTION, kind: 'task', id });
    expect(messageText(await (await a.click('failure.claim', value, OPER_1)).answer())).not.toMatch(
      /already/,
    );
    // The other operator presses on the other replica: refused, named.
    expect(messageText(await (await b.click('failure.claim', value, OPER_2)).answer())).toContain(
      `<@${OPER_1}> is on it already`,
    );
    // The owner hands it back through replica B; then the other can take it.
    expect(messageText(await (await b.click('failure.claim', value, OPER_1)).answer())).toMatch(
      /handed|back/i,
    );
    expect(messageText(await (await a.click('failure.claim', value, OPER_2)).answer())).not.toMatch(
      /already/,
    );
    const claim = await onCallState(a.bot.deps).claims.get('T0FAKE001', {
      connection: CONNECTION,
      kind: 'task',
      id,
    });
    expect(claim?.by).toBe(OPER_2);
  });

  it('honours a claim an older version wrote to the Keyv store, and lets its owner hand it back', async () => {
    const id = await failedTask('claim-from-0.2.0');
    const resource = { connection: CONNECTION, kind: 'task' as const, id };
    const { resource: failed } = await a.bot.deps.resources.resolver.fetch(
      'T0FAKE001',
      CONNECTION,
      'task',
      id,
    );
    await a.bot.deps.store.set(`claim:T0FAKE001:${CONNECTION}:task:${id}`, {
      by: OPER_1,
      at: Date.now(),
      about: `${failed.lastError?.code ?? ''}|${failed.lastError?.message ?? ''}`,
    });
    const value = encodeResourceButton(resource);
    expect(messageText(await (await b.click('failure.claim', value, OPER_2)).answer())).toContain(
      `<@${OPER_1}> is on it already`,
    );
    expect(messageText(await (await b.click('failure.claim', value, OPER_1)).answer())).toMatch(
      /handed|back/i,
    );
    expect(await onCallState(a.bot.deps).claims.get('T0FAKE001', resource)).toBeUndefined();
  });
});
