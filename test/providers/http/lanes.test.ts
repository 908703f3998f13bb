import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Lanes } from '../../../src/providers/http/lanes.js';

describe('Lanes: how many talk to a provider at once', () => {
  it('never lets more than its size run at once, and serves waiters in the order they came', async () => {
    const lanes = new Lanes(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        lanes.run(async () => {
          started.push(i);
          running++;
          most = Math.max(most, running);
          // Work of different lengths, in turns of the loop rather than real time.
          for (let turn = 0; turn <= i % 3; turn++) await nextTurn();
          running--;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(started).toEqual([...started].sort((a, b) => a - b));
  });

  it('frees the lane when the work fails, and passes the failure on', async () => {
    const lanes = new Lanes(1);
    await expect(lanes.run(async () => Promise.reject(new Error('provider hung up')))).rejects.toThrow(
      'provider hung up',
    );
    await expect(lanes.run(async () => 'next')).resolves.toBe('next');
  });
});
