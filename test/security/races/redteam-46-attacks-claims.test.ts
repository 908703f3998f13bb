import { afterAll, describe, expect, it, vi } from 'vitest';
import { claimButton, encodeTakeOver } from '../../../src/capabilities/on-call/claim-blocks.js';
import { claimOf } from '../../../src/capabilities/on-call/on-call-fact.js';
import { onCallState } from '../../../src/capabilities/on-call/on-call-state.js';
import { ENGLISH } from '../../../src/i18n/translator.js';
import { encodeResourceButton } from '../../../src/slack/resource-button.js';
import { messageText, type TestBot } from '../../harness/test-bot.js';
import type { TestClock } from '../../harness/test-clock.js';
import { operatorReplicas } from '../replica-redis.js';

// Red team of issue 46 item 1 (claims as one compare-and-set across replicas), two bots on one
// Redis database, the second pointed at the first's fake Slack and OMS simulator. Each attack is
// a race or an order of presses an operator can produce; what holds stays as a regression test,
// what breaks is an `it.fails` whose assertion is the behaviour the fix promised.
const TEAM = 'T0FAKE001';
const ADMIN = 'U0ALICE01';
const OPER_1 = 'U0OPERONE1';
const OPER_2 = 'U0OPERTWO2';
const { a, b, connection: CONNECTION } = operatorReplicas('clatk', { one: OPER_1, two: OPER_2 });
afterAll(() => {
  vi.restoreAllMocks();
});

/** A task of the shared simulator that has failed with `code` (seeded failed: the clock stays). */
async function failedTask(name: string, code = 'TRF.0015'): Promise<string> {
  return a.oms.addTask({ name, status: 4, progress: 0.1, totalSize: 1024 ** 3, failCode: code }).id;
}

const ref = (id: string) => ({ connection: CONNECTION, kind: 'task' as const, id });
/** The resource alone, as buttons drawn before 64eb8d6 carried it (no intent). */
const button = (id: string) => encodeResourceButton(ref(id));
/** "Hand back" as the bot draws it on a claimed failure's post (its value says what it is for). */
const handBackButton = (id: string) =>
  claimButton(button(id), { by: OPER_1, at: Date.now() }, ENGLISH).value as string;
/** "I'm on it" as drawn while nobody had the failure. */
const takeButton = (id: string) => claimButton(button(id), undefined, ENGLISH).value as string;
const owner = async (id: string) => (await onCallState(a.bot.deps).claims.get(TEAM, ref(id)))?.by;

async function press(bot: TestBot, action: string, value: string, who: string): Promise<string> {
  return messageText(await (await bot.click(action, value, who)).answer());
}

/** The simulator's task recovers (running again, no error), as after a retry. */
function recover(id: string): void {
  const task = a.oms.tasks.get(id)!;
  task.status = 2;
  task.errorReason = undefined;
  task.failedNum = 0;
  task.runningSince = a.oms.clock.now();
}

/** The recovered task fails again with `code` and `message`. */
function failAgain(id: string, code: string, message = 'System error.'): void {
  const task = a.oms.tasks.get(id)!;
  task.status = 4;
  task.errorReason = { error_code: code, error_msg: message };
  task.failedNum = 1;
}

