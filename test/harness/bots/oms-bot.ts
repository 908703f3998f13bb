import { afterAll, beforeAll } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { omsConnection, TestBot } from '../test-bot.js';

type StartOptions = NonNullable<Parameters<TestBot['start']>[0]>;

/**
 * An edit budget that the dozen posts and card edits a test makes within seconds do not spend
 * (the budget has its own tests, test/watcher/outbox/delivery.test.ts).
 */
export const ROOMY_EDITS = { windowMs: 10_000, max: 100 };

/**
 * A test bot on the OMS simulator alone (`hw-prod`), whose watcher runs only when the test runs
 * it (no poll interval), started before the suite and stopped after it; `start` adds to or
 * replaces what it is started with. `freeze`: OMS moves only when the test moves it: on real
 * time a run can end before a loaded machine's `watch` reads it, and a watch that begins at the
 * end verifies nothing. `timeoutMs` bounds the start (the hooks' default otherwise).
 */
export function omsBot(start: StartOptions & { freeze?: boolean; timeoutMs?: number } = {}): TestBot {
  const { freeze, timeoutMs, ...options } = start;
  const t = new TestBot();
  beforeAll(async () => {
    await t.start({
      connections: (omsUrl) => [omsConnection('hw-prod', omsUrl)],
      ...options,
      env: { POLL_INTERVAL_SECONDS: '0', ...options.env },
    });
    if (freeze) t.oms.clock.freeze();
  }, timeoutMs);
  afterAll(async () => {
    await t.stop();
  });
  return t;
}

export interface KeyedPost {
  /** The outbox key the watcher posted it under. */
  key: string;
  body: Record<string, unknown>;
  /** The ts Slack answered with (none when it refused the post). */
  ts?: string;
}

/** The posts that carry an outbox key (the watcher's), recorded as fake Slack sees them. */
export function keyedPosts(t: TestBot): KeyedPost[] {
  const posts: KeyedPost[] = [];
  observeKeyed(t, (post) => posts.push(post));
  return posts;
}

/** The keyed posts Slack answered with a ts (the ones a button can be pressed on). */
export function answeredPosts(t: TestBot): (KeyedPost & { ts: string })[] {
  const posts: (KeyedPost & { ts: string })[] = [];
  observeKeyed(t, ({ ts, ...post }) => {
    if (ts !== undefined) posts.push({ ...post, ts });
  });
  return posts;
}

function observeKeyed(t: TestBot, record: (post: KeyedPost) => void): void {
  t.fakeSlack.observe((call: RecordedCall, answer) => {
    const key = (call.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;
    if (call.method !== 'chat.postMessage' || !key) return;
    record({ key, body: call.body, ...(typeof answer.ts === 'string' ? { ts: answer.ts } : {}) });
  });
}
