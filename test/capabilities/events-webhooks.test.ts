import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '../../src/capabilities/events/index.js';
import type { EventsState } from '../../src/capabilities/events/state.js';
import { generateKey } from '../../src/crypto/secret-box.js';
import { stateIn } from '../harness/started-capabilities.js';
import { messageText, TestBot } from '../harness/test-bot.js';
import { TestClock } from '../harness/test-clock.js';
import { until } from '../harness/until.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { windowWorld } from '../windows/window-world.js';

// Events out (issue 63): signed webhooks on loopback, through signed `/migrate webhook` commands,
// the OMS simulator and the fake Slack; the receiver checks every signature and deduplicates ids.

const CHANNEL = 'C0EVENTS1';
const clock = new TestClock(() => Date.parse('2026-11-27T09:00:00Z'));
const t = new TestBot();
const receiver = new WebhookReceiver();
const { cycles, runningWatched } = windowWorld(t, CHANNEL);
const schema = JSON.parse(readFileSync('docs/events.schema.json', 'utf8')) as object;
const ajv = new Ajv2020.default({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);

/** Adds a webhook for `path` as the admin and gives the receiver its secret (shown once). */
async function addHook(path: string, words = ''): Promise<string> {
  const answer = messageText(
    await t.ask(`webhook add ${receiver.url}${path} ${words}`.trim(), { channelId: CHANNEL }),
  );
  const secret = /(whsec_[A-Za-z0-9_-]+)/.exec(answer)?.[1];
  const id = /`(h[0-9a-f]{6})`/.exec(answer)?.[1];
  expect(secret, answer).toBeDefined();
  receiver.secrets.set(path, secret!);
  return id!;
}

beforeAll(async () => {
  await receiver.start();
  await t.start({
    env: {
      POLL_INTERVAL_SECONDS: '0',
      MIGRATE_BOT_ENCRYPTION_KEYS: `k1:${generateKey()}`,
      MIGRATE_BOT_ALLOWED_ENDPOINTS: receiver.url,
    },
    watcher: { clock, editBudget: { windowMs: 10_000, max: 100 } },
  });
});
afterAll(async () => {
  await t.stop();
  await receiver.stop();
});

describe('signed webhooks', () => {
  it('refuses hosts the endpoint rules refuse, and people who are not admins', async () => {
    for (const url of [
      'http://hooks.example.com/x',
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://metadata.internal/x',
      'https://a:b@hooks.example.com/',
    ]) {
      const answer = messageText(await t.ask(`webhook add ${url}`, { channelId: CHANNEL }));
      expect(answer, url).not.toContain('whsec_');
    }
    const viewer = messageText(
      await t.ask('webhook add https://hooks.example.com/x', { userId: 'U0VIEWER1', channelId: CHANNEL }),
    );
    expect(viewer).not.toContain('whsec_');
    expect(messageText(await t.ask('webhook list', { channelId: CHANNEL }))).toContain('No webhooks');
  });

  it('delivers every event of a migration that fails, is retried and succeeds, signed, once per id, while a hung and a failing receiver hold nothing up', async () => {
    const good = await addHook('/good');
    await addHook('/hang');
    await addHook('/fail', 'failures completion');
    receiver.hang.add('/hang');
    receiver.fail.add('/fail');
    // The receiver answers 500 to the failure's first delivery: it must come again, with its id.
    receiver.failOnce.add('migration.failed');

    const id = await runningWatched('nightly-copy');
    const task = t.oms.task(id)!;
    task.status = 4;
    task.errorReason = { error_code: 'TRF.0003', error_msg: 'Waiting for task execution timed out.' };
    await cycles(1);
    // Slack heard of the failure although two webhooks hang or fail.
    await until(
      () =>
        t.fakeSlack
          .callsTo('chat.postMessage')
          .some((c) => c.body.channel === CHANNEL && messageText(c.body).includes('TRF.0003')),
      { what: 'the failure in Slack' },
    );
    await until(() => receiver.at('/good').some((r) => r.type === 'migration.failed'), {
      what: 'first delivery of the failure',
    });
    expect(receiver.unique('/good').some((r) => r.type === 'migration.failed')).toBe(true);

    task.status = 6; // retrying, as OMS says it
    await cycles(1);
    task.status = 5;
    task.completeSize = task.totalSize;
    await cycles(2);
    // The failure waits for its retry (30 s later on the bot's clock); what came after waits behind it.
    // Both runs end with a report and a verification: the second verification is the last event.
    const verified = () => receiver.unique('/good').filter((r) => r.type === 'migration.verified').length;
    await until(
      async () => {
        if (verified() >= 2) return true;
        clock.advance(31_000);
        await cycles(1);
        return false;
      },
      { what: 'every event delivered', timeoutMs: 15_000, everyMs: 100 },
    );
    const got = receiver.at('/good');
    const unique = receiver.unique('/good');
    expect(got.every((r) => r.valid)).toBe(true);
    expect(got.filter((r) => r.type === 'migration.failed').length).toBe(2); // at least once: sent again
    expect(new Set(unique.map((r) => r.id)).size).toBe(unique.length);
    const types = unique.map((r) => r.type);
    for (const type of [
      'migration.failed',
      'migration.retrying',
      'migration.succeeded',
      'migration.completed',
      'migration.verified',
    ])
      expect(types, type).toContain(type);
    // In order per resource: the failure (retried) is still before everything that came after it.
    expect(types.indexOf('migration.failed')).toBeLessThan(types.indexOf('migration.retrying'));
    // A failure ends a run too: its report and verification follow it, and the success's follow the success.
    expect(types.indexOf('migration.succeeded')).toBeLessThan(types.lastIndexOf('migration.completed'));
    const failed = unique.find((r) => r.type === 'migration.failed')!.body;
    expect(failed.data).toMatchObject({
      error: { code: 'TRF.0003', explanation: { meaning: expect.any(String) } },
    });
    for (const r of unique) expect(validate(r.body), JSON.stringify(validate.errors)).toBe(true);

    // The hung receiver still holds its first request; the failing one was tried and counted.
    expect(receiver.hanging).toBeGreaterThanOrEqual(1);
    expect(receiver.at('/fail').length).toBeGreaterThanOrEqual(1);
    const list = messageText(await t.ask('webhook list', { channelId: CHANNEL }));
    expect(list).toContain(good);
    expect(list).toMatch(/last attempt .* failed: 500/);
    expect(list).toMatch(/last delivery .*: 200/);
    // Times as Slack shows them everywhere, in each reader's zone, with a UTC fallback.
    expect(list).toMatch(
      /last delivery <!date\^\d+\^\{date_short_pretty\} \{time\}\|\d{4}-\d\d-\d\d \d\d:\d\d UTC>: 200/,
    );
    expect(list).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
  });

  it('sends a test event to one webhook and forgets a removed one', async () => {
    const id = await addHook('/tested');
    await t.ask(`webhook test ${id}`, { channelId: CHANNEL });
    await until(() => receiver.at('/tested').some((r) => r.type === 'webhook.test' && r.valid), {
      what: 'the test event',
    });
    expect(receiver.at('/good').some((r) => r.type === 'webhook.test')).toBe(false);
    expect(messageText(await t.ask(`webhook remove ${id}`, { channelId: CHANNEL }))).toContain('removed');
    expect(messageText(await t.ask('webhook list', { channelId: CHANNEL }))).not.toContain(id);
  });

  it('takes over an attempt whose replica died after claiming it, and no other replica sends it meanwhile', async () => {
    const id = await addHook('/taken');
    const s = stateIn<EventsState>(t.bot.deps, events);
    const [team] = await s.hooks.teams();
    const key = `ev:q:${team}:${id}`;
    // Another replica claimed the head and died before any outcome: its mark stays in the queue.
    await s.deliveries.enqueue(team!, [
      { ...testEventFor(team!, id), id: 'evt_0123456789abcdef0123456789abcdef' },
    ]);
    await s.deliveries.idle(team!, id);
    receiver.received.splice(0);
    await s.hooks.kv.update(key, (raw) => {
      const q = JSON.parse(raw!) as { items: { sending?: unknown; attempts: number }[] };
      q.items = [
        {
          id: 'evt_dead',
          type: 'webhook.test',
          body: '{}',
          firstAt: clock.now(),
          attempts: 1,
          sending: { by: 'dead-replica#1', at: clock.now() },
        } as never,
        ...q.items,
      ];
      return JSON.stringify(q);
    });
    s.deliveries.kick(team!, (await s.hooks.list(team!)).find((h) => h.id === id)!);
    await s.deliveries.idle(team!, id);
    expect(receiver.at('/taken')).toHaveLength(0); // claimed by a live-looking replica: not sent
    clock.advance(21_000);
    await cycles(1);
    await until(() => receiver.at('/taken').length >= 1, { what: 'the dead claim taken over' });
    await s.deliveries.idle(team!, id);
    expect(receiver.at('/taken').map((r) => r.id)).toEqual(['evt_dead']);
  });
});

function testEventFor(team: string, hookId: string) {
  return {
    specversion: '1.0' as const,
    schema: 'migrate-bot.events/v1' as const,
    id: '',
    type: 'webhook.test',
    source: `migrate-bot://${team}`,
    subject: `webhook:${hookId}`,
    time: new Date(clock.now()).toISOString(),
    datacontenttype: 'application/json' as const,
    team,
    data: { by: 'U0ALICE01' },
  };
}
