import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_GROUP_LOOKUPS_PER_DECISION } from '../../../src/access/access-control.js';
import {
  DIRECTORY_FAILURE_TTL_MS,
  DIRECTORY_STALE_GRACE_MS,
  DIRECTORY_TTL_MS,
} from '../../../src/access/slack-directory.js';
import { messageText, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';

/**
 * Issue #36 (red team, directory): Slack's answers about admins and user groups are cached, and
 * that cache fails closed. An answer past its TTL stands in for a failed lookup only within a short
 * grace; after that a demoted admin, or someone taken out of an admin group, is refused with "could
 * not check your role with Slack" while Slack does not answer. And user-group grants cannot spend
 * the workspace's Tier 2 budget: a grant to a group Slack does not know is refused, Slack's "no
 * such group" is cached, and one decision looks up a bounded number of groups.
 *
 * Through signed requests to the running bot and the fake Slack; the bot's one clock is the
 * test's (no waiting out the 5-minute cache).
 */
const clock = new TestClock();
const t = new TestBot();
const advance = (ms: number) => clock.advance(ms);

const BOSS = 'U0BOSS001';
const GROUP_BOSS = 'U0GBOSS01';
const ADMINS_GROUP = 'S0ADMINS1';
const SANDBOX = 'C0SANDBOX1';
const CHANNEL_ADMIN = 'U0CHADM01';
const VIEWER = 'U0VIEW001';
const COULD_NOT_CHECK = 'Could not check your role with Slack';

beforeAll(async () => {
  await t.start({ env: { POLL_INTERVAL_SECONDS: '0' }, clock });
  t.fakeSlack.admins.add(BOSS);
  t.fakeSlack.usergroups.set(ADMINS_GROUP, [GROUP_BOSS]);
  await t.ask(`access grant <!subteam^${ADMINS_GROUP}|@admins> admin`);
  await t.ask(`access grant <@${CHANNEL_ADMIN}> admin <#${SANDBOX}|sandbox>`);
}, 60_000);
afterAll(async () => {
  await t.stop();
});

/** A workspace-wide change only an admin may make; the answer's text. */
async function grantAsAdmin(asker: string, target: string): Promise<string> {
  return messageText(await t.ask(`access grant <@${target}> operator`, { userId: asker }));
}

/** The next `count` calls to `method` fail (HTTP 429 with Retry-After: 0, retried at once). */
function failing(method: string, count = 100): void {
  t.fakeSlack.rateLimit(method, 0, count);
}

describe('a cached admin answer past its TTL while Slack does not answer', () => {
  it('stands in only within the grace; then the demoted admin is refused with "could not check"', async () => {
    expect(await grantAsAdmin(BOSS, 'U0TARGET1')).toContain('is now operator');
    // Demoted in Slack; from now on users.info fails.
    t.fakeSlack.admins.delete(BOSS);
    failing('users.info');

    advance(DIRECTORY_TTL_MS + DIRECTORY_STALE_GRACE_MS / 2);
    expect(await grantAsAdmin(BOSS, 'U0TARGET2'), 'a hiccup within the grace').toContain('is now operator');

    advance(DIRECTORY_STALE_GRACE_MS);
    const refused = await grantAsAdmin(BOSS, 'U0TARGET3');
    expect(refused).toContain(COULD_NOT_CHECK);
    expect(refused).toContain('Try again');

    advance(60 * 60 * 1000);
    expect(await grantAsAdmin(BOSS, 'U0TARGET4')).toContain(COULD_NOT_CHECK);
    const granted = (await t.bot.deps.access.grants.list('T0FAKE001')).map((g) => g.subject.id);
    expect(granted).toContain('U0TARGET2');
    expect(granted).not.toContain('U0TARGET3');
    expect(granted).not.toContain('U0TARGET4');

    // Slack answers again (after the failure's short memory): the demotion is seen.
    await drainRateLimits('users.info');
    advance(DIRECTORY_FAILURE_TTL_MS);
    expect(await grantAsAdmin(BOSS, 'U0TARGET5')).toContain('You need the admin role');
  });

  it('a member taken out of an admin user group is refused once the group answer is stale', async () => {
    expect(await grantAsAdmin(GROUP_BOSS, 'U0TARGET6')).toContain('is now operator');
    t.fakeSlack.usergroups.set(ADMINS_GROUP, []);
    failing('usergroups.users.list');
    advance(60 * 60 * 1000);
    expect(await grantAsAdmin(GROUP_BOSS, 'U0TARGET7')).toContain(COULD_NOT_CHECK);
    const granted = (await t.bot.deps.access.grants.list('T0FAKE001')).map((g) => g.subject.id);
    expect(granted).not.toContain('U0TARGET7');
    await drainRateLimits('usergroups.users.list');
  });
});

describe('user-group grants and the Tier 2 budget', () => {
  const lookups = () => t.fakeSlack.callsTo('usergroups.users.list').length;

  it('a grant to a user group Slack does not know is refused, with the reason', async () => {
    const answer = messageText(
      await t.ask(`access grant <!subteam^S0NOSUCH1> operator <#${SANDBOX}|sandbox>`, {
        userId: CHANNEL_ADMIN,
        channelId: SANDBOX,
      }),
    );
    // The group as Slack draws it (a mention), not as escaped text.
    expect(answer).toContain('Slack knows no user group <!subteam^S0NOSUCH1> in this workspace');
    expect(answer).not.toContain('is now operator');
    const grants = await t.bot.deps.access.grants.list('T0FAKE001');
    expect(grants.map((g) => g.subject.id)).not.toContain('S0NOSUCH1');
  });

  it('a Korean admin reads that refusal in Korean', async () => {
    const korean = 'U0KOADM01';
    t.fakeSlack.admins.add(korean);
    t.fakeSlack.locales.set(korean, 'ko-KR');
    const answer = messageText(await t.ask('access grant <!subteam^S0NOSUCH2> operator', { userId: korean }));
    expect(answer).toContain('<!subteam^S0NOSUCH2> 사용자 그룹');
    expect(answer).not.toContain('Slack knows no user group');
  });

  it('grants to 30 unknown groups (made before the check) cost each group one lookup per TTL, at most 5 per request', async () => {
    // Grants to groups that do not exist, as an older version accepted them.
    const junk = Array.from({ length: 30 }, (_, i) => `S0JUNK${String(i).padStart(3, '0')}`);
    for (const id of junk)
      await t.bot.deps.access.grants.grant('T0FAKE001', {
        subject: { kind: 'usergroup', id },
        role: 'operator',
        channel: SANDBOX,
        grantedBy: CHANNEL_ADMIN,
        grantedAt: new Date().toISOString(),
      });
    advance(DIRECTORY_TTL_MS + DIRECTORY_STALE_GRACE_MS);
    const perRequest: number[] = [];
    // `bandwidth` needs operator: every junk grant could raise the viewer's role.
    for (let i = 0; i < 10; i++) {
      const before = lookups();
      await t.ask('bandwidth hw-prod:1 off', { userId: VIEWER, channelId: SANDBOX });
      perRequest.push(lookups() - before);
    }
    expect(Math.max(...perRequest)).toBeLessThanOrEqual(MAX_GROUP_LOOKUPS_PER_DECISION);
    // Each unknown group asked about once: "no such group" is remembered like any answer.
    expect(perRequest.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(junk.length + 1);
    expect(perRequest.slice(-3)).toEqual([0, 0, 0]);
    // A request that needs no more than the role the person has looks no group up.
    const before = lookups();
    advance(DIRECTORY_TTL_MS + DIRECTORY_STALE_GRACE_MS);
    await t.ask('help', { userId: VIEWER, channelId: SANDBOX });
    expect(lookups() - before).toBe(0);
  });
});

/** Sends calls until the fake's queued 429s for `method` are used up (they are counted per call). */
async function drainRateLimits(method: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${t.fakeSlack.apiUrl}${method}`, { method: 'POST' });
    if (res.status !== 429) return;
  }
}
