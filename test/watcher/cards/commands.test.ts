import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderResourceCard } from '../../../src/slack/blocks/resource-card.js';
import { encodeResourceButton } from '../../../src/slack/resource-button.js';
import { messageText, TestBot } from '../../harness/test-bot.js';
import { until } from '../../harness/until.js';
import { notifications } from '../../harness/watcher-rig.js';

const t = new TestBot();
const VIEWER = 'U0VIEW001';
const OPERATOR = 'U0OPER001';
const HERE = 'C0FAKE001';
const THERE = 'C0THERE01';

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
});
afterAll(async () => {
  await t.stop();
});
beforeEach(async () => {
  for (const r of await t.bot.deps.watcher.list('T0FAKE001')) await t.bot.deps.watcher.unwatch(r.watch);
  t.oms.tasks.clear();
  t.fakeSlack.clear();
});

const auditText = async () => messageText(await t.ask('audit 40'));

describe('/migrate watch, unwatch, watches and the Watch button', () => {
  it('watches in the current channel or a named one, lists, and unwatches', async () => {
    const task = t.oms.addTask({ name: 'photos-to-obs', status: 2 });
    const here = messageText(await t.ask(`watch ${task.id}`, { userId: OPERATOR }));
    expect(here).toContain('Watching *photos-to-obs*');
    expect(here).toContain(`<#${HERE}>`);
    const there = messageText(
      await t.ask(`watch hw-prod:${task.id} <#${THERE}|elsewhere>`, { userId: OPERATOR }),
    );
    expect(there).toContain(`<#${THERE}>`);
    expect(messageText(await t.ask(`watch ${task.id}`, { userId: OPERATOR }))).toContain('already watched');
    const parents = notifications(t.fakeSlack).filter((n) => n.event === 'parent');
    expect(parents.map((n) => n.body.channel).sort()).toEqual([HERE, THERE]);
    expect(messageText(parents[0]!.body)).toContain(`Watched in this channel by <@${OPERATOR}>`);

    const listed = messageText(await t.ask('watches', { userId: VIEWER }));
    expect(listed).toContain(`<#${HERE}>`);
    expect(listed).toContain(`<#${THERE}>`);
    expect(listed).toContain(`\`hw-prod:${task.id}\``);
    expect(messageText(await t.ask(`watches <#${THERE}|elsewhere>`, { userId: VIEWER }))).not.toContain(
      `<#${HERE}>`,
    );

    expect(messageText(await t.ask(`unwatch ${task.id.slice(0, 6)}`, { userId: OPERATOR }))).toContain(
      'Stopped watching',
    );
    expect(messageText(await t.ask(`unwatch ${task.id}`, { userId: OPERATOR }))).toContain(
      'Nothing matching',
    );
    const after = await t.bot.deps.watcher.list('T0FAKE001');
    expect(after.map((r) => r.watch.channelId)).toEqual([THERE]);
    const audit = await auditText();
    expect(audit).toMatch(/\bwatch\b/);
    expect(audit).toMatch(/\bunwatch\b/);
  });

  it('refuses viewers, for the command and the button', async () => {
    const task = t.oms.addTask({ name: 'guarded', status: 2 });
    expect(messageText(await t.ask(`watch ${task.id}`, { userId: VIEWER }))).toContain('You need the');
    const click = await t.click(
      'resource.watch',
      encodeResourceButton({ connection: 'hw-prod', kind: 'task', id: task.id }),
      VIEWER,
    );
    expect(messageText(await click.answer())).toContain('You need the');
    expect(await t.bot.deps.watcher.list('T0FAKE001')).toEqual([]);
    expect(notifications(t.fakeSlack)).toEqual([]);
  });

  it('the Watch button on a card watches the resource in that channel', async () => {
    const task = t.oms.addTask({ name: 'from-a-card', status: 2 });
    const resource = (await t.bot.deps.resources.resolver.fetch('T0FAKE001', 'hw-prod', 'task', task.id))
      .resource;
    const card = renderResourceCard(resource, ['pause'], { watch: true, now: Date.now() });
    const button = JSON.stringify(card).includes('"action_id":"resource.watch"');
    expect(button).toBe(true);
    const click = await t.click('resource.watch', encodeResourceButton(resource), {
      userId: OPERATOR,
      channelId: THERE,
    });
    expect(messageText(await click.answer())).toContain(`Watching *from-a-card*`);
    const [record] = await t.bot.deps.watcher.list('T0FAKE001');
    expect(record?.watch).toMatchObject({ channelId: THERE, id: task.id, by: OPERATOR });
    expect(notifications(t.fakeSlack).map((n) => n.event)).toEqual(['parent']);
  });

  it('the poller runs inside the bot: a resume typed by a user shows up in the thread', async () => {
    const task = t.oms.addTask({ name: 'polled', status: 3 });
    await t.ask(`watch ${task.id}`, { userId: OPERATOR });
    await t.ask(`resume ${task.id}`, { userId: OPERATOR });
    const resumedTold = async () => {
      if (notifications(t.fakeSlack).some((n) => n.event === 'resumed')) return true;
      await t.bot.deps.watcher.runCycle();
      return false;
    };
    await until(resumedTold, { what: 'the resume told', timeoutMs: 20_000, everyMs: 100, checks: 40 });
    const resumed = notifications(t.fakeSlack).find((n) => n.event === 'resumed');
    expect(resumed?.thread).toBe(true);
  });
});
