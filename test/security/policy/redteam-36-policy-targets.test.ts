import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Subscriptions } from '../../../src/capabilities/subscriptions/following.js';
import { subscriptions } from '../../../src/capabilities/subscriptions/index.js';
import { stateIn } from '../../harness/started-capabilities.js';
import { buttons, messageText, TestBot } from '../../harness/test-bot.js';

/**
 * redteam36: the target of an action is sometimes a channel the command *names*, not the one it is
 * typed in. A role granted in #sandbox must not reach #general through that name: subscribe,
 * unsubscribe, watch, unwatch, a channel's language, a channel grant's revoke. Also: a channel role
 * never counts where no channel is (Home, DMs named as targets) and buttons that change the
 * workspace refuse a channel admin. Everything through signed requests against the running bot.
 */
const t = new TestBot();
const TEAM = 'T0FAKE001';
const SANDBOX = 'C0SANDBOX1';
const GENERAL = 'C0FAKE001';
const CHANNEL_ADMIN = 'U0CHADM01';
const GENERAL_OPERATOR = 'U0GENOP01';
let taskId = '';

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' } });
  await t.ask(`access grant <@${CHANNEL_ADMIN}> admin <#${SANDBOX}|sandbox>`);
  await t.ask(`access grant <@${GENERAL_OPERATOR}> operator <#${GENERAL}|general>`);
  taskId = t.oms.addTask({ name: 'rt36-target', status: 2 }).id;
  // What the channel admin will try to undo in #general.
  await t.ask(`subscribe hw-prod failures <#${GENERAL}|general>`);
  await t.ask(`watch ${taskId} <#${GENERAL}|general>`);
}, 60_000);
afterAll(async () => {
  await t.stop();
});

const refused = (text: string) => text.includes('You need the');
const asChannelAdmin = (text: string, channelId = SANDBOX) =>
  t.ask(text, { userId: CHANNEL_ADMIN, channelId }).then(messageText);

describe('redteam36: a channel admin names another channel as the target', () => {
  it('subscribe #general, typed in #sandbox: refused, nothing added', async () => {
    const answer = await asChannelAdmin(`subscribe hw-prod all <#${GENERAL}|general>`);
    expect(refused(answer), answer.slice(0, 300)).toBe(true);
    const subs = await stateIn<Subscriptions>(t.bot.deps, subscriptions).store.list(TEAM, GENERAL);
    expect(subs.map((s) => s.mode)).toEqual(['failures']);
  });

  it('unsubscribe #general, typed in #sandbox: refused, still subscribed', async () => {
    const answer = await asChannelAdmin(`unsubscribe hw-prod <#${GENERAL}|general>`);
    expect(refused(answer), answer.slice(0, 300)).toBe(true);
    expect(await stateIn<Subscriptions>(t.bot.deps, subscriptions).store.list(TEAM, GENERAL)).toHaveLength(1);
  });

  it('watch in #general, typed in #sandbox: refused', async () => {
    const other = t.oms.addTask({ name: 'rt36-other', status: 2 }).id;
    const answer = await asChannelAdmin(`watch ${other} <#${GENERAL}|general>`);
    expect(refused(answer), answer.slice(0, 300)).toBe(true);
    expect((await t.bot.deps.watcher.list(TEAM, GENERAL)).some((w) => w.watch.id === other)).toBe(false);
  });

  it('unwatch in #general, typed in #sandbox: refused, the watch stays', async () => {
    const answer = await asChannelAdmin(`unwatch ${taskId} <#${GENERAL}|general>`);
    expect(refused(answer), answer.slice(0, 300)).toBe(true);
    expect((await t.bot.deps.watcher.list(TEAM, GENERAL)).some((w) => w.watch.id === taskId)).toBe(true);
  });

  it("#general's language, typed in #sandbox: refused", async () => {
    const answer = await asChannelAdmin(`settings language ko <#${GENERAL}|general>`);
    expect(refused(answer), answer.slice(0, 300)).toBe(true);
  });

  it("revoking #general's operator, typed in #sandbox: refused, the grant stays", async () => {
    const answer = await asChannelAdmin(`access revoke <@${GENERAL_OPERATOR}> <#${GENERAL}|general>`);
    expect(refused(answer), answer.slice(0, 300)).toBe(true);
    const grants = await t.bot.deps.access.grants.list(TEAM);
    expect(grants.some((g) => g.subject.id === GENERAL_OPERATOR && g.channel === GENERAL)).toBe(true);
  });

  it('a workspace grant to a user group, typed in #sandbox: refused', async () => {
    const answer = await asChannelAdmin('access grant <!subteam^S0EVERY01|everyone> admin');
    expect(refused(answer), answer.slice(0, 300)).toBe(true);
    const grants = await t.bot.deps.access.grants.list(TEAM);
    expect(grants.some((g) => g.subject.id === 'S0EVERY01')).toBe(false);
  });

  it('typed in a DM with the bot (no channel grant there): only workspace roles count', async () => {
    const answer = await asChannelAdmin(`access grant <@${CHANNEL_ADMIN}> admin`, 'D0DIRECT01');
    expect(refused(answer), answer.slice(0, 300)).toBe(true);
  });
});

describe('redteam36: buttons a channel admin clicks in its own channel', () => {
  it("a Watch button in #sandbox watches in #sandbox only (the click's channel, not the card's)", async () => {
    const card = await t.ask(`status ${taskId}`, { channelId: SANDBOX });
    const watch = buttons(card).find((b) => b.action_id === 'resource.watch');
    expect(watch).toBeDefined();
    const clicked = await t.click(watch!.action_id, watch!.value, {
      userId: CHANNEL_ADMIN,
      channelId: SANDBOX,
    });
    const text = messageText(await clicked.answer());
    expect(refused(text), text.slice(0, 300)).toBe(false);
    const inSandbox = await t.bot.deps.watcher.list(TEAM, SANDBOX);
    expect(inSandbox.some((w) => w.watch.id === taskId)).toBe(true);
  });

  it('Fix keys (a connection of the workspace): refused', async () => {
    const opened = t.fakeSlack.callsTo('views.open').length;
    const clicked = await t.click('connection.fix', 'hw-prod', { userId: CHANNEL_ADMIN, channelId: SANDBOX });
    const text = messageText(await clicked.answer());
    expect(text).toContain('role for the whole workspace');
    expect(t.fakeSlack.callsTo('views.open')).toHaveLength(opened);
  });
});
