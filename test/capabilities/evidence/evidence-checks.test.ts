import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TrustedKey, verifyBundle } from '../../../src/capabilities/evidence/bundle-format.js';
import { messageText } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { ObjectsWorld, worldBot } from '../objects/objects-world.js';

// Issue 78: a bucket check that ended is kept for the run's evidence (capabilities/shared/kept-checks.ts):
// the bundle's bucket-checks.json holds what it counted and named, and differences.csv the rows of
// its CSV, every outside key inert (a formula prefixed, control characters written out).

const CHANNEL = 'C0EVCHECKS';
const ALICE = { userId: 'U0ALICE01', channelId: CHANNEL };
const FORMULA = '=HYPERLINK("http://x")';
const CONTROL = 'ctl\u0001\u001f.bin';
const world = new ObjectsWorld({ oms: { src: ['ev-src'], dst: ['ev-dst'] } });
const { store } = world;
const t = worldBot(world, {
  start: { env: { MIGRATE_BOT_EVIDENCE_KEYS: `k1:${randomBytes(32).toString('base64')}` } },
});

beforeAll(() => {
  for (let i = 0; i < 30; i++) {
    store.putObject('ev-src', `pics/${i}.jpg`, `p${i}`);
    if (i !== 3) store.putObject('ev-dst', `pics/${i}.jpg`, `p${i}`);
  }
  store.putObject('ev-src', FORMULA, 'f');
  store.putObject('ev-src', CONTROL, 'c');
});

describe('the bucket check in the evidence bundle', { timeout: 60_000 }, () => {
  it('holds the check’s counts and its differences, inert', async () => {
    const task = t.oms.addTask({
      name: 'ev-checked',
      status: 5,
      src: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'ev-src' },
      dst: { region: 'cn-north-4', bucket: 'ev-dst' },
    });
    await t.ask(`verify hw-prod:${task.id}`, ALICE);
    await until(() => t.fakeSlack.files.uploads.find((u) => u.filename.includes(task.id)), {
      what: 'the check’s CSV',
      timeoutMs: 30_000,
    });
    await t.settled();
    const before = t.fakeSlack.files.uploads.length;
    const answer = messageText(await t.ask(`evidence hw-prod:${task.id}`, ALICE));
    expect(answer).toContain('signed with key `k1`');
    const keys = ((await (await fetch(`${t.url}/api/v1/evidence-keys`)).json()) as { keys: TrustedKey[] })
      .keys;
    const checked = verifyBundle(t.fakeSlack.files.uploads[before]!.bytes.toString('utf8'), keys);
    if (!checked.ok) throw new Error(checked.why);
    const part = (name: string) => checked.parts.find((p) => p.name === name)!.bytes.toString('utf8');
    const checks = JSON.parse(part('bucket-checks.json')) as {
      by: string;
      outcome: Record<string, unknown>;
    }[];
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ by: ALICE.userId, outcome: { status: 'done', tally: { missing: 3 } } });
    const csv = part('differences.csv');
    expect(csv).toContain(`"missing","pics/3.jpg"`);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv).toContain('ctl\\u0001\\u001f.bin');
    expect([...csv].filter((c) => c.charCodeAt(0) < 0x20 && c !== '\r' && c !== '\n')).toEqual([]);
  });

  it('holds a content check’s tiers, its sample and the checksums that differ', async () => {
    for (let i = 0; i < 12; i++) {
      const etag = { etag: `"${'a'.repeat(32)}-2"` };
      store.putObject('ev-src', `mp/${i}.bin`, `part ${i}`, etag);
      store.putObject('ev-dst', `mp/${i}.bin`, i === 4 ? `PART ${i}` : `part ${i}`, etag);
    }
    const task = t.oms.addTask({
      name: 'ev-content',
      status: 5,
      src: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'ev-src' },
      dst: { region: 'cn-north-4', bucket: 'ev-dst' },
    });
    await t.click('objects.check', JSON.stringify({ c: 'hw-prod', k: 'task', id: task.id, m: 'go' }), ALICE);
    await until(() => t.fakeSlack.files.uploads.find((u) => u.filename.includes(task.id)), {
      what: 'the content check’s CSV',
      timeoutMs: 30_000,
    });
    await t.settled();
    const before = t.fakeSlack.files.uploads.length;
    await t.ask(`evidence hw-prod:${task.id}`, ALICE);
    const keys = ((await (await fetch(`${t.url}/api/v1/evidence-keys`)).json()) as { keys: TrustedKey[] })
      .keys;
    const checked = verifyBundle(t.fakeSlack.files.uploads[before]!.bytes.toString('utf8'), keys);
    if (!checked.ok) throw new Error(checked.why);
    const part = (name: string) => checked.parts.find((p) => p.name === name)!.bytes.toString('utf8');
    const [check] = JSON.parse(part('bucket-checks.json')) as { outcome: Record<string, unknown> }[];
    expect(check!.outcome).toMatchObject({
      content: { same: { md5: 29 }, byContent: 1, sample: { pool: 12, n: 12, differ: 1 }, notChecked: 0 },
    });
    const csv = part('differences.csv');
    expect(csv.split('\r\n')[0]).toContain('"source_checksum","destination_checksum"');
    expect(csv).toMatch(
      /"different","mp\/4\.bin","mp\/4\.bin",6,6,"a{32}-2","a{32}-2","sha256:[0-9a-f]{64}","sha256:[0-9a-f]{64}"/,
    );
  });
});
