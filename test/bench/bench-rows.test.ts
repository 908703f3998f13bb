import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstLineOrKill } from '../../bench/ack/ack-latency.js';
import { type ClickCallsResult, clickCallTargets } from '../../bench/click/click-calls.js';
import type { ClickScaleResult, ClickSide } from '../../bench/click/click-targets.js';
import {
  BOT_SCRIPT_PATHS,
  compareBuildOf,
  WATCHER_SCRIPT_PATHS,
  watchStoreModule,
} from '../../bench/compare.js';
import { nodeUrls } from '../../bench/redis-ops.js';
import { clusterTargets } from '../../bench/replica/replica-targets.js';
import type { ReplicaIdle, ReplicaResult } from '../../bench/replica/replica-types.js';
import { clickTargets } from '../../bench/targets.js';

// Issue 47's click row and issue 50's cluster rows are judged from the figures of one run: these
// pin how (which figure, which bound, when a smoke run is only shown).
const summary = (p50: number, p95 = p50 * 2) => ({ count: 80, p50, p95, p99: p95, max: p95 });
const side = (watches: number, ack: number, answer: number, words = 0): ClickSide => ({
  watches,
  fillMs: 1,
  first: { ackMs: ack, answerMs: answer, how: 'edit' },
  ack: summary(ack),
  answer: summary(answer),
  edits: 80 - words,
  words,
  rssMb: 140,
});
const clicks = (small: ClickSide, large: ClickSide, smoke = false): ClickScaleResult => ({
  smoke,
  clicks: 80,
  sides: [small, large],
});

