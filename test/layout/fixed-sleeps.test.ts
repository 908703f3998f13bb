import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Tests move time with the bot's one clock (`TestClock`), and wait for what they expect to see,
 * not for time to pass. A **fixed sleep** is an unconditional wait of real time: `await sleep(N)`
 * from node:timers/promises (under any name), `new Promise((r) => setTimeout(r, N))`. Those that
 * remain are where real time is the thing under test or is kept by someone else (a real process,
 * Redis's own expiry, node-cron's ticks, a socket timeout), each listed here with why: at most 15.
 *
 * Not a fixed sleep, so not listed: a bounded wait for a condition (`until` in
 * test/harness/until.ts, `expect.poll`, fake Slack's `waitFor`, `t.settled()`), which ends as
 * soon as the condition holds and fails naming it; a deadline raced against what is awaited
 * (`Promise.race([done, sleep(ms)])`), which ends as soon as that does.
 */
const TEST = path.join(import.meta.dirname, '..');
const MOST = 15;

/** File (under test/) → how many fixed sleeps it has, and why real time is needed there. */
const FIXED: Record<string, { count: number; why: string }> = {
  'ops/logs.test.ts': {
    count: 1,
    why: 'node-cron ticks on real time: three ticks find the cycle still running',
  },
  'harness/trickle.ts': {
    count: 1,
    why: 'a client sending a byte at a time: the socket timeouts under test are real time',
  },
  'harness/latency.ts': { count: 1, why: 'deliberate latency in a rig (its callers are listed below)' },
  'reliability/redis-restart.test.ts': {
    count: 1,
    why: 'the load’s pause between watcher cycles while a real Redis is killed and restarted',
  },
  'watcher/replicas/kill.test.ts': { count: 1, why: 'when kill -9 hits a real replica process, at random' },
  'capabilities/plans/plans-kill.test.ts': {
    count: 1,
    why: 'real replica processes: four leases pass after the take-over, and no start happens twice',
  },
  'capabilities/auto-retry/auto-retry-kill.test.ts': {
    count: 1,
    why: 'real replica processes: four leases of cycles pass after the retries, and none is started twice',
  },
  'watcher/fixtures/replica.mjs': { count: 1, why: 'a real replica process’s pause between its cycles' },
  'watcher/replicas/replicas-balance.test.ts': {
    count: 3,
    why: 'real replica processes on Redis: shares staying put for a lease period, polls for three intervals after a kill -9, the traffic’s pace',
  },
  'watcher/replicas/replicas-store.test.ts': {
    count: 4,
    why: 'leases and heartbeats expire on Redis’s own clock (PX, TIME): a cycle’s time passing for Redis',
  },
};

/** Files that call `latency()` (test/harness/latency.ts), and the rig's reason. */
const LATENCY: Record<string, string> = {
  'capabilities/approvals/approval-service.test.ts':
    'replicas read the store over the network; a provider slow to create',
  'security/races/unique-decisions-rig.ts': 'Redis one network hop away from each replica',
  'security/races/unique-decisions.test.ts':
    'a critical section that takes a while; a reinstall timed into a deletion',
  'security/races/redteam-46-attacks-approvals.test.ts': 'a sweep that reads each record slowly',
  'watcher/replicas/replicas.test.ts': 'replicas starting their cycles apart',
  'slack/intake/interim-late-call.test.ts':
    'a step before the provider call slower than the first-answer budget',
};

/** The bounded wait itself (it sleeps between checks of a condition), and this file's examples. */
const NOT_FIXED = new Set([
  'harness/until.ts',
  'layout/fixed-sleeps.test.ts',
  // The same bounded wait, of its own: .ci/run runs it with `node`, which cannot import until.ts.
  'harness/redis-topology.ts',
]);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : files(full);
    return /\.(ts|mjs|js)$/.test(entry.name) ? [path.relative(TEST, full).split(path.sep).join('/')] : [];
  });
}

/** The code of a file, comments left out. */
function code(file: string): string {
  return readFileSync(path.join(TEST, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** The lines of `source` that wait a fixed time of real time. */
function fixedSleeps(source: string): string[] {
  // Whatever name node:timers/promises' setTimeout has in this file.
  const names = [...source.matchAll(/\bsetTimeout as (\w+)[^;]*from 'node:timers\/promises'/g)].map(
    (m) => m[1]!,
  );
  if (/import \{[^}]*\bsetTimeout\b(?! as)[^}]*\} from 'node:timers\/promises'/.test(source))
    names.push('setTimeout');
  const call = names.length > 0 ? new RegExp(`(^|[^.\\w])(${names.join('|')})\\(`) : undefined;
  return source
    .split('\n')
    .filter((line) => !/^\s*import\b/.test(line) && !/Promise\.race\(/.test(line))
    .filter((line) => call?.test(line) || /\bsetTimeout\(\s*(r|res|resolve)\s*,/.test(line))
    .map((line) => line.trim());
}

describe('fixed sleeps in test/', () => {
  const all = files(TEST);
  const found = new Map(
    all.filter((file) => !NOT_FIXED.has(file)).map((file) => [file, fixedSleeps(code(file))] as const),
  );

  it('tells a fixed sleep from a bounded wait', () => {
    const timers = "import { setTimeout as wait } from 'node:timers/promises';\n";
    expect(fixedSleeps(`${timers}await wait(50);`)).toEqual(['await wait(50);']);
    expect(fixedSleeps('await new Promise((r) => setTimeout(r, 20));')).toHaveLength(1);
    expect(fixedSleeps(`${timers}await Promise.race([done, wait(5_000)]);`)).toEqual([]);
    expect(fixedSleeps(`${timers}await clock.wait(50);`)).toEqual([]);
    expect(fixedSleeps("await until(() => done, { what: 'done' });")).toEqual([]);
  });

  it(`are at most ${MOST}, each where real time is needed, as listed`, () => {
    expect(all.length).toBeGreaterThan(300);
    const sleeping = [...found].filter(([, lines]) => lines.length > 0);
    const counted = Object.fromEntries(sleeping.map(([file, lines]) => [file, lines.length]));
    const listed = Object.fromEntries(Object.entries(FIXED).map(([file, { count }]) => [file, count]));
    // A new one: wait for the condition instead (`until`), or move the test's clock.
    expect(counted, JSON.stringify(Object.fromEntries(sleeping), null, 1)).toEqual(listed);
    expect(Object.values(FIXED).reduce((sum, { count }) => sum + count, 0)).toBeLessThanOrEqual(MOST);
  });

  it('adds deliberate latency only in the rigs listed', () => {
    const callers = all.filter((file) => file !== 'harness/latency.ts' && /\blatency\(/.test(code(file)));
    expect(callers.sort()).toEqual(Object.keys(LATENCY).sort());
  });
});