describe('redteam 46 claims: races across two replicas', () => {
  it('HOLDS: the owner hands back on A while another claims on B: the answers match the owner that stays', async () => {
    for (let round = 0; round < 5; round++) {
      const id = await failedTask(`handback-race-${round}`);
      expect(await press(a, 'failure.claim', button(id), OPER_1)).not.toMatch(/already/);
      const [back, take] = await Promise.all([
        press(a, 'failure.claim', handBackButton(id), OPER_1),
        press(b, 'failure.claim', takeButton(id), OPER_2),
      ]);
      const now = await owner(id);
      const context = `round ${round}: A "${back}" | B "${take}" | owner ${now}`;
      expect(back, context).toMatch(/handed it back/);
      // Either B was refused while OPER_1 still had it (nobody has it now), or B took it after.
      if (/is on it already/.test(take)) {
        expect(take, context).toContain(`<@${OPER_1}>`);
        expect(now, context).toBeUndefined();
      } else {
        expect(take, context).toContain(`<@${OPER_2}> is on it`);
        expect(now, context).toBe(OPER_2);
      }
    }
  });

  it("HOLDS: a non-owner's press on someone's claim, on either replica, changes nothing and names the owner", async () => {
    const id = await failedTask('non-owner');
    await press(a, 'failure.claim', button(id), OPER_1);
    for (const bot of [a, b])
      for (const value of [button(id), handBackButton(id), takeButton(id)]) {
        const told = await press(bot, 'failure.claim', value, OPER_2);
        expect(told).toContain(`<@${OPER_1}> is on it already`);
        expect(await owner(id)).toBe(OPER_1);
      }
    // The store's own hand-back is a compare-and-delete by the owner only.
    expect(await onCallState(b.bot.deps).claims.handBack(TEAM, ref(id), OPER_2)).toBe(false);
    expect(await owner(id)).toBe(OPER_1);
  });

  it('HOLDS: recovered and failed again with a different failure: nobody has it, the next presser owns it', async () => {
    const id = await failedTask('refailed-other', 'TRF.0015');
    await press(a, 'failure.claim', button(id), OPER_1);
    recover(id);
    failAgain(id, 'TRF.0007', 'The source bucket does not exist.');
    expect(await press(b, 'failure.claim', button(id), OPER_2)).toContain(`<@${OPER_2}> is on it`);
    expect(await owner(id)).toBe(OPER_2);
    // OPER_1's press now meets OPER_2's live claim on the new failure.
    expect(await press(a, 'failure.claim', button(id), OPER_1)).toContain(`<@${OPER_2}> is on it already`);
  });

  // BREAKS: a claim is keyed on the failure's code and words (claims.ts, failureOf) and never
  // closed by a recovery (Claims.current: "no write on the way"), so the same error after a
  // recovery is the old owner's again, for up to a week: OPER_2 is refused, and no "unclaimed"
  // escalation fires for the new failure (escalation.ts reads record.claim, never cleared).
  it("HOLDS (was BREAKS): recovered, then the same failure again: it is nobody's yet, the next presser owns it", async () => {
    const id = await failedTask('refailed-same', 'TRF.0015');
    await press(a, 'failure.claim', button(id), OPER_1);
    recover(id);
    const { resource } = await b.bot.deps.resources.resolver.fetch(TEAM, CONNECTION, 'task', id);
    expect(resource.state).not.toBe('failed');
    expect(await onCallState(b.bot.deps).claims.current(TEAM, resource)).toBeUndefined();
    failAgain(id, 'TRF.0015');
    expect(await press(b, 'failure.claim', button(id), OPER_2)).toContain(`<@${OPER_2}> is on it`);
  });

  it('HOLDS: a claim 0.2.0 wrote, handed back on A while another claims on B: one consistent owner', async () => {
    for (let round = 0; round < 3; round++) {
      const id = await failedTask(`legacy-race-${round}`);
      const { resource } = await a.bot.deps.resources.resolver.fetch(TEAM, CONNECTION, 'task', id);
      const about = `${resource.lastError?.code ?? ''}|${resource.lastError?.message ?? ''}`;
      const key = `claim:${TEAM}:${CONNECTION}:task:${id}`;
      await a.bot.deps.store.set(key, { by: OPER_1, at: Date.now(), about });
      const [back, take] = await Promise.all([
        press(a, 'failure.claim', button(id), OPER_1),
        press(b, 'failure.claim', button(id), OPER_2),
      ]);
      const now = await owner(id);
      const context = `round ${round}: A "${back}" | B "${take}" | owner ${now}`;
      expect(back, context).toMatch(/handed it back/);
      expect(await a.bot.deps.store.get(key), context).toBeUndefined();
      if (/is on it already/.test(take)) expect(now, context).toBeUndefined();
      else expect(now, context).toBe(OPER_2);
    }
  });

  it("HOLDS: a 0.2.0 claim about an earlier failure does not block the current one's first presser", async () => {
    const id = await failedTask('legacy-stale');
    await a.bot.deps.store.set(`claim:${TEAM}:${CONNECTION}:task:${id}`, {
      by: OPER_1,
      at: Date.now(),
      about: 'TRF.0001|an earlier failure',
    });
    expect(await press(b, 'failure.claim', button(id), OPER_2)).toContain(`<@${OPER_2}> is on it`);
    expect(await owner(id)).toBe(OPER_2);
  });

  // BREAKS (mixed versions): docs/deployment.md:150-151 say a rolling update from 0.2.0, old and
  // new replicas side by side, needs nothing. This version reads 0.2.0's claims (Claims.take's
  // #legacyClaim) but writes its own only to the shared state: a 0.2.0 replica, which checks its
  // Keyv key and then writes, sees nobody on a failure this version gave an owner, and gives it a
  // second one: the race of item 1, across versions.
  it.fails('BREAKS: a claim this version takes is where a 0.2.0 replica looks for it', async () => {
    const id = await failedTask('seen-by-0.2.0');
    expect(await press(a, 'failure.claim', button(id), OPER_1)).toContain(`<@${OPER_1}> is on it`);
    expect(await a.bot.deps.store.get(`claim:${TEAM}:${CONNECTION}:task:${id}`)).toBeDefined();
  });

  // Broken at 5df5177 ("I'm on it" and "Hand back" were one toggle: a hand-back that found the
  // claim gone fell through to `take`); holds since 64eb8d6, for buttons that carry their intent.
  it('HOLDS: the owner presses "Hand back" twice at once (A and B): nobody is on it after', async () => {
    const id = await failedTask('double-handback');
    await press(a, 'failure.claim', button(id), OPER_1);
    const answers = await Promise.all([
      press(a, 'failure.claim', handBackButton(id), OPER_1),
      press(b, 'failure.claim', handBackButton(id), OPER_1),
    ]);
    expect(
      answers.every((t) => /handed it back/.test(t)),
      answers.join(' | '),
    ).toBe(true);
    expect(await owner(id), answers.join(' | ')).toBeUndefined();
  });

  // Broken at 5df5177 (the owner's "Hand back" took the failure again after an admin's Release
  // landed between its read and its write); holds since 64eb8d6. The release is forced between
  // them by holding A's hand-back until B's release is answered.
  it("HOLDS: an admin releases on B while the owner's Hand back runs on A: nobody is on it", async () => {
    const id = await failedTask('release-vs-handback');
    await press(a, 'failure.claim', button(id), OPER_1);
    const claims = onCallState(a.bot.deps).claims;
    const handBack = claims.handBack.bind(claims);
    const spy = vi.spyOn(claims, 'handBack').mockImplementationOnce(async (...args) => {
      expect(await press(b, 'failure.release', button(id), ADMIN)).toMatch(/released the claim/);
      return handBack(...args);
    });
    try {
      const told = await press(a, 'failure.claim', handBackButton(id), OPER_1);
      expect(told).not.toContain(`<@${OPER_1}> is on it`);
      expect(await owner(id), told).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
  });

  // Broken at 53930ea (Keep never read whether its `take` won: after a take-over between its check
  // and its write, the owner was told "You are still on it"); holds since 64eb8d6.
  it('HOLDS: the owner presses Keep on A while another takes over on B: the owner is told who has it', async () => {
    const id = await failedTask('keep-vs-takeover');
    await press(a, 'failure.claim', button(id), OPER_1);
    const claims = onCallState(a.bot.deps).claims;
    const take = claims.take.bind(claims);
    const spy = vi.spyOn(claims, 'take').mockImplementationOnce(async (...args) => {
      const over = await press(b, 'failure.takeover', encodeTakeOver(button(id), OPER_1), OPER_2);
      expect(over).toMatch(/took it over/);
      return take(...args);
    });
    try {
      const told = await press(a, 'failure.keep', button(id), OPER_1);
      expect(await owner(id)).toBe(OPER_2);
      expect(told).not.toMatch(/You are still on it/);
      expect(told).toContain(`<@${OPER_2}>`);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('redteam 46 claims: the fix attacked again (a claim is about one failure occurrence)', () => {
  const clockOf = (bot: TestBot) => bot.bot.deps.clock as TestClock;
  const watched = async (id: string) =>
    (await a.bot.deps.watcher.list(TEAM)).find((r) => r.watch.connection === CONNECTION && r.watch.id === id);

  // The recovery is seen by the watcher's poll alone (nobody reads the resource in between): the
  // claim its record noted is closed in the claim store and dropped from the record.
  it('HOLDS: a poll that sees the failure recovered closes its claim: the same failure again is the next presser’s', async () => {
    const id = await failedTask('refailed-polled', 'TRF.0015');
    await a.ask(`watch ${CONNECTION}:${id}`);
    await a.bot.deps.watcher.runCycle();
    expect(await press(a, 'failure.claim', button(id), OPER_1)).toContain(`<@${OPER_1}> is on it`);
    expect(claimOf((await watched(id))?.facts)?.by).toBe(OPER_1);
    clockOf(a).advance(60_000);
    recover(id);
    await a.bot.deps.watcher.runCycle();
    expect(await onCallState(a.bot.deps).claims.get(TEAM, ref(id))).toBeUndefined();
    expect(claimOf((await watched(id))?.facts)).toBeUndefined();
    failAgain(id, 'TRF.0015');
    expect(await press(b, 'failure.claim', button(id), OPER_2)).toContain(`<@${OPER_2}> is on it`);
  });

  // The poll observed the recovery; before it closes the claim, the task fails again and its owner
  // presses Keep (a new claim, a new `at`): the poll closes only the claim its record noted.
  it('HOLDS: the owner keeps the failure between a poll’s observation and its close: the kept claim stays', async () => {
    const id = await failedTask('keep-vs-poll', 'TRF.0015');
    await a.ask(`watch ${CONNECTION}:${id}`);
    await a.bot.deps.watcher.runCycle();
    await press(a, 'failure.claim', button(id), OPER_1);
    clockOf(a).advance(60_000);
    recover(id);
    const claims = onCallState(a.bot.deps).claims;
    const closeNoted = claims.closeNoted.bind(claims);
    const spy = vi.spyOn(claims, 'closeNoted').mockImplementationOnce(async (...args) => {
      failAgain(id, 'TRF.0015');
      expect(await press(a, 'failure.keep', button(id), OPER_1)).not.toMatch(/Only/);
      return closeNoted(...args);
    });
    try {
      await a.bot.deps.watcher.runCycle();
      expect(spy).toHaveBeenCalled();
      expect(await owner(id)).toBe(OPER_1);
    } finally {
      spy.mockRestore();
    }
  });

  // A reader that fetched the resource while it was recovered, and reads the claims only after it
  // failed again and someone took it: the new claim is younger than the read, so it stays.
  it('HOLDS: a stale read of the recovery does not close a claim taken on the new failure', async () => {
    const id = await failedTask('stale-read', 'TRF.0015');
    await press(a, 'failure.claim', button(id), OPER_1);
    recover(id);
    clockOf(a).advance(1_000);
    const seenAt = clockOf(a).now();
    const { resource: stale } = await a.bot.deps.resources.resolver.fetch(TEAM, CONNECTION, 'task', id);
    expect(stale.state).not.toBe('failed');
    await onCallState(a.bot.deps).claims.release(TEAM, ref(id));
    failAgain(id, 'TRF.0015');
    clockOf(a).advance(1_000);
    expect(await press(a, 'failure.claim', button(id), OPER_2)).toContain(`<@${OPER_2}> is on it`);
    expect(await onCallState(a.bot.deps).claims.current(TEAM, stale, seenAt)).toBeUndefined();
    expect(await owner(id)).toBe(OPER_2);
  });
});
