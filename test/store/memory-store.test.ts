import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory-store.js';
import { until } from '../harness/until.js';

/** What the memory store gave back when it was Keyv over a Map: the reference for every case. */
async function throughKeyv(value: unknown): Promise<unknown> {
  const keyv = new Keyv({ store: new Map(), namespace: 'migrate-bot' });
  await keyv.set('k', value);
  return keyv.get('k');
}

describe('memory store', () => {
  it.each([
    ['a JSON record', JSON.stringify({ watch: { id: 'x' }, outbox: [{ text: 'a "quoted" word' }] })],
    ['a string starting with a colon', ':base64:aGk='],
    ['an empty string', ''],
    ['an object with a date and a buffer', { at: new Date(0), bytes: Buffer.from('hi'), gone: undefined }],
    ['a number', 42],
    ['null', null],
  ])('reads back %s as the Keyv store did', async (_name, value) => {
    const store = new MemoryStore();
    await store.set('k', value);
    expect(await store.get('k')).toEqual(await throughKeyv(value));
  });

  it('keeps a string record as the very string written, and objects as copies', async () => {
    const store = new MemoryStore();
    const record = JSON.stringify({ a: 1 });
    await store.set('r', record);
    expect(await store.get('r')).toBe(record);
    const object = { a: 1 };
    await store.set('o', object);
    object.a = 2;
    expect(await store.get('o')).toEqual({ a: 1 });
  });

  it('expires values with a TTL (0 is none) and says whether a delete removed anything', async () => {
    const store = new MemoryStore();
    await store.set('short', 'x', 20);
    await store.set('zero', 'y', 0);
    await until(async () => (await store.get('short')) === undefined, {
      what: 'the 20 ms value gone',
      everyMs: 10,
    });
    expect(await store.get('zero')).toBe('y');
    expect(await store.delete('zero')).toBe(true);
    expect(await store.delete('zero')).toBe(false);
  });
});
