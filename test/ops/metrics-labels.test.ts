import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBot } from '../harness/test-bot.js';

// `/metrics` labels come from closed sets: `requests_total{what}` takes only what the app
// registered (subcommands, action and callback ids, the patterns its listeners answer), anything
// else is `unknown`. Made-up subcommands and action ids, signed as Slack would send them, must add
// no label of their own, however many arrive: a label per made-up id is a series per id.
const t = new TestBot();

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
});
afterAll(async () => {
  await t.stop();
});

/** Every sample of the scrape, by its series (name and labels). */
async function scrape(): Promise<string> {
  const res = await fetch(`${t.metricsUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  expect(res.status).toBe(200);
  return res.text();
}

/** Each label's values across every series of the scrape. */
function labelValues(text: string): Map<string, Set<string>> {
  const values = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    for (const [, name, value] of line.matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) {
      if (!values.has(name!)) values.set(name!, new Set());
      values.get(name!)!.add(value!);
    }
  }
  return values;
}

describe('request labels on /metrics', () => {
  it('stay a closed set after 200 made-up subcommands and 50 made-up action ids', {
    timeout: 120_000,
  }, async () => {
    const madeUp: string[] = [];
    const invent = () => {
      const word = `zz${randomBytes(5).toString('hex')}`;
      madeUp.push(word);
      return word;
    };
    for (let batch = 0; batch < 8; batch++)
      await Promise.all(Array.from({ length: 25 }, () => t.command(`${invent()} now`)));
    // Ids anyone can make up: new ones, and some that look like ours with a tail of their own.
    const actions = [
      ...Array.from({ length: 20 }, () => `evil.${invent()}`),
      ...Array.from({ length: 10 }, () => `help.run.${invent()}`),
      ...Array.from({ length: 10 }, () => `resource.pause:${invent()}`),
      ...Array.from({ length: 5 }, () => `resource.${invent()}`),
      ...Array.from({ length: 5 }, () => `list.page.${invent()}`),
    ];
    for (const id of actions) await t.click(id, '{}');
    await t.settled(60_000);

    const text = await scrape();
    const leaked = text.split('\n').filter((line) => madeUp.some((word) => line.includes(word)));
    expect(leaked).toEqual([]);
    const what = [...(labelValues(text).get('what') ?? [])].sort();
    // A made-up command is `unknown`; so is every made-up action but the one that fits a pattern of
    // ours, whose listener answers it (and refuses its payload).
    expect(what).toEqual(['resource.pause', 'unknown']);
    const requests = text.split('\n').filter((l) => l.startsWith('migrate_bot_requests_total{'));
    expect(requests.length).toBeLessThanOrEqual(6);
  });
});