describe('the click row (issue 47)', () => {
  it('judges the medians at 50,000 ÷ at 100, ack and answer', () => {
    const [ack, answer] = clickTargets(clicks(side(100, 2, 10), side(50_000, 2.4, 16)));
    expect(ack).toMatchObject({ met: true, target: '≤ 1.5×' });
    expect(ack!.figure).toMatch(/^1\.2× \(2\.4 vs 2 ms/);
    expect(answer).toMatchObject({ met: false });
    expect(answer!.figure).toMatch(/^1\.6× \(16 vs 10 ms/);
  });
  it('fails an answer that came in words instead of the edit', () => {
    const [, answer] = clickTargets(clicks(side(100, 2, 10), side(50_000, 2, 10, 3)));
    expect(answer).toMatchObject({ met: false });
    expect(answer!.figure).toContain('3 answered in words');
  });
  it('shows a smoke run without judging it', () => {
    const rows = clickTargets(clicks(side(100, 2, 10), side(50_000, 2, 10), true));
    expect(rows.map((r) => r.met)).toEqual([null, null]);
    expect(rows[0]!.what).toContain('smoke');
  });
});

const idle = (replicas: number, ms: number): ReplicaIdle => ({
  replicas,
  ms,
  rounds: [ms],
  providerRequests: 500,
  cpuMs: 100,
});
const replicaRun = (topology: 'single' | 'cluster', ms: number[], extra: Partial<ReplicaResult> = {}) =>
  ({
    store: 'redis',
    topology,
    watches: 50_000,
    connections: 100,
    rttMs: 50,
    intervalMs: 10_000,
    leaseMs: 30_000,
    setupMs: 1,
    idle: [idle(1, ms[0]!), idle(2, ms[1]!), idle(4, ms[2]!)],
    join: [],
    cycles: [],
    smoke: false,
    kill: {
      replicas: 2,
      longestGapMs: 35_000,
      longestGapConnection: 'hw-001',
      transitions: 988,
      lost: 0,
      duplicated: 0,
      posts: 1000,
      slack429: 0,
    },
    busy: {
      replicas: 4,
      transitions: 988,
      lost: 0,
      duplicated: 0,
      posts: 1000,
      slackCalls: 1200,
      slack429: 0,
      seconds: 100,
    },
    ...extra,
  }) satisfies ReplicaResult;

describe('the cluster rows (issue 50)', () => {
  it('judges the one-replica idle round on the cluster ÷ on one Redis of the same run', () => {
    const single = replicaRun('single', [5000, 2600, 1400]);
    const [within] = clusterTargets(single, replicaRun('cluster', [6000, 3000, 1500]));
    expect(within).toMatchObject({ met: true });
    expect(within!.figure).toMatch(/^1\.2× \(6,000 ms vs 5,000 ms; 2 replicas 1\.15×/);
    const [over] = clusterTargets(single, replicaRun('cluster', [6500, 2600, 1400]));
    expect(over).toMatchObject({ met: false });
  });
  it('counts the 429s of the kill and busy steps, and bounds the failover by lease + interval', () => {
    const single = replicaRun('single', [5000, 2600, 1400]);
    const base = replicaRun('cluster', [5000, 2600, 1400]);
    const throttled = clusterTargets(single, { ...base, kill: { ...base.kill!, slack429: 2 } });
    expect(throttled[1]).toMatchObject({ met: false, figure: expect.stringMatching(/^2 \(kill step 2/) });
    const slow = clusterTargets(single, { ...base, kill: { ...base.kill!, longestGapMs: 40_001 } });
    expect(slow[2]).toMatchObject({ met: false, target: expect.stringContaining('40 s') });
    const lost = clusterTargets(single, { ...base, kill: { ...base.kill!, lost: 1 } });
    expect(lost[2]).toMatchObject({ met: false });
    expect(clusterTargets(single, base).map((t) => t.met)).toEqual([true, true, true]);
  });
  it('shows a smoke run without judging it, and has no rows without a cluster run', () => {
    const single = replicaRun('single', [130, 110, 120]);
    const smoke = clusterTargets(single, replicaRun('cluster', [140, 150, 160], { smoke: true }));
    expect(smoke.map((t) => t.met)).toEqual([null, null, null]);
    expect(clusterTargets(single, undefined)).toEqual([]);
  });
});

describe('a cluster’s nodes (INFO commandstats is per node)', () => {
  it('names each node of a cluster URL, and one Redis as it is', () => {
    expect(nodeUrls('redis+cluster://127.0.0.1:7001,127.0.0.1:7002')).toEqual([
      'redis://127.0.0.1:7001',
      'redis://127.0.0.1:7002',
    ]);
    expect(nodeUrls('redis://127.0.0.1:6379')).toEqual(['redis://127.0.0.1:6379']);
  });
});

describe('the calls-per-click row (issue 58)', () => {
  const result = (max: number, smoke = false): ClickCallsResult => ({
    smoke,
    rounds: 20,
    rows: [{ click: 'Pause', min: 2, median: 2, max, asked: ['POST /tasks/{id}/stop', 'GET /tasks/{id}'] }],
  });
  it('judges the most any click asked against the action and one read', () => {
    expect(clickCallTargets(result(2))[0]).toMatchObject({ met: true, target: '≤ 2' });
    expect(clickCallTargets(result(3))[0]).toMatchObject({ met: false });
    expect(clickCallTargets(result(3))[0]!.figure).toContain('POST /tasks/{id}/stop');
  });
  it('shows a smoke run without judging it', () => {
    expect(clickCallTargets(result(2, true))[0]).toMatchObject({ met: null });
  });
});

describe('--compare with a build from before the watcher’s subfolders', () => {
  it('finds the watch index where each build compiled it', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'bench-compare-'));
    try {
      expect(() => watchStoreModule(root)).toThrow(/no src\/watcher\/records\/watch-store.js or/);
      mkdirSync(path.join(root, 'src/watcher'), { recursive: true });
      writeFileSync(path.join(root, 'src/watcher/watch-store.js'), '');
      expect(watchStoreModule(root)).toBe('src/watcher/watch-store.js');
      mkdirSync(path.join(root, 'src/watcher/records'));
      writeFileSync(path.join(root, 'src/watcher/records/watch-store.js'), '');
      expect(watchStoreModule(root)).toBe('src/watcher/records/watch-store.js');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('finds the bench processes where each build compiled them', () => {
    // This build's sources are where the first choice says (bench/ack/, bench/poll/).
    for (const file of [BOT_SCRIPT_PATHS[0], WATCHER_SCRIPT_PATHS[0]])
      expect(existsSync(path.resolve(file!.replace(/\.js$/, '.ts')))).toBe(true);
    const root = mkdtempSync(path.join(os.tmpdir(), 'bench-compare-'));
    const touch = (file: string) => {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), '');
    };
    try {
      for (const m of ['logger', 'store/create-store', 'store/atomic-kv', 'watcher/watch-store'])
        touch(`src/${m}.js`);
      expect(() => compareBuildOf(root, 'old')).toThrow(
        /no bench\/ack\/bot-process.js or bench\/bot-process.js/,
      );
      // A build before the bench's subfolders: both beside run.js.
      touch('bench/bot-process.js');
      touch('bench/poll-watcher.js');
      expect(compareBuildOf(root, 'old')).toMatchObject({
        botScript: path.join(root, 'bench/bot-process.js'),
        watcherScript: path.join(root, 'bench/poll-watcher.js'),
      });
      touch('bench/ack/bot-process.js');
      touch('bench/poll/poll-watcher.js');
      expect(compareBuildOf(root, 'new')).toMatchObject({
        botScript: path.join(root, 'bench/ack/bot-process.js'),
        watcherScript: path.join(root, 'bench/poll/poll-watcher.js'),
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('a bench process’s start bound', () => {
  it('never kills a process that started', async () => {
    const killed: unknown[] = [];
    const lines = new EventEmitter();
    const first = firstLineOrKill({ kill: (s) => killed.push(s) === 0 }, lines, 'bot', 10);
    lines.emit('line', '{"eventsUrl":"http://127.0.0.1:1"}');
    expect(await first).toContain('eventsUrl');
    // A later bound of twice the length that does run out: timers fire in order, so the first
    // bound's would have fired by then (no fixed sleep: test/layout/fixed-sleeps.test.ts).
    await expect(firstLineOrKill({ kill: () => true }, new EventEmitter(), 'probe', 20)).rejects.toThrow();
    expect(killed).toEqual([]);
  });

  it('kills one that never printed its first line', async () => {
    const killed: unknown[] = [];
    await expect(
      firstLineOrKill({ kill: (s) => killed.push(s) === 0 }, new EventEmitter(), 'world', 10),
    ).rejects.toThrow('world process did not start within 0.01 s');
    expect(killed).toEqual(['SIGKILL']);
  });
});
