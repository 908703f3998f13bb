import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { SlackApiError } from '../../../src/slack/slack-api-error.js';
import { SlackClients } from '../../../src/slack/slack-clients.js';
import { buttons } from '../../harness/test-bot.js';
import {
  GiB,
  MiB,
  type Rig,
  startRig,
  startWorld,
  type WatchWorld,
  watchTask,
} from '../../harness/watcher-rig.js';

// Issue 39 item 1, attacked: Slack answers a failure post's edit with internal_error (busy, try
// later) while the card's edit goes through; the next cycle finds the edit budget spent. The task
// now stands still (paused), so its watch is remembered quiet: it must still not be skipped while
// a post about it is due, or the post keeps saying Failed until the task changes again.
let world: WatchWorld;
let rig: Rig;
let failedTs: string | undefined;
let refuseOnce = true;

function refusingClients(
  config: ConstructorParameters<typeof SlackClients>[0],
  logger: ConstructorParameters<typeof SlackClients>[1],
) {
  return new (class extends SlackClients {
    override async forTeam(...args: Parameters<SlackClients['forTeam']>) {
      const client = await super.forTeam(...args);
      const update = client.chat.update.bind(client.chat);
      const chat = {
        ...client.chat,
        update: async (payload: Parameters<typeof update>[0]) => {
          if (refuseOnce && payload.ts === failedTs) {
            refuseOnce = false;
            throw new SlackApiError('chat.update', 'platform', { code: 'internal_error' });
          }
          return update(payload);
        },
      };
      return Object.create(client, { chat: { value: chat } }) as typeof client;
    }
  })(config, logger);
}

beforeEach(async () => {
  world = await startWorld();
  rig = await startRig(world, {
    slackClients: refusingClients,
    watcher: { editBudget: { windowMs: 60_000, max: 2 } },
  });
});
afterEach(async () => {
  await rig.stop();
  await world.stop();
});

describe('a living post due on a quiet watch', () => {
  it('is edited once the budget allows, though the task stands still', async () => {
    world.fakeSlack.observe((call: RecordedCall, answer) => {
      const key = (call.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload
        ?.key;
      if (call.method === 'chat.postMessage' && key?.endsWith(':failed') && typeof answer.ts === 'string')
        failedTs = answer.ts;
    });
    const task = world.oms.addTask({
      name: 'stands-still',
      status: 1,
      totalSize: 10 * GiB,
      speed: 100 * MiB,
      failAt: 0.5,
      failCode: 'TRF.0004',
    });
    await watchTask(rig, task.id);
    world.clock.advance(2_000);
    await rig.watcher.runCycle();
    world.clock.advance(60_000);
    await rig.watcher.runCycle();
    expect(failedTs).toBeDefined();
    const edits = () => world.fakeSlack.callsTo('chat.update').filter((c) => c.body.ts === failedTs);

    // Paused at the provider; a fresh budget window: the post's edit is refused (internal_error),
    // the card's goes through, and the next cycle's attempt finds the window spent.
    world.oms.task(task.id)!.status = 3;
    world.watcherClock.advance(120_000);
    await rig.watcher.runCycle();
    await rig.watcher.runCycle();
    expect(edits()).toHaveLength(0);

    // A new window: within a few cycles the post shows Paused, once.
    for (let i = 0; i < 5 && edits().length === 0; i++) {
      world.watcherClock.advance(61_000);
      await rig.watcher.runCycle();
    }
    expect(edits()).toHaveLength(1);
    expect(JSON.stringify(edits()[0]!.body.blocks)).toContain('Paused');
    expect(buttons(edits()[0]!.body).map((b) => b.text)).toContain('Resume');
  });
});
