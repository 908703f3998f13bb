import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalsOf } from '../../src/capabilities/approvals/approvals-state.js';
import { askedTaskRequest } from '../harness/approval-requests.js';
import { omsConnection, TestBot } from '../harness/test-bot.js';
import { TestClock } from '../harness/test-clock.js';

// Issue 58 item 4: approval expiry is a job on the one scheduler (once a period across replicas,
// on the bot's clock), not a timer of the approval service's own. Moving the test's clock past a
// request's expiry and ticking the scheduler expires it; nothing else has to run.
const TEAM = 'T0FAKE001';
const CHANNEL = 'C0EXPJOB1';
const OPERATOR = 'U0EXPOPR1';
const clock = new TestClock(() => Date.parse('2026-11-12T00:00:00Z'));
const t = new TestBot();

beforeAll(async () => {
  await t.start({
    connections: (url) => [omsConnection('hw-prod', url)],
    env: { POLL_INTERVAL_SECONDS: '0' },
    clock,
  });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`, { teamId: TEAM });
});
afterAll(async () => {
  await t.stop();
});

describe('approval expiry on the scheduler', () => {
  it('expires a pending request once the bot’s clock passes its expiry, at a tick', async () => {
    const record = await askedTaskRequest(
      t,
      { team: TEAM, channel: CHANNEL, requester: OPERATOR },
      'expjob1',
    );
    await t.bot.scheduler.tick();
    expect((await approvalsOf(t.bot.deps).get(TEAM, record.id)).status).toBe('pending');

    clock.advance(Date.parse(record.expiresAt) - clock.now() + 60_000);
    await t.bot.scheduler.tick();
    expect((await approvalsOf(t.bot.deps).get(TEAM, record.id)).status).toBe('expired');
  });
});
