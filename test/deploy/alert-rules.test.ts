import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { TestBot } from '../harness/test-bot.js';

/**
 * The alerts shipped (issue 50): bot down or not ready, outbox dropping, store errors, besides the
 * watcher and delivery ones, as a plain Prometheus rules file and as the PrometheusRule of the
 * kustomize component; every metric a rule reads is one the running bot serves on /metrics.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}
type Groups = { name: string; rules: Rule[] }[];

const rulesFile = parseYaml(
  readFileSync(path.join(ROOT, 'deploy/prometheus/migrate-bot.rules.yml'), 'utf8'),
) as {
  groups: Groups;
};
const prometheusRule = parseYaml(
  readFileSync(path.join(ROOT, 'deploy/kustomize/components/alerts/prometheusrule.yaml'), 'utf8'),
) as { kind: string; spec: { groups: Groups } };
const rules = rulesFile.groups.flatMap((g) => g.rules);

/** The bot's metric names an expression reads (a histogram's _bucket, _sum and _count are its own). */
const metricsIn = (expr: string) =>
  [...expr.matchAll(/\bmigrate_bot_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''));

let bot: TestBot;
beforeAll(async () => {
  bot = await new TestBot().start();
}, 30_000);
afterAll(async () => {
  await bot?.stop();
});

async function scrape(): Promise<string> {
  const answer = await fetch(`${bot.metricsUrl}/metrics`);
  expect(answer.status).toBe(200);
  return answer.text();
}

describe('the alert rules', () => {
  it('are the same in the rules file and the PrometheusRule', () => {
    expect(prometheusRule.kind).toBe('PrometheusRule');
    expect(prometheusRule.spec.groups).toEqual(rulesFile.groups);
  });

  it('alert on the bot down or not ready, notifications dropped and store errors, each explained', () => {
    expect(rules.map((r) => r.alert)).toEqual([
      'MigrateBotWatcherCycleStuck',
      'MigrateBotOutboxGrowing',
      'MigrateBotOutboxStale',
      'MigrateBotProviderErrors',
      'MigrateBotSlackRateLimited',
      'MigrateBotDown',
      'MigrateBotNotReady',
      'MigrateBotOutboxDropping',
      'MigrateBotStoreErrors',
    ]);
    for (const rule of rules) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels.severity);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      expect(rule.annotations.description, rule.alert).toBeTruthy();
      // Balanced brackets: a typo that promtool would refuse shows here too.
      for (const [open, close] of ['()', '[]', '{}'])
        expect(rule.expr.split(open!).length, `${rule.alert} ${open}${close}`).toBe(
          rule.expr.split(close!).length,
        );
    }
  });

  it('read only metrics the running bot serves on /metrics', async () => {
    const served = new Set([...(await scrape()).matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    for (const rule of rules) {
      expect(metricsIn(rule.expr).length, rule.alert).toBeGreaterThan(0);
      for (const name of metricsIn(rule.expr)) expect(served, `${rule.alert}: ${name}`).toContain(name);
    }
  });

  it('MigrateBotNotReady reads what /readyz answered last: 1 when ready, 0 when not', async () => {
    const ready = async () => Number(/^migrate_bot_ready (\d+)$/m.exec(await scrape())?.[1]);
    expect((await fetch(`${bot.metricsUrl}/readyz`)).status).toBe(200);
    expect(await ready()).toBe(1);
    const spy = vi.spyOn(bot.bot.deps.store, 'healthy').mockResolvedValue(false);
    try {
      expect((await fetch(`${bot.metricsUrl}/readyz`)).status).toBe(503);
      expect(await ready()).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect((await fetch(`${bot.metricsUrl}/readyz`)).status).toBe(200);
    expect(await ready()).toBe(1);
  });
});
