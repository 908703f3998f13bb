import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttons, messageText, TestBot } from '../harness/test-bot.js';

// Issue #12, rule 3: one use case, many surfaces. The command and the button for the same action
// run the same function (src/use-cases/), so they have the same effect and answer the same way.
const t = new TestBot();

beforeAll(async () => {
  await t.start();
  // Tasks stand still, so the two replies can be compared figure for figure.
  t.oms.clock.freeze();
});
afterAll(async () => {
  await t.stop();
});

/** The reply without what differs per request (the op id). */
const same = (text: string) =>
  text.replace(/op `[0-9a-f]{8}`/g, 'op `…`').replace(/<!date\^\d+\^\{ago\}\|[^>]*>/g, 'AGO');

describe('the same use case behind a command and a button', () => {
  it('pause: same effect on the provider, same audit entry, same card', async () => {
    const byCommand = t.oms.addTask({ id: '700100000000001', name: 'pause-by-command', status: 2 });
    const byButton = t.oms.addTask({ id: '700100000000002', name: 'pause-by-button', status: 2 });
    const commandReply = await t.ask(`pause ${byCommand.id}`);
    const card = await t.ask(`status ${byButton.id}`);
    const pause = buttons(card).find((b) => b.action_id === 'resource.pause')!;
    const buttonReply = await (await t.click(pause.action_id, pause.value)).answer();
    expect(t.oms.task(byCommand.id)?.status).toBe(t.oms.task(byButton.id)?.status);
    expect(t.oms.task(byCommand.id)?.status).not.toBe(2);
    expect(
      same(messageText(buttonReply)).replaceAll(byButton.id, 'ID').replaceAll('pause-by-button', 'NAME'),
    ).toBe(
      same(messageText(commandReply)).replaceAll(byCommand.id, 'ID').replaceAll('pause-by-command', 'NAME'),
    );
    const audit = messageText(await t.ask('audit 5'));
    expect(audit).toContain(`*pause* \`hw-prod:${byCommand.id}\``);
    expect(audit).toContain(`*pause* \`hw-prod:${byButton.id}\``);
  });

  it('watch: the same watch and the same answer, by command and by button', async () => {
    const byCommand = t.oms.addTask({ id: '700200000000001', name: 'watch-by-command', status: 2 });
    const byButton = t.oms.addTask({ id: '700200000000002', name: 'watch-by-button', status: 2 });
    const commandReply = await t.ask(`watch ${byCommand.id}`);
    const card = await t.ask(`status ${byButton.id}`);
    const watch = buttons(card).find((b) => b.action_id === 'resource.watch')!;
    const buttonReply = await (await t.click(watch.action_id, watch.value)).answer();
    const normalise = (text: string, id: string, name: string) =>
      text.replaceAll(id, 'ID').replaceAll(name, 'NAME');
    expect(normalise(messageText(buttonReply), byButton.id, 'watch-by-button')).toBe(
      normalise(messageText(commandReply), byCommand.id, 'watch-by-command'),
    );
    const watches = messageText(await t.ask('watches'));
    expect(watches).toContain('watch-by-command');
    expect(watches).toContain('watch-by-button');
  });

  it('status: the command, Open and Refresh show the same card', async () => {
    const task = t.oms.addTask({ id: '700300000000001', name: 'shown-three-ways', status: 3 });
    const byCommand = await t.ask(`status ${task.id}`);
    const refresh = buttons(byCommand).find((b) => b.action_id === 'resource.refresh')!;
    const byRefresh = await (await t.click(refresh.action_id, refresh.value)).answer();
    const byOpen = await (await t.click('resource.open', refresh.value)).answer();
    const withoutClock = (text: string) => text.replace(/<!date\^\d+\^\{ago\}\|[^>]*>/g, 'AGO');
    expect(withoutClock(messageText(byRefresh))).toBe(withoutClock(messageText(byCommand)));
    expect(withoutClock(messageText(byOpen))).toBe(withoutClock(messageText(byCommand)));
  });
});
