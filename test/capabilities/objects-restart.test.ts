import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objects } from '../../src/capabilities/objects/index.js';
import type { ObjectsState } from '../../src/capabilities/objects/state.js';
import { runKey } from '../../src/capabilities/objects/state.js';
import { stateIn } from '../harness/started-capabilities.js';
import { messageText, TestBot } from '../harness/test-bot.js';
import { TestClock } from '../harness/test-clock.js';
import { until } from '../harness/until.js';
import { ObjectsWorld } from './fixtures/objects-world.js';

// Issue 62: a check the bot could not finish says so plainly. A bot that stops (SIGTERM, a deploy)
// redraws each running check's post as stopped; a check whose replica died without a word is found
// by the next `/migrate verify` of the same run, which says so on its old post and starts afresh.

const CHANNEL = 'C0RESTART1';
const ALICE = { userId: 'U0ALICE01', channelId: CHANNEL };
const TEAM = 'T0FAKE001';
const world = new ObjectsWorld({ oms: {} });
const { store } = world;

beforeAll(async () => {
  await world.start();
  for (let i = 0; i < 30; i++) {
    store.putObject('src-bucket', `k${i}`, 'x');
    store.putObject('dst-bucket', `k${i}`, 'x');
  }
});
afterAll(async () => {
  await world.stop();
});

/** A check's post as a check that just started draws it. */
const RUNNING = {
  kind: 'check' as const,
  outcome: {
    status: 'running' as const,
    deep: false,
    cap: 0,
    tally: { source: 0, destination: 0, matched: 0, missing: 0, different: 0, extra: 0, etagCompared: 0 },
    firsts: { missing: [], different: [], extra: [] },
    problems: [],
    csvRows: 0,
    csvCut: false,
  },
};

function lastDrawn(t: TestBot, ts: string): string {
  const edits = t.fakeSlack.callsTo('chat.update').filter((c) => c.body.ts === ts);
  return edits.length > 0 ? messageText(edits.at(-1)!.body) : '';
}

