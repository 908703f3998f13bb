import { beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../harness/until.js';
import { lastDrawn, ObjectsWorld, worldBot } from './objects-world.js';

// Issue 73, item 1, through signed requests: a connection's buckets are on a store at a loopback
// address the allow-list (MIGRATE_BOT_ALLOWED_ENDPOINTS) does not name. `/migrate verify` must not
// open a connection there: the check's post says the buckets are at an internal address and what
// would let them through, and the store never hears a request. The same store, allow-listed, is
// what every other objects test checks against.

const CHANNEL = 'C0RULE0001';
const ALICE = { userId: 'U0ALICE01', channelId: CHANNEL };
const world = new ObjectsWorld({ oms: {} });
const { store } = world;
const t = worldBot(world, { allowed: false });

beforeAll(() => {
  store.putObject('src-bucket', 'a.txt', 'a');
  store.putObject('dst-bucket', 'a.txt', 'a');
});

describe('/migrate verify and the endpoint rule', () => {
  it('checks no bucket at an internal address the allow-list does not name, and says so', async () => {
    const task = t.oms.addTask({
      name: 'to-loopback',
      status: 5,
      src: { cloud_type: 'AWS', region: 'us-east-1', bucket: 'src-bucket' },
      dst: { region: 'cn-north-4', bucket: 'dst-bucket' },
    });
    await t.ask(`verify hw-prod:${task.id}`, ALICE);
    const post = await until(
      () => {
        const text = lastDrawn(t.fakeSlack, task.id);
        return text && !text.includes('Checking…') ? text : undefined;
      },
      { what: 'the check’s final post', timeoutMs: 20_000 },
    );
    expect(post).toContain('is at an internal address');
    expect(post).toContain('MIGRATE_BOT_ALLOWED_ENDPOINTS');
    expect(post).not.toContain('could not be reached');
    expect(store.calls).toEqual([]);
  });
});
