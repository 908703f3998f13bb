import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DIRECTORY_FAILURE_TTL_MS,
  DIRECTORY_STALE_GRACE_MS,
  DIRECTORY_TTL_MS,
} from '../../../src/access/slack-directory.js';
import { messageText, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

// Red team of issue 46's smaller find (`/migrate access` says the role the policy applies, and
// why): channel-scoped group grants, a user-group lookup that fails, an admin check that fails.
// The role it names must be the one the policy then applies to an action in the same place.
const t = new TestBot();
const TEAM = 'T0FAKE001';
const SANDBOX = 'C0SANDBOX1';
const GENERAL = 'C0FAKE001';
const SB_GROUP = 'S0SBOPS01';
const SB_MEMBER = 'U0SBGRP01';
const FAIL_GROUP = 'S0SBFAIL1';
const FAIL_MEMBER = 'U0SBFAIL1';
const PERSON = 'U0SBPERS1';
const NO_GROUPS = 'U0NOGRPS1';
/** The bot's one clock: the directory cache's answers age without waiting. */
const clock = new TestClock();

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' }, clock });
  t.fakeSlack.usergroups.set(SB_GROUP, [SB_MEMBER, PERSON]);
  t.fakeSlack.usergroups.set(FAIL_GROUP, [FAIL_MEMBER]);
  await t.ask(`access grant <!subteam^${SB_GROUP}|@sb-ops> operator <#${SANDBOX}|sandbox>`);
  await t.ask(`access grant <!subteam^${FAIL_GROUP}|@sb-appr> approver <#${SANDBOX}|sandbox>`);
  await t.ask(`access grant <@${PERSON}|pers> approver <#${SANDBOX}|sandbox>`);
}, 60_000);
afterAll(async () => {
  await t.stop();
});

const access = async (userId: string, channelId: string) =>
  messageText(await t.ask('access', { userId, channelId }));
/** Pause pressed as a command in `channelId`: refused ("You need…", "Could not check…") or not. */
async function pause(userId: string, channelId: string): Promise<string> {
  const task = t.oms.addTask({ name: `rt46-access-${userId}-${channelId}`, status: 2 });
  return messageText(await t.ask(`pause ${task.id}`, { userId, channelId }));
}

/** The next `count` calls to `method` fail (429, Retry-After 0); `drain` uses up what is left. */
const failing = (method: string, count = 100) => t.fakeSlack.rateLimit(method, 0, count);
async function drain(method: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${t.fakeSlack.apiUrl}${method}`, { method: 'POST' });
    if (res.status !== 429) return;
  }
}

describe('redteam 46 access: the role /migrate access names is the one the policy applies', () => {
  it('HOLDS: a channel-scoped group grant: operator in that channel (from the group), viewer elsewhere', async () => {
    const there = await access(SB_MEMBER, SANDBOX);
    expect(there).toContain('Your role here: *operator*');
    expect(there).toContain(`granted to the user group <!subteam^${SB_GROUP}>`);
    expect(there).toContain(`<#${SANDBOX}>`);
    expect(await pause(SB_MEMBER, SANDBOX)).not.toMatch(/You need|Could not check/);
    const elsewhere = await access(SB_MEMBER, GENERAL);
    expect(elsewhere).toContain('Your role here: *viewer* (everyone is a viewer');
    expect(await pause(SB_MEMBER, GENERAL)).toContain('You need the operator role');
    expect(
      await t.bot.deps.access.roleOf(
        { teamId: TEAM, userId: SB_MEMBER },
        { kind: 'channel', channelId: SANDBOX },
      ),
    ).toBe('operator');
  });

  it('HOLDS: a person granted approver in the channel and in an operator group there: approver, from the grant to them', async () => {
    const text = await access(PERSON, SANDBOX);
    expect(text).toContain('Your role here: *approver* (granted to you by <@U0ALICE01> in <#');
  });

  // BREAKS (wording): "access.because.group" ends in "which you are in{where}" and
  // "access.because.inChannel" is " in {channel}" (src/i18n/messages/en.json:669-670): a
  // channel-scoped group grant is explained as "…, which you are in in <#C…>".
  it('HOLDS (was BREAKS): the reason for a channel-scoped group grant reads as one sentence', async () => {
    expect(await access(SB_MEMBER, SANDBOX)).not.toMatch(/which you are in in /);
  });

  it('HOLDS: the group lookup fails: viewer, with the note, and the policy refuses with "could not check"', async () => {
    failing('usergroups.users.list');
    // Every cached group answer is past its TTL and its grace: the group is asked for again.
    clock.advance(DIRECTORY_TTL_MS + DIRECTORY_STALE_GRACE_MS + 1_000);
    try {
      const text = await access(FAIL_MEMBER, SANDBOX);
      expect(text).toContain('Your role here: *viewer*');
      expect(text).toContain('Slack did not answer about some of your user groups');
      expect(await pause(FAIL_MEMBER, SANDBOX)).toContain('Could not check your role with Slack');
    } finally {
      await drain('usergroups.users.list');
    }
    clock.advance(DIRECTORY_FAILURE_TTL_MS + 1_000);
    // Slack answers again: the same person is told approver, from the group.
    expect(await access(FAIL_MEMBER, SANDBOX)).toContain(
      'Your role here: *approver* (granted to the user group',
    );
  });

  // Held since issue 46's follow-up: the note says which answer was missing. Was: `unsure` was set both when a group lookup fails and when the admin check
  // (users.info) fails (access-control.ts:90-97), and the reply always blames user groups
  // (access.ts:106, "access.you.unsure"). A workspace admin whose admin check failed is told
  // "viewer … Slack did not answer about some of your user groups", which sends them to the wrong
  // place: they have no group grant at all.
  it('HOLDS: the admin check fails for someone in no group: the note does not blame user groups', async () => {
    failing('users.info');
    try {
      const text = await access(NO_GROUPS, GENERAL);
      expect(text).toContain('Your role here: *viewer*');
      expect(text).not.toContain('some of your user groups');
      expect(text).toContain('whether you are a workspace admin');
    } finally {
      await drain('users.info');
    }
  });
});