describe('a check the bot could not finish', () => {
  it('is drawn as stopped when the bot stops under it', async () => {
    const t = await new TestBot().start({
      connections: (omsUrl) => [world.omsConnection('hw-prod', omsUrl)],
      env: { POLL_INTERVAL_SECONDS: '0', ...world.allowed() },
    });
    const release = store.holdListings();
    try {
      const task = t.oms.addTask({ name: 'interrupted', status: 5 });
      expect(messageText(await t.ask(`verify hw-prod:${task.id}`, ALICE))).toContain('Checking the buckets');
      const ts = await until(
        () => t.fakeSlack.callsTo('chat.postMessage').find((c) => messageText(c.body).includes(task.id))?.ts,
        { what: 'the check’s post', timeoutMs: 10_000 },
      );
      await t.bot.stop();
      expect(lastDrawn(t, ts)).toContain('This check stopped before it finished');
      expect(lastDrawn(t, ts)).toContain(`/migrate verify hw-prod:${task.id}`);
    } finally {
      release();
      await t.stop();
    }
  });

  it('is said stopped by the next verify when its replica died, which then checks afresh', async () => {
    const t = await new TestBot().start({
      connections: (omsUrl) => [world.omsConnection('hw-prod', omsUrl)],
      env: { POLL_INTERVAL_SECONDS: '0', ...world.allowed() },
    });
    try {
      const task = t.oms.addTask({ name: 'orphaned', status: 5 });
      // What a replica killed mid-check leaves: its post (drawn by the one editor, as every check's
      // is), and its record, not moved for long.
      const state = stateIn<ObjectsState>(t.bot.deps, objects);
      const ref = `hw-prod:${task.id}`;
      const running = { ...RUNNING, outcome: { ...RUNNING.outcome, name: 'orphaned', ref } };
      await state.posts.show(TEAM, { capability: 'objects', id: 'old-check', channel: CHANNEL }, running);
      const old = (await state.posts.where(TEAM, 'objects', 'old-check'))!;
      const key = runKey(TEAM, { connection: 'hw-prod', kind: 'task', id: task.id });
      await state.kv.update(key, () =>
        JSON.stringify({ channel: CHANNEL, post: 'old-check', owner: 'gone', beat: 0 }),
      );
      expect(messageText(await t.ask(`verify hw-prod:${task.id}`, ALICE))).toContain('Checking the buckets');
      expect(lastDrawn(t, old.ts)).toContain('This check stopped before it finished');
      const fresh = await until(
        () =>
          t.fakeSlack
            .callsTo('chat.update')
            .find((c) => c.body.ts !== old.ts && messageText(c.body).includes('30 the same')),
        { what: 'the new check’s result', timeoutMs: 20_000 },
      );
      expect(messageText(fresh.body)).toContain('Every source object is at the destination');
    } finally {
      await t.stop();
    }
  });

  it('shows its progress on its post while it lists', async () => {
    for (let i = 30; i < 2_500; i++) {
      store.putObject('src-bucket', `k${i}`, 'x');
      store.putObject('dst-bucket', `k${i}`, 'x');
    }
    const clock = new TestClock(() => Date.now());
    const t = await new TestBot().start({
      connections: (omsUrl) => [world.omsConnection('hw-prod', omsUrl)],
      env: { POLL_INTERVAL_SECONDS: '0', ...world.allowed() },
      clock,
    });
    const release = store.holdListings();
    try {
      const task = t.oms.addTask({ name: 'progressing', status: 5 });
      await t.ask(`verify hw-prod:${task.id}`, ALICE);
      const ts = await until(
        () => t.fakeSlack.callsTo('chat.postMessage').find((c) => messageText(c.body).includes(task.id))?.ts,
        { what: 'the check’s post', timeoutMs: 10_000 },
      );
      // Redrawn at most every 3 s of the bot's clock: the first page after the clock moved shows.
      clock.advance(5_000);
      release();
      const edits = () =>
        t.fakeSlack
          .callsTo('chat.update')
          .filter((c) => c.body.ts === ts)
          .map((c) => messageText(c.body));
      await until(() => edits().some((e) => e.includes('2,500 the same')), {
        what: 'the result',
        timeoutMs: 20_000,
      });
      expect(edits()[0]).toMatch(/Checking… 1,000 source and \d[\d,]* destination objects listed so far/);
    } finally {
      release();
      await t.stop();
    }
  });

  it('is drawn by the one editor, in the workspace’s edit budget: a held result lands a window later', async () => {
    // A clock that moves only when the bot waits on it, 1 s into a 10 s edit window of one edit.
    const clock = new TestClock(() => Date.parse('2026-11-28T00:00:01Z'));
    const t = await new TestBot().start({
      connections: (omsUrl) => [world.omsConnection('hw-prod', omsUrl)],
      env: { POLL_INTERVAL_SECONDS: '0', ...world.allowed() },
      clock,
      watcher: { editBudget: { windowMs: 10_000, max: 1 } },
    });
    try {
      // Another post of the workspace spends this window's one edit.
      const state = stateIn<ObjectsState>(t.bot.deps, objects);
      const other = { capability: 'objects', id: 'other', channel: CHANNEL };
      await state.posts.show(TEAM, other, { kind: 'stopped', ref: 'hw-prod:a' });
      expect(await state.posts.show(TEAM, other, { kind: 'stopped', ref: 'hw-prod:b' })).toBe('edited');
      const task = t.oms.addTask({ name: 'budgeted', status: 5 });
      await t.ask(`verify hw-prod:${task.id}`, ALICE);
      const posted = await until(
        () => t.fakeSlack.callsTo('chat.postMessage').find((c) => messageText(c.body).includes(task.id)),
        { what: 'the check’s post', timeoutMs: 10_000 },
      );
      // Posted by the editor (its metadata names the capability post), not by the capability.
      expect(JSON.stringify(posted.body)).toContain(`cpost:${TEAM}:objects:`);
      await until(() => lastDrawn(t, posted.ts!).includes('Every source object is at the destination'), {
        what: 'the result, a window later',
        timeoutMs: 10_000,
      });
      // The result's edit waited for the next window instead of overdrawing the spent one.
      expect(clock.skewMs).toBeGreaterThanOrEqual(9_000);
    } finally {
      await t.stop();
    }
  });
});
