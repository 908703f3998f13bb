import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AtomicKv, LocalAtomicKv } from '../../src/store/atomic-kv.js';
import { createStore } from '../../src/store/create-store.js';
import { RedisAtomicKv } from '../../src/store/redis-atomic-kv.js';
import type { EntryTap } from '../../src/watcher/outbox/entry-taps.js';
import {
  INDEX_KEY,
  type Mailbox,
  type OutboxEntry,
  WatchStore,
} from '../../src/watcher/records/watch-store.js';
import { until } from '../harness/until.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../harness/watcher-rig.js';
import { captureLogger } from '../helpers/capture-logger.js';

// A record's taps keep their lines in the record's own write (the journal): a replica that dies
// after storing the record, before its tap took the lines, loses nothing; another replica's sweep
// takes them.

const KEY = 'c:T1:C1';
let prefix: string;
const backends: RedisAtomicKv[] = [];

beforeEach(() => {
  prefix = uniquePrefix();
});
afterEach(async () => {
  for (const b of backends.splice(0)) await b.close();
  await cleanRedis(prefix);
});

async function redis(): Promise<RedisAtomicKv> {
  const backend = await RedisAtomicKv.connect(REDIS_URL, prefix, captureLogger('fatal').logger);
  backends.push(backend);
  return backend;
}

const entry = (key: string): OutboxEntry => ({
  key,
  type: 'notice',
  teamId: 'T1',
  channel: 'C1',
  text: key,
  createdAt: 1,
  attempts: 0,
});

/** A tap that keeps each new entry's key, and whose `take` does what `taking` says. */
function tap(taking: (lines: readonly string[]) => Promise<void>): EntryTap {
  return { name: 'test', lines: (w) => w.entries.map((e) => e.key), take: taking };
}

async function writeEntries(store: WatchStore, keys: string[]): Promise<void> {
  await store.update<Mailbox>(KEY, (current) => ({
    outbox: [...(current?.outbox ?? []), ...keys.map(entry)],
    sent: current?.sent ?? [],
  }));
}

describe.each([
  ['redis', () => redis()],
  [
    'local',
    async () =>
      new LocalAtomicKv(await createStore('memory://', captureLogger('fatal').logger), `${uniquePrefix()}:`),
  ],
] as const)('the journal on %s', (_name, backend) => {
  it('keeps the lines in the write: a replica that dies before taking them loses none', async () => {
    const kv: AtomicKv = await backend();
    await kv.setAdd(INDEX_KEY, KEY);
    // Replica A stores the record, then "dies" before its tap has the lines anywhere else.
    const dying = new WatchStore(kv);
    let died = 0;
    dying.taps.add(
      tap(async () => {
        died++;
        throw new Error('killed');
      }),
    );
    await writeEntries(dying, ['e1', 'e2']);
    await writeEntries(dying, ['e3']);
    await until(() => died === 2, { what: 'both writes told to the dying tap', timeoutMs: 2_000 });

    // Replica B's sweep finds them in the record's journal, in order, and then it is empty.
    const alive = new WatchStore(kv);
    const taken: string[] = [];
    alive.taps.add(tap(async (lines) => void taken.push(...lines)));
    expect(await alive.sweepTaps()).toBe(1);
    expect(taken).toEqual(['e1', 'e2', 'e3']);
    expect(await alive.sweepTaps()).toBe(0);
    expect(await kv.journals([KEY])).toEqual(['']);
  });

  it('keeps the lines of the write that stood only, once, when a compare-and-set is retried', async () => {
    const kv: AtomicKv = await backend();
    const store = new WatchStore(kv);
    const taken: string[] = [];
    store.taps.add(tap(async (lines) => void taken.push(...lines)));
    await writeEntries(store, ['first']);
    let calls = 0;
    await store.update<Mailbox>(KEY, (current) => {
      calls++;
      // The first try loses a race (another writer's entry lands meanwhile): its lines are not kept.
      if (calls === 1) void kv.update(KEY, (raw) => raw?.replace('"sent":[]', '"sent":["x"]'));
      return { outbox: [...current!.outbox, entry(`try${calls}`)], sent: current!.sent };
    });
    // Taken once the journal is empty again: whatever the taps were given is in `taken` by then.
    await until(async () => taken.length >= 2 && (await kv.journals([KEY]))[0] === '', {
      what: 'the taps took every kept line',
      timeoutMs: 2_000,
    });
    expect(taken[0]).toBe('first');
    expect(taken.slice(1)).toEqual([`try${calls}`]);
    expect(await kv.journals([KEY])).toEqual(['']);
  });
});
