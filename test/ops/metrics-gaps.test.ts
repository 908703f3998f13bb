import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/errors.js';
import { BotMetrics } from '../../src/metrics/metrics.js';
import { instrumentStore } from '../../src/store/instrument-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { closedPort } from '../harness/bot-process.js';
import { ENCRYPTION_KEY } from '../harness/connect-bot.js';
import { omsConnection, TestBot } from '../harness/test-bot.js';

/**
 * Issue 40 §5 "Metric gaps", read through `/metrics` after real traffic: store latency and errors,
 * Slack Web API latency per method, poll failures labelled by connection only from the connections
 * file (bounded), and an id lookup's "not found" answers not counted as provider errors.
 */
const t = new TestBot();
let deadUrl = '';

beforeAll(async () => {
  deadUrl = `http://127.0.0.1:${await closedPort()}`;
  await t.start({
    env: {
      POLL_INTERVAL_SECONDS: '0',
      MIGRATE_BOT_ENCRYPTION_KEYS: `k1:${ENCRYPTION_KEY}`,
      MIGRATE_BOT_ALLOWED_ENDPOINTS: deadUrl,
    },
    connections: (url) => [omsConnection('hw-prod', url), omsConnection('hw-dead', deadUrl)],
  });
});
afterAll(async () => {
  await t.stop();
});

/** `/metrics` on the operations port (METRICS_PORT), or the Slack port where it is served there. */
async function scrape(): Promise<Map<string, number>> {
  const base = (t as { metricsUrl?: string }).metricsUrl || t.url;
  const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5_000) });
  expect(res.status).toBe(200);
  return parse(await res.text());
}

function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

const matching = (samples: Map<string, number>, prefix: string) =>
  [...samples].filter(([name]) => name.startsWith(prefix));

describe('/metrics fills the gaps', () => {
  it('times store operations and Slack Web API calls by method', async () => {
    const task = t.oms.addTask({ name: 'gaps-task', status: 2 });
    expect(JSON.stringify(await t.ask(`watch hw-prod:${task.id}`))).toContain('Watching');
    const samples = await scrape();
    // The command read grants and settings (shared state) and the bot's store.
    expect(samples.get('migrate_bot_store_operation_seconds_count{operation="state.get"}')).toBeGreaterThan(
      0,
    );
    expect(samples.get('migrate_bot_store_operation_seconds_count{operation="get"}')).toBeGreaterThan(0);
    // The card was posted and the asker looked up, each through the Web API.
    expect(
      samples.get('migrate_bot_slack_api_seconds_count{method="chat.postMessage",outcome="ok"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      samples.get('migrate_bot_slack_api_seconds_count{method="users.info",outcome="ok"}'),
    ).toBeGreaterThan(0);
    expect(matching(samples, 'migrate_bot_store_errors_total')).toEqual([]);
  });

  it("does not count an id lookup's documented 404s as provider errors", async () => {
    const before = await scrape();
    const notFound = (s: Map<string, number>) =>
      matching(s, 'migrate_bot_provider_requests_total{provider="huawei-oms"').filter(([n]) =>
        n.includes('outcome="not_found"'),
      );
    const answer = JSON.stringify(await t.ask('status hw-prod:9f0e7a9c-0000-4000-8000-00000000abcd'));
    expect(answer).toContain('9f0e7a9c-0000-4000-8000-00000000abcd');
    const after = await scrape();
    const sum = (rows: [string, number][]) => rows.reduce((n, [, v]) => n + v, 0);
    // Each kind of hw-prod answered 404 for the id: lookups that found nothing, not errors.
    expect(sum(notFound(after)) - sum(notFound(before))).toBeGreaterThan(0);
    const errors = (s: Map<string, number>) =>
      sum(matching(s, 'migrate_bot_provider_errors_total{provider="huawei-oms",code="provider_request"'));
    expect(errors(after)).toBe(errors(before));
  });

  it('labels poll failures by connection from the connections file only; others are "other"', async () => {
    const store = t.bot.deps.connections.store!;
    await store.add('T0FAKE001', omsConnection('hw-slack-dead', deadUrl), 'U0ALICE01');
    t.bot.deps.connections.invalidate('T0FAKE001');
    for (const name of ['hw-dead', 'hw-slack-dead'])
      expect(JSON.stringify(await t.ask(`subscribe ${name} failures`))).toContain(name);
    await t.bot.deps.watcher.runCycle();
    const samples = await scrape();
    const failures = Object.fromEntries(matching(samples, 'migrate_bot_poll_connection_failures_total'));
    expect(failures).toEqual({
      'migrate_bot_poll_connection_failures_total{connection="hw-prod"}': 0,
      'migrate_bot_poll_connection_failures_total{connection="hw-dead"}': 1,
      'migrate_bot_poll_connection_failures_total{connection="other"}': 1,
    });
  });
});

describe('store errors', () => {
  it("counts the store's own failures, not a refusal thrown by the caller's update", async () => {
    const metrics = new BotMetrics();
    const failing = new MemoryStore();
    failing.get = async () => {
      throw new StoreUnavailableError('Redis failed during get; try again shortly.');
    };
    const store = instrumentStore(failing, metrics.storeCall);
    await expect(store.get('x')).rejects.toThrow(StoreUnavailableError);
    await store.set('y', 1);
    const samples = parse((await metrics.scrape()).body);
    expect(samples.get('migrate_bot_store_errors_total{operation="get"}')).toBe(1);
    expect(samples.get('migrate_bot_store_errors_total{operation="set"}')).toBeUndefined();
    expect(samples.get('migrate_bot_store_operation_seconds_count{operation="set"}')).toBe(1);
  });
});
