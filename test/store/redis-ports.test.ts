import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { freePort, portRange } from '../harness/redis-topology.js';

/**
 * The test Redis servers (single, cluster, Sentinel; CI's topologies and the files' own) take
 * ports outside the kernel's ephemeral range, their cluster bus port (+ 10000) too: a port in it,
 * found free a moment before, can become the local port of any outgoing connection on the machine
 * before redis-server binds it, and the server exits (a CI rehearsal's redis-cluster.test did).
 */
const ephemeral = (): [number, number] => {
  try {
    const [first, last] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    return [first ?? 32_768, last ?? 60_999];
  } catch {
    return [32_768, 60_999];
  }
};
const inside = (port: number, [first, last]: [number, number]) => port >= first && port <= last;

describe('the test Redis servers’ ports', () => {
  it('leave the ephemeral range, bus ports included, wherever it lies', () => {
    expect(portRange([32_768, 60_999])).toEqual([10_000, 22_767]);
    for (const range of [
      [32_768, 60_999],
      [49_152, 65_535],
      [20_000, 40_000],
      [1_024, 25_000],
    ] as [number, number][]) {
      const [low, high] = portRange(range);
      for (const port of [low, high, low + 10_000, high + 10_000]) expect(inside(port, range)).toBe(false);
      expect(high + 10_000).toBeLessThanOrEqual(65_535);
    }
  });

  it('are drawn free, with their bus port, outside this machine’s range and not twice', async () => {
    const range = ephemeral();
    const taken = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const port = await freePort(taken);
      expect(inside(port, range)).toBe(false);
      expect(inside(port + 10_000, range)).toBe(false);
      expect(taken.has(port)).toBe(false);
      taken.add(port);
    }
  });
});
