import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_CALLBACKS } from '../../../src/capabilities/workflow-steps/step-definitions.js';
import { buttons, messageText, TestBot } from '../../harness/test-bot.js';

// Issue 37, item 6. Seed 002 §2: "Stop a migration task that is in the Migrating state"; §5.2.4
// "a migration task that is being migrated"; OMS.0066 "Failed to pause the task. The task is not in
// progress." A waiting task (status 1, Table 5-15) is not migrating: nothing offers to pause it, and
// asking anyway says why before any StopTask is sent.

const t = new TestBot();
const runner = { id: 'U0ALICE01', secret: 'c2VjcmV0' };

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  // Waiting tasks stay waiting: the simulator's clock does not move.
  t.oms.clock.freeze();
});
afterAll(async () => {
  await t.stop();
});

describe('a waiting OMS task offers no Pause (seed 002 §2, §5.2.4, OMS.0066)', () => {
  it('its card has Delete but no Pause; a migrating task still has Pause', async () => {
    const waiting = t.oms.addTask({ id: '703700000000001', name: 'waiting-task', status: 1 });
    const migrating = t.oms.addTask({ id: '703700000000002', name: 'migrating-task', status: 2 });
    const waitingCard = buttons(await t.ask(`status ${waiting.id}`)).map((b) => b.action_id);
    expect(waitingCard).toContain('resource.delete');
    expect(waitingCard).not.toContain('resource.pause');
    const migratingCard = buttons(await t.ask(`status ${migrating.id}`)).map((b) => b.action_id);
    expect(migratingCard).toContain('resource.pause');
  });

  it('/migrate pause on a waiting task says it cannot be paused now, and nothing is sent to OMS', async () => {
    const waiting = t.oms.addTask({ id: '703700000000003', name: 'still-waiting', status: 1 });
    const reply = messageText(await t.ask(`pause ${waiting.id}`));
    expect(reply).toMatch(/cannot be paused now/);
    expect(reply).not.toContain('StopTask');
    expect(reply).not.toContain('OMS.0066');
    expect(t.oms.task(waiting.id)?.status).toBe(1);
  });

  it('the Pause migration workflow step fails with the same reason', async () => {
    const waiting = t.oms.addTask({ id: '703700000000004', name: 'step-waiting', status: 1 });
    const done = await (
      await t.runStep(STEP_CALLBACKS.pause, { user_context: runner, migration: waiting.id })
    ).settled();
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/cannot be paused now/);
    expect(t.oms.task(waiting.id)?.status).toBe(1);
  });
});
