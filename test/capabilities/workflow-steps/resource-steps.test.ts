import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STEP_CALLBACKS } from '../../../src/capabilities/workflow-steps/step-definitions.js';
import { TestBot } from '../../harness/test-bot.js';

/**
 * Issue #14, Workflow Builder steps: "Get migration status", "Pause migration" and "Resume
 * migration" run through signed `function_executed` events against the real Bolt app and the OMS
 * simulator, as the person running the workflow (their `user_context`), and end with
 * `functions.completeSuccess` / `completeError` recorded by the fake Slack.
 */

const OPERATOR = 'U0OPER001';
const VIEWER = 'U0VIEW001';
const runner = (id: string) => ({ id, secret: 'c2VjcmV0' });

const t = new TestBot();

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
});
afterAll(async () => {
  await t.stop();
});
beforeEach(() => {
  t.oms.tasks.clear();
});

describe('Get migration status', () => {
  it('outputs the state, percent, bytes and name of a task found by a prefix', async () => {
    const task = t.oms.addTask({ name: 'invoices', status: 3, totalSize: 4_000, progress: 0.25 });
    const run = await t.runStep(STEP_CALLBACKS.status, {
      user_context: runner(VIEWER),
      migration: task.id.slice(0, 8),
    });
    const done = await run.settled();
    expect(done.status).toBe('completed');
    expect(done.outputs).toEqual({
      connection: 'hw-prod',
      id: task.id,
      name: 'invoices',
      state: 'paused',
      percent: 25,
      bytes_done: 1_000,
      bytes_total: 4_000,
    });
  });

  it('takes connection:id, or the id and a separate connection input', async () => {
    const task = t.oms.addTask({ name: 'logs', status: 2 });
    for (const inputs of [
      { migration: `hw-prod:${task.id}` },
      { migration: task.id, connection: 'hw-prod' },
    ]) {
      const done = await (
        await t.runStep(STEP_CALLBACKS.status, { user_context: runner(VIEWER), ...inputs })
      ).settled();
      expect(done).toMatchObject({
        status: 'completed',
        outputs: { id: task.id, name: 'logs', state: 'running' },
      });
    }
  });

  it('an unknown id ends the step with an error that says so', async () => {
    const done = await (
      await t.runStep(STEP_CALLBACKS.status, { user_context: runner(VIEWER), migration: '999999999999999' })
    ).settled();
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/999999999999999/);
    expect(done.error).toMatch(/No resource "999999999999999"/);
    expect(done.error).not.toMatch(/^:/);
  });

  it('a prefix matching several tasks lists them, since a step has no buttons to pick from', async () => {
    t.oms.addTask({ id: '777700000000001', name: 'alpha', status: 3 });
    t.oms.addTask({ id: '777700000000002', name: 'beta', status: 3 });
    const done = await (
      await t.runStep(STEP_CALLBACKS.status, { user_context: runner(VIEWER), migration: '7777' })
    ).settled();
    expect(done.status).toBe('failed');
    expect(done.error).toContain('hw-prod:777700000000001 (alpha)');
    expect(done.error).toContain('hw-prod:777700000000002 (beta)');
  });

  it('without the person running the workflow, the step refuses (roles need someone)', async () => {
    const task = t.oms.addTask({ name: 'nobody', status: 3 });
    const done = await (await t.runStep(STEP_CALLBACKS.status, { migration: task.id })).settled();
    expect(done.status).toBe('failed');
    expect(done.error).toContain('who runs the workflow');
  });
});

describe('Pause migration / Resume migration', () => {
  it('an operator pauses a running task, then resumes it; each is audited as theirs', async () => {
    const task = t.oms.addTask({ name: 'to-pause', status: 2 });
    const paused = await (
      await t.runStep(STEP_CALLBACKS.pause, { user_context: runner(OPERATOR), migration: task.id })
    ).settled();
    expect(paused).toMatchObject({ status: 'completed', outputs: { id: task.id, name: 'to-pause' } });
    expect(['pausing', 'paused']).toContain((paused.outputs as { state: string }).state);
    // OMS status 7 = pausing, then 3 = paused.
    expect([7, 3]).toContain(t.oms.task(task.id)?.status);

    t.oms.clock.advance(5_000);
    expect(t.oms.task(task.id)?.status).toBe(3);
    const resumed = await (
      await t.runStep(STEP_CALLBACKS.resume, { user_context: runner(OPERATOR), migration: task.id })
    ).settled();
    expect(resumed.status).toBe('completed');
    expect([1, 2]).toContain(t.oms.task(task.id)?.status);

    const audit = await t.bot.deps.audit.recent('T0FAKE001', 20);
    const target = `hw-prod:${task.id}`;
    expect(
      audit.filter((a) => a.target === target && a.user === OPERATOR).map((a) => [a.action, a.result]),
    ).toEqual(
      expect.arrayContaining([
        ['pause', 'ok'],
        ['resume', 'ok'],
      ]),
    );
  });

  it('a viewer is refused with a clear error and the task does not change', async () => {
    const task = t.oms.addTask({ name: 'not-yours', status: 2 });
    const requestsBefore = t.oms.server.requestCount;
    const done = await (
      await t.runStep(STEP_CALLBACKS.pause, { user_context: runner(VIEWER), migration: task.id })
    ).settled();
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/operator role/);
    expect(t.oms.task(task.id)?.status).toBe(2);
    // Refused before any provider call.
    expect(t.oms.server.requestCount).toBe(requestsBefore);
    const audit = await t.bot.deps.audit.recent('T0FAKE001', 5);
    expect(audit.find((a) => a.user === VIEWER && a.result === 'refused')).toBeDefined();
  });

  it('resuming an unknown id ends with an error and changes nothing', async () => {
    const other = t.oms.addTask({ name: 'bystander', status: 3 });
    const done = await (
      await t.runStep(STEP_CALLBACKS.resume, {
        user_context: runner(OPERATOR),
        migration: 'hw-prod:123456789012345',
      })
    ).settled();
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/123456789012345/);
    expect(t.oms.task(other.id)?.status).toBe(3);
  });
});
