import { describe, expect, it } from 'vitest';
import { FairWorkQueue } from '../../../src/slack/intake/fair-work-queue.js';

/** A job that records its start and waits until the test finishes it (or releases its slot). */
function recorder(queue: FairWorkQueue) {
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  const release = new Map<string, () => void>();
  const push = (key: string, name: string) =>
    queue.push(key, (giveBack) => {
      started.push(name);
      release.set(name, giveBack);
      return new Promise<void>((resolve) => finish.set(name, resolve));
    });
  return { started, finish, release, push };
}

const errors: unknown[] = [];
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('FairWorkQueue', () => {
  it('takes the workspaces in turns, each in its own arrival order', async () => {
    const queue = new FairWorkQueue({ maxRunning: 1, maxRunningPerKey: 1, onError: (e) => errors.push(e) });
    const r = recorder(queue);
    // x0 holds the only slot while the others arrive.
    r.push('X', 'x0');
    for (const name of ['a1', 'a2', 'a3']) r.push('A', name);
    for (const name of ['b1', 'b2']) r.push('B', name);
    r.push('C', 'c1');
    for (let i = 0; i < 7; i++) {
      await settle();
      r.finish.get(r.started.at(-1)!)?.();
      await settle();
    }
    expect(r.started).toEqual(['x0', 'a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
    expect(queue.running).toBe(0);
    expect(queue.waiting).toBe(0);
  });

  it('keeps slots open to other workspaces when one holds its share with jobs that never end', async () => {
    const queue = new FairWorkQueue({ maxRunning: 4, maxRunningPerKey: 2, onError: (e) => errors.push(e) });
    const r = recorder(queue);
    for (let i = 1; i <= 5; i++) r.push('A', `a${i}`);
    await settle();
    expect(r.started).toEqual(['a1', 'a2']);
    r.push('B', 'b1');
    r.push('C', 'c1');
    await settle();
    expect(r.started).toEqual(['a1', 'a2', 'b1', 'c1']);
    expect(queue.runningFor('A')).toBe(2);
    expect(queue.waiting).toBe(3);
  });

  it('starts the next job when a running one gives its slot back early, once only', async () => {
    const queue = new FairWorkQueue({ maxRunning: 2, maxRunningPerKey: 2, onError: (e) => errors.push(e) });
    const r = recorder(queue);
    for (let i = 1; i <= 4; i++) r.push('A', `a${i}`);
    await settle();
    expect(r.started).toEqual(['a1', 'a2']);
    r.release.get('a1')!();
    r.release.get('a1')!();
    await settle();
    expect(r.started).toEqual(['a1', 'a2', 'a3']);
    // a1 ends later: its slot was already given back, so nothing more starts.
    r.finish.get('a1')!();
    await settle();
    await settle();
    expect(r.started).toEqual(['a1', 'a2', 'a3']);
    expect(queue.running).toBe(2);
  });

  it('gives the slot back when a job fails, and reports the failure', async () => {
    const failures: unknown[] = [];
    const queue = new FairWorkQueue({ maxRunning: 1, maxRunningPerKey: 1, onError: (e) => failures.push(e) });
    const order: string[] = [];
    queue.push('A', async () => {
      order.push('fails');
      throw new Error('boom');
    });
    queue.push('A', async () => {
      order.push('next');
    });
    for (let i = 0; i < 5 && order.length < 2; i++) await settle();
    expect(order).toEqual(['fails', 'next']);
    expect(failures).toHaveLength(1);
  });
});
