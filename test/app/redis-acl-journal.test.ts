import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/crypto/secret-box.js';
import { Journal } from '../../src/store/journal.js';
import { journalName, keySlot } from '../../src/store/key-slot.js';
import { RedisAtomicKv } from '../../src/store/redis-atomic-kv.js';
import { windowWorld } from '../capabilities/windows/window-world.js';
import { type RedisTopology, startSingle } from '../harness/redis-topology.js';
import { messageText, TestBot } from '../harness/test-bot.js';
import { TestClock } from '../harness/test-clock.js';
import { until } from '../harness/until.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * Issue 73, item 10: the bot with webhooks (whose journal hook writes each watch record's and
 * audit entry's journal) under exactly the ACL line docs/deployment.md gives, read from the page:
 * a watch cycle, the journal sweep and the audit all run, and every key it wrote is under
 * `migrate-bot:`. Before, a journal was `{migrate-bot:…}:journal` (NOPERM).
 */
const DOCS = readFileSync(path.join(import.meta.dirname, '..', '..', 'docs', 'deployment.md'), 'utf8');
const ACL_LINE = /^ACL SETUSER migrate-bot on >PASSWORD (.+)$/m.exec(DOCS)?.[1] ?? '';
const CHANNEL = 'C0ACLJRNL';

let redis: RedisTopology;
const { logger } = captureLogger('warn');
const clock = new TestClock(() => Date.parse('2026-11-27T09:00:00Z'));
const t = new TestBot();
const receiver = new WebhookReceiver();
const { cycles, runningWatched } = windowWorld(t, CHANNEL);

function admin(...args: string[]): string {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(redis.ports[0]), ...args], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return `${result.stdout}${result.stderr}`.trim();
}

beforeAll(async () => {
  expect(ACL_LINE).toMatch(/^resetkeys ~migrate-bot:\* /);
  redis = await startSingle();
  expect(admin('ACL', 'SETUSER', 'migrate-bot', 'on', '>acl-pw', ...ACL_LINE.split(/\s+/))).toBe('OK');
  await receiver.start();
  await t.start({
    env: {
      STORE_URL: `redis://migrate-bot:acl-pw@127.0.0.1:${redis.ports[0]}`,
      POLL_INTERVAL_SECONDS: '0',
      MIGRATE_BOT_ENCRYPTION_KEYS: `k1:${generateKey()}`,
      MIGRATE_BOT_ALLOWED_ENDPOINTS: receiver.url,
    },
    watcher: { clock, editBudget: { windowMs: 10_000, max: 100 } },
  });
}, 60_000);

afterAll(async () => {
  await t.stop();
  await receiver.stop();
  await redis?.stop();
});

describe('webhooks under the documented Redis ACL', () => {
  it('runs the watch cycle, the journal sweep and the audit with every key under migrate-bot:', async () => {
    const answer = messageText(await t.ask(`webhook add ${receiver.url}/acl`, { channelId: CHANNEL }));
    const secret = /(whsec_[A-Za-z0-9_-]+)/.exec(answer)?.[1];
    expect(secret, answer).toBeDefined();
    receiver.secrets.set('/acl', secret!);

    const id = await runningWatched('acl-journal');
    t.oms.task(id)!.status = 5;
    await cycles(2);
    // The watch record's journal carried the event to the webhook's queue, then out.
    await until(() => receiver.at('/acl').some((r) => r.type === 'migration.succeeded'), {
      what: 'migration.succeeded delivered',
      timeoutMs: 10_000,
    });
    // The journal job's work, and the audit's.
    await t.bot.deps.watcher.store.sweepTaps();
    await t.bot.deps.audit.sweepTaps(['T0FAKE001']);
    expect((await t.bot.deps.audit.recent('T0FAKE001', 50)).some((e) => e.action.includes('webhook'))).toBe(
      true,
    );

    const log = t.logs.lines.join('\n');
    expect(log).not.toMatch(/NOPERM|no permissions/);
    expect(log).not.toMatch(/journal could not be taken/);
    const keys = admin('--scan').split('\n').filter(Boolean);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => !k.startsWith('migrate-bot:'))).toEqual([]);
  }, 60_000);

  it('takes a journal an older build left under its old name; under the ACL user the sweep still runs', async () => {
    const taken: string[] = [];
    const tap = {
      name: 'events',
      lines: () => [],
      take: async (l: readonly string[]) => void taken.push(...l),
    };
    // A user that may read every key (as an older build needed): the old journal is moved, then taken.
    const wide = await RedisAtomicKv.connect(
      `redis://127.0.0.1:${redis.ports[0]}`,
      'migrate-bot:old:',
      logger,
    );
    const narrow = await RedisAtomicKv.connect(
      `redis://migrate-bot:acl-pw@127.0.0.1:${redis.ports[0]}`,
      'migrate-bot:old:',
      logger,
    );
    try {
      expect(admin('SET', '{migrate-bot:old:audit:T1}:journal', 'events\tleft-by-old\n')).toBe('OK');
      const underAcl = new Journal(narrow);
      underAcl.add(tap);
      expect(await underAcl.sweep(['audit:T1'])).toBe(0);
      const journal = new Journal(wide);
      journal.add(tap);
      expect(await journal.sweep(['audit:T1'])).toBe(1);
      expect(taken).toEqual(['left-by-old']);
      expect(admin('EXISTS', '{migrate-bot:old:audit:T1}:journal')).toBe('0');
      expect(admin('EXISTS', 'migrate-bot:old:audit:T1:journal')).toBe('0');
    } finally {
      await wide.close();
      await narrow.close();
    }
  }, 30_000);

  it("names every journal under the prefix, in its record's slot on a cluster", () => {
    for (const name of [
      'migrate-bot:state:audit:T0FAKE001',
      'migrate-bot:watch:w:T1:C1:hw-prod:task:42',
      'migrate-bot:watch:{T1:hw-prod}w:T1:C1:hw-prod:task:42',
    ]) {
      for (const cluster of [false, true]) {
        const journal = journalName(name, cluster);
        expect(journal.startsWith(`${name}:journal`), journal).toBe(true);
        if (cluster) expect(keySlot(journal), journal).toBe(keySlot(name));
      }
    }
  });
});
