import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../dev/fake-slack/fake-slack.js';
import { TestClock } from '../harness/test-clock.js';

/** The fake Slack's rate-limit tiers, which the poll benchmark counts 429s against. */
const TOKEN = 'xoxb-tiers-0000';
/** The fake's clock: its windows turn when the test moves it, not after a second of waiting. */
const clock = new TestClock();
const fake = new FakeSlack({ botToken: TOKEN, enforceTiers: true, now: () => clock.now() });
let client: WebClient;

beforeAll(async () => {
  await fake.start();
  client = new WebClient(TOKEN, {
    slackApiUrl: fake.apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
});
afterAll(async () => {
  await fake.stop();
});

async function outcome(call: () => Promise<unknown>): Promise<'ok' | number> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    const retryAfter = (error as { retryAfter?: number }).retryAfter;
    if (retryAfter !== undefined) return retryAfter;
    throw error;
  }
}

describe('fake Slack rate-limit tiers', () => {
  it('chat.postMessage: a burst of 3 per channel, then 1 per second, other channels unaffected', async () => {
    const post = (channel: string) => outcome(() => client.chat.postMessage({ channel, text: 'x' }));
    const burst = [await post('C1'), await post('C1'), await post('C1'), await post('C1')];
    expect(burst.slice(0, 3)).toEqual(['ok', 'ok', 'ok']);
    expect(burst[3]).toBe(1); // Retry-After: 1 s
    expect(await post('C2')).toBe('ok');
    clock.advance(1_050);
    expect(await post('C1')).toBe('ok');
    expect(fake.throttled.map((t) => `${t.method} ${t.channel}`)).toEqual(['chat.postMessage C1']);
    expect(fake.callsTo('chat.postMessage').length).toBe(5); // a refused call is not recorded
  });

  it('chat.update: Tier 3, 50 per minute per workspace', async () => {
    fake.setTierLimits(true);
    const results: (string | number)[] = [];
    for (let i = 0; i < 52; i++)
      results.push(await outcome(() => client.chat.update({ channel: `C${i}`, ts: '1.1', text: 'x' })));
    expect(results.filter((r) => r === 'ok').length).toBe(50);
    expect(results.slice(50).every((r) => typeof r === 'number' && r >= 59)).toBe(true);
    fake.setTierLimits(false);
    expect(await outcome(() => client.chat.update({ channel: 'C0', ts: '1.1', text: 'x' }))).toBe('ok');
  });
});
