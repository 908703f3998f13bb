import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeResourceButton } from '../../src/slack/resource-button.js';
import { TestBot } from '../harness/test-bot.js';

/**
 * `/metrics` in the Prometheus text format, after real traffic through the receiver: a command, a
 * button and a watcher cycle. Counts are asserted, never timings.
 */
const t = new TestBot();
const other = new TestBot();

beforeAll(async () => {
  await Promise.all([
    t.start({ env: { POLL_INTERVAL_SECONDS: '0' } }),
    other.start({ env: { POLL_INTERVAL_SECONDS: '0' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([t.stop(), other.stop()]);
});

async function scrape(bot: TestBot): Promise<{ contentType: string; samples: Map<string, number> }> {
  const res = await fetch(`${bot.metricsUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  expect(res.status).toBe(200);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return { contentType: res.headers.get('content-type') ?? '', samples };
}

describe('/metrics', () => {
  it('counts acks, commands, buttons, provider requests, a poll cycle and its posts, with their labels', async () => {
    const task = t.oms.addTask({ name: 'metrics-task', status: 2 });
    expect(JSON.stringify(await t.ask('help'))).toContain('migrate');
    expect(JSON.stringify(await t.ask(`watch ${task.id}`))).toContain('Watching');
    expect(JSON.stringify(await t.ask('status hw-prod:9f0e7a9c-0000-4000-8000-000000000000'))).toBeTruthy();
    const click = await t.click(
      'resource.refresh',
      encodeResourceButton({ connection: 'hw-prod', kind: 'task', id: task.id }),
    );
    await click.answer();
    t.oms.tasks.get(task.id)!.status = 3;
    const report = await t.bot.deps.watcher.runCycle();
    expect(report?.pages).toBeGreaterThanOrEqual(1);

    const { contentType, samples } = await scrape(t);
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const value = (name: string) => samples.get(name);

    expect(value('migrate_bot_slack_ack_seconds_count{kind="command"}')).toBe(3);
    expect(value('migrate_bot_slack_ack_seconds_count{kind="action"}')).toBe(1);
    expect(value('migrate_bot_requests_total{surface="command",what="help",outcome="ok"}')).toBe(1);
    expect(value('migrate_bot_requests_total{surface="command",what="watch",outcome="ok"}')).toBe(1);
    expect(value('migrate_bot_requests_total{surface="command",what="status",outcome="refused"}')).toBe(1);
    expect(value('migrate_bot_requests_total{surface="button",what="resource.refresh",outcome="ok"}')).toBe(
      1,
    );
    expect(value('migrate_bot_request_seconds_count{surface="command"}')).toBe(3);

    const okCalls = [...samples].filter(([name]) =>
      /^migrate_bot_provider_requests_total\{provider="huawei-oms",operation="[A-Za-z]+",outcome="ok"\}$/.test(
        name,
      ),
    );
    expect(okCalls.length).toBeGreaterThan(0);
    // The status lookup's 404s are the provider saying "not found", not provider errors (issue 40).
    const notFound = [...samples].filter(([name]) =>
      /^migrate_bot_provider_requests_total\{provider="huawei-oms",operation="[A-Za-z]+",outcome="not_found"\}$/.test(
        name,
      ),
    );
    expect(notFound.length).toBeGreaterThan(0);
    expect([...samples].filter(([name]) => name.startsWith('migrate_bot_provider_errors_total'))).toEqual([]);
    const histogramCount = [...samples]
      .filter(([name]) => name.startsWith('migrate_bot_provider_request_seconds_count{provider="huawei-oms"'))
      .reduce((sum, [, n]) => sum + n, 0);
    const requestCount = [...samples]
      .filter(([name]) => name.startsWith('migrate_bot_provider_requests_total{provider="huawei-oms"'))
      .reduce((sum, [, n]) => sum + n, 0);
    expect(histogramCount).toBe(requestCount);

    expect(value('migrate_bot_poll_cycles_total')).toBe(1);
    expect(value('migrate_bot_poll_cycle_seconds_count')).toBe(1);
    expect(value('migrate_bot_poll_pages_total')).toBe(report!.pages);
    expect(value('migrate_bot_poll_provider_requests_total')).toBe(report!.providerRequests);
    expect(value('migrate_bot_poll_connections_failed_total')).toBe(0);
    expect(value('migrate_bot_poll_events_total')).toBe(report!.events);
    expect(report!.events).toBeGreaterThanOrEqual(1);
    expect(value('migrate_bot_watches')).toBe(1);
    expect(value('migrate_bot_outbox_depth')).toBe(0);
    expect(value('migrate_bot_outbox_oldest_age_seconds')).toBe(0);
    const stats = t.bot.deps.watcher.outbox.stats;
    expect(stats.posts).toBeGreaterThanOrEqual(2); // the parent card and the state change
    expect(value('migrate_bot_slack_posts_total')).toBe(stats.posts);
    expect(value('migrate_bot_slack_edits_total')).toBe(stats.edits);
    expect(value('migrate_bot_slack_edits_deferred_total')).toBe(stats.editsDeferred);
    expect(value('migrate_bot_slack_rate_limited_total')).toBe(0);
    expect(value('migrate_bot_leases_held')).toBe(1);
    expect(value('migrate_bot_approvals_pending')).toBe(0);
    // Node's default metrics, under the same prefix.
    expect(value('migrate_bot_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value('migrate_bot_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);

    // A second scrape adds nothing that did not happen (delivery counters are taken as deltas).
    const again = await scrape(t);
    expect(again.samples.get('migrate_bot_slack_posts_total')).toBe(stats.posts);
    expect(again.samples.get('migrate_bot_poll_cycles_total')).toBe(1);
  });

  it('keeps each bot in the process to its own registry', async () => {
    await other.ask('help');
    const mine = (await scrape(other)).samples;
    expect(mine.get('migrate_bot_requests_total{surface="command",what="help",outcome="ok"}')).toBe(1);
    expect(mine.get('migrate_bot_poll_cycles_total')).toBe(0);
  });

  it('labels an unknown subcommand as such (never with what the user typed) and counts it refused', async () => {
    await t.ask('frobnicate');
    const { samples } = await scrape(t);
    expect(
      samples.get('migrate_bot_requests_total{surface="command",what="unknown",outcome="refused"}'),
    ).toBe(1);
  });
});

describe('the operations port (METRICS_PORT)', () => {
  const status = async (url: string, init?: RequestInit) =>
    (await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) })).status;

  it('serves /metrics and the probes; the port Slack posts to serves the probes, never /metrics', async () => {
    expect(t.bot.metricsPort).not.toBe(t.bot.port);
    for (const route of ['/metrics', '/livez', '/readyz', '/healthz'])
      expect(await status(`${t.metricsUrl}${route}`), route).toBe(200);
    expect(await status(`${t.url}/metrics`)).toBe(404);
    for (const route of ['/livez', '/readyz']) expect(await status(`${t.url}${route}`), route).toBe(200);
    // And none of Slack's routes on the operations port.
    expect(await status(`${t.metricsUrl}/slack/events`, { method: 'POST', body: '{}' })).toBe(404);
    expect(await status(`${t.metricsUrl}/metrics`, { method: 'POST', body: '' })).toBe(405);
  });
});
