import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateKey } from '../../../src/crypto/secret-box.js';
import { installVia, oauthEnv } from '../../harness/oauth-install.js';
import { eventBody, JSON_TYPE, postSigned, slackSignature } from '../../harness/slack-requests.js';
import { messageText, omsConnection, SIGNING_SECRET, TestBot } from '../../harness/test-bot.js';
import { TestClock } from '../../harness/test-clock.js';
import { workspaceCommand } from '../../harness/workspace-command.js';
import { dropRedisKeys, replicaRedisUrl } from '../replica-redis.js';

// Red team of issue 46 item 4 (a reinstall during an uninstall's cleanup keeps the new
// installation; the tombstone is written before app_uninstalled is acknowledged), on Redis, with a
// second replica where it matters. Workspaces and orgs of their own (the suffix), so nothing here
// meets another test's keys.
const storeUrl = replicaRedisUrl();
const suffix = Date.now().toString(36).toUpperCase().slice(-5);
const T = (n: string) => `T0R${n}${suffix}`;
const E = (n: string) => `E0R${n}${suffix}`;
const ADMIN = 'U0ALICE01';
const key = generateKey();
const clock = new TestClock();
const a = new TestBot();
const b = new TestBot();
const env = (own: boolean) => ({
  ...oauthEnv(a.fakeSlack, key),
  STORE_URL: storeUrl,
  ...(own ? {} : { SLACK_API_URL: a.fakeSlack.apiUrl }),
  POLL_INTERVAL_SECONDS: '0',
});
const teams = ['URU', 'URUR', 'REP', 'SLOW', 'RETRY', 'JOBW', 'JOBG', 'MID', 'DIED'].map(T);
const connections = (url: string) =>
  teams.map((team) => omsConnection(`hw-${team.toLowerCase()}`, url, { team }));

beforeAll(async () => {
  await a.start({ env: env(true), connections, watcher: { clock } });
  await b.start({
    env: env(false),
    connections: () => connections(a.oms.url),
    watcher: { clock: new TestClock() },
  });
}, 60_000);
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await Promise.allSettled([a.stop(), b.stop()]);
  await dropRedisKeys(storeUrl, suffix);
});

let sent = 0;
/** `/migrate <text>` from `team` (of org `org`, installed org-wide) on `bot`; the response id. */
async function command(bot: TestBot, team: string, text: string, org?: string): Promise<string> {
  const id = `rt46r-${++sent}`;
  expect((await workspaceCommand(bot, a.fakeSlack, { text, teamId: team, responseId: id, org })).status).toBe(
    200,
  );
  return id;
}
const answered = (id: string) => messageText(a.fakeSlack.responsesTo(id)[0]?.body ?? {});
/** Served: the answer comes. Refused: the log says so and no answer comes. */
async function served(bot: TestBot, team: string, org?: string): Promise<boolean> {
  const id = await command(bot, team, 'help', org);
  const refused = () =>
    bot.logs.lines.some(
      (l) => l.includes('it uninstalled the app') && l.includes(org ?? `workspace ${team}`),
    );
  await expect.poll(() => a.fakeSlack.responsesTo(id).length > 0 || refused(), { timeout: 5_000 }).toBe(true);
  await bot.settled();
  return a.fakeSlack.responsesTo(id).length > 0;
}
const install = (team: string, bot: TestBot = a) =>
  installVia(bot.url, a.fakeSlack, { teamId: team, userId: ADMIN });
const uninstall = (team: string, bot: TestBot = a) => bot.event({ type: 'app_uninstalled' }, team);
const installation = (team: string) => a.bot.deps.store.get(`installation:team:${team}`);
const deleted = (bot: TestBot, n: number) =>
  expect
    .poll(() => bot.logs.lines.filter((l) => l.includes('departed workspace deleted')).length, {
      timeout: 8_000,
    })
    .toBeGreaterThanOrEqual(n);

/** A promise the test opens: work mocked to wait on it stays where it is until then. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/**
 * The workspace's data is deleted on `bot` only once the test says so (`release`), so a reinstall
 * lands in the middle of the deletion; `started` resolves when the first deletion has begun.
 */
function holdForget(bot: TestBot) {
  const grants = bot.bot.deps.access.grants;
  const forget = grants.forget.bind(grants);
  const started = gate();
  const released = gate();
  let running = 0;
  let calls = 0;
  vi.spyOn(grants, 'forget').mockImplementation(async (team: string) => {
    calls++;
    running++;
    started.open();
    await released.opened;
    return forget(team).finally(() => running--);
  });
  /** Deletions begun and not yet ended. */
  const pending = () => running;
  /** Resolves once `n` jobs have begun deleting (each was written before it began). */
  const begun = (n: number) => expect.poll(() => calls, { timeout: 5_000 }).toBeGreaterThanOrEqual(n);
  return { started: started.opened, release: released.open, pending, begun };
}

describe('redteam 46 reinstall: sequences and replicas', () => {
  it('HOLDS: uninstall, reinstall, uninstall again while the first deletion runs: deleted, refused', async () => {
    const team = T('URU');
    await install(team);
    const deletion = holdForget(a);
    const before = a.logs.lines.filter((l) => l.includes('departed workspace deleted')).length;
    expect((await uninstall(team)).status).toBe(200);
    await deletion.started;
    await install(team);
    expect((await uninstall(team)).status).toBe(200);
    await deletion.begun(2);
    deletion.release();
    await deleted(a, before + 1);
    await a.settled(); // the first job's deletion ends too
    expect(deletion.pending()).toBe(0);
    expect(await installation(team)).toBeUndefined();
    expect(await a.bot.deps.slack.departures!.marks.departed({ teamId: team })).toBe(true);
    expect(await served(b, team)).toBe(false);
  });

  it('HOLDS: uninstall, reinstall, uninstall, reinstall in one deletion: the last install is kept and served', async () => {
    const team = T('URUR');
    await install(team);
    const deletion = holdForget(a);
    expect((await uninstall(team)).status).toBe(200);
    await deletion.started;
    await install(team);
    expect((await uninstall(team)).status).toBe(200);
    await deletion.begun(2);
    await install(team);
    deletion.release();
    await a.settled(); // both jobs' deletions end
    expect(deletion.pending()).toBe(0);
    expect(await installation(team)).toBeDefined();
    expect(await served(b, team)).toBe(true);
  });

  it('HOLDS: uninstalled on A, installed again through B while A deletes: kept, served by both', async () => {
    const team = T('REP');
    await install(team);
    const deletion = holdForget(a);
    expect((await uninstall(team, a)).status).toBe(200);
    await deletion.started;
    await install(team, b);
    deletion.release();
    await a.settled();
    expect(deletion.pending()).toBe(0);
    expect(a.logs.lines.some((l) => l.includes('installation kept: the app was installed there again'))).toBe(
      true,
    );
    expect(await installation(team)).toBeDefined();
    expect(await served(a, team)).toBe(true);
    expect(await served(b, team)).toBe(true);
  });

  it("HOLDS: the store is slow to write the tombstone: the 200 still goes out within Slack's 3 s", async () => {
    const team = T('SLOW');
    await install(team);
    const departures = a.bot.deps.slack.departures!;
    const tombstone = departures.tombstone.bind(departures);
    // The write is held until the ack is back: the 200 comes while it still is (an order, not a
    // measured time; an ack that waited for the write would never come).
    let release!: () => void;
    const written = new Promise<void>((resolve) => (release = resolve));
    let writing = false;
    vi.spyOn(departures, 'tombstone').mockImplementation(async (where) => {
      writing = true;
      await written;
      return tombstone(where);
    });
    const ack = await uninstall(team).finally(release);
    expect(ack.status).toBe(200);
    expect(writing).toBe(true); // begun before the ack, as it is meant to be
    await expect.poll(() => departures.marks.departed({ teamId: team }), { timeout: 5_000 }).toBe(true);
  });
});

/** app_uninstalled signed again with the same body: Slack's retry (same event_id), headers and all. */
async function redeliver(bot: TestBot, body: string, retry: number) {
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await fetch(bot.eventsUrl, {
    method: 'POST',
    headers: {
      'content-type': JSON_TYPE,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, body),
      'x-slack-retry-num': String(retry),
      'x-slack-retry-reason': 'http_timeout',
    },
    body,
  });
  return res.status;
}

describe('redteam 46 reinstall: the tombstone written before the acknowledgement', () => {
  // BREAKS: the pre-ack tombstone runs in the receiver's ack (ack-first-receiver.ts:258-267), and
  // Bolt acknowledges events before any middleware, so before the inbound dedupe
  // (inbound-dedupe.ts:43-55) drops a retry. Slack retries an event it thinks timed out for about
  // 6 minutes; one that arrives after the workspace installed the app again writes its tombstone
  // again (installation-events.ts:29-38), with no job, and every request of the reinstalled
  // workspace is refused until it installs a third time.
  it('HOLDS (was BREAKS): a retry of the uninstall that arrives after a reinstall leaves the workspace served', async () => {
    const team = T('RETRY');
    await install(team);
    const body = eventBody(team, { type: 'app_uninstalled' });
    expect(await redeliver(a, body, 0)).toBe(200);
    await expect.poll(() => installation(team), { timeout: 5_000 }).toBeUndefined();
    await install(team);
    expect(await served(a, team)).toBe(true);
    expect(await redeliver(b, body, 1)).toBe(200); // dropped as a duplicate, after its tombstone
    expect(await served(a, team)).toBe(true);
  });

  // BREAKS: for an event, Slack says org-wide in `authorizations[0].is_enterprise_install` (Bolt
  // reads it there, helpers.js isBodyWithTypeEnterpriseInstall; the envelope has no top-level
  // field, @slack/bolt EnvelopedEvent). tombstoneBeforeAck reads only `body.is_enterprise_install`
  // (installation-events.ts:32-37), so it treats an org-wide uninstall as one workspace's:
  // `departed:enterprise:E` and the org's other workspaces are written only by the listener, after
  // the 200. A request from another workspace of the org in that window is served.
  it("HOLDS (was BREAKS): an org-wide uninstall, as Slack's envelope says it, refuses the org's other workspace at its ack", async () => {
    const [ws, other, org] = [T('ORG1'), T('ORG2'), E('ORGA')];
    await installVia(a.url, a.fakeSlack, {
      teamId: ws,
      enterpriseId: org,
      isEnterpriseInstall: true,
      userId: ADMIN,
    });
    expect(await served(a, other, org)).toBe(true); // the org's install serves `other` too (remembered)
    const release = holdDepart(a);
    expect((await orgUninstall(a, ws, org, false)).status).toBe(200);
    expect(await served(b, other, org)).toBe(false);
    release();
    await a.settled();
  });

  it('HOLDS (control): the same with a top-level is_enterprise_install: refused at its ack', async () => {
    const [ws, other, org] = [T('ORG3'), T('ORG4'), E('ORGB')];
    await installVia(a.url, a.fakeSlack, {
      teamId: ws,
      enterpriseId: org,
      isEnterpriseInstall: true,
      userId: ADMIN,
    });
    expect(await served(a, other, org)).toBe(true);
    const release = holdDepart(a);
    expect((await orgUninstall(a, ws, org, true)).status).toBe(200);
    expect(await served(b, other, org)).toBe(false);
    release();
    await a.settled();
  });
});

/** The listener's own depart (after the 200) waits for the returned release: only the pre-ack tombstone stands meanwhile. */
function holdDepart(bot: TestBot): () => void {
  const departures = bot.bot.deps.slack.departures!;
  const depart = departures.depart.bind(departures);
  const released = gate();
  vi.spyOn(departures, 'depart').mockImplementation(async (...args) => {
    await released.opened;
    return depart(...args);
  });
  return released.open;
}

function orgUninstall(bot: TestBot, team: string, org: string, topLevel: boolean) {
  const body = JSON.stringify({
    ...JSON.parse(eventBody(team, { type: 'app_uninstalled' })),
    enterprise_id: org,
    ...(topLevel ? { is_enterprise_install: true } : {}),
    authorizations: [
      { enterprise_id: org, team_id: team, user_id: 'U0BOT0001', is_bot: true, is_enterprise_install: true },
    ],
  });
  return postSigned(bot.eventsUrl, SIGNING_SECRET, body, JSON_TYPE);
}

describe('redteam 46 reinstall: an uninstall job still pending when the app is installed again', () => {
  /** Uninstalled while the grants' deletion fails once: the job waits 30 s for its retry. Then reinstalled. */
  async function pendingThenReinstalled(team: string): Promise<void> {
    await install(team);
    vi.spyOn(a.bot.deps.access.grants, 'forget').mockRejectedValueOnce(new Error('store unavailable'));
    const before = a.logs.lines.filter((l) =>
      l.includes('could not finish deleting a departed workspace'),
    ).length;
    expect((await uninstall(team)).status).toBe(200);
    await expect
      .poll(
        () => a.logs.lines.filter((l) => l.includes('could not finish deleting a departed workspace')).length,
      )
      .toBeGreaterThan(before);
    await install(team);
    const grant = await command(a, team, 'access grant <@U0NEWOP01> operator');
    await expect.poll(() => answered(grant), { timeout: 5_000 }).toContain('now operator');
  }

  async function granted(team: string): Promise<number> {
    return (await a.bot.deps.access.grants.list(team)).length;
  }

  // BREAKS: a job that waits for its retry runs stopWatching at every sweep, i.e. before every
  // watcher cycle (departures.ts:262-275), and a reinstall only drops the job's installation
  // (departures.ts:98-108): every watch the reinstalled workspace makes is deleted at the next
  // cycle, for as long as the job waits (up to an hour between tries), without a word to anyone.
  it("HOLDS (was BREAKS): a watch the reinstalled workspace makes survives the next cycle's sweep", async () => {
    const team = T('JOBW');
    await pendingThenReinstalled(team);
    const task = a.oms.addTask({ name: `rt46-jobw-${suffix}`, status: 2 });
    const watchId = await command(a, team, `watch hw-${team.toLowerCase()}:${task.id}`);
    await expect.poll(() => answered(watchId), { timeout: 5_000 }).toContain('Watching');
    expect(await a.bot.deps.watcher.list(team)).toHaveLength(1);
    await a.bot.deps.slack.departures!.sweep();
    expect(await a.bot.deps.watcher.list(team)).toHaveLength(1);
  });

  // BREAKS: when the job's retry comes, it runs forgetWorkspace on the team (departures.ts:288-291)
  // whatever was made since the reinstall: the grant an admin gave after installing again (and
  // was told "is now operator" for) is deleted, with the settings, connections and watches.
  it("HOLDS (was BREAKS): a grant made after the reinstall survives the old job's retry", async () => {
    const team = T('JOBG');
    await pendingThenReinstalled(team);
    await expect.poll(() => granted(team), { timeout: 5_000 }).toBe(1);
    clock.advance(31_000);
    await a.bot.deps.slack.departures!.sweep();
    expect(await granted(team)).toBe(1);
  });
});

describe('redteam 46 reinstall: the fix attacked again (a job bound to its generation)', () => {
  const granted = async (team: string) => (await a.bot.deps.access.grants.list(team)).length;

  // Before: a reinstall cleared the tombstone at once, so a grant sent while the old job was still
  // deleting was answered "now operator" and deleted by that job (or by the other replica's
  // sweep running the same job at once): gone before or after the deletion was released.
  it('HOLDS: a grant sent after a reinstall, while the old deletion still runs on the other replica, is never confirmed and lost', async () => {
    const team = T('MID');
    await install(team);
    const deletion = holdForget(a);
    expect((await uninstall(team, a)).status).toBe(200);
    await deletion.started;
    await install(team, b);
    const grant = await command(b, team, 'access grant <@U0NEWOP02> operator');
    const refused = () => b.logs.lines.some((l) => l.includes('it uninstalled the app') && l.includes(team));
    const told = () => a.fakeSlack.responsesTo(grant).length > 0;
    await expect.poll(() => told() || refused(), { timeout: 5_000 }).toBe(true);
    // Refused (the old data is still being deleted), never told "now operator" for a grant to lose.
    expect({ told: told(), refused: refused() }).toEqual({ told: false, refused: true });
    deletion.release();
    await a.settled();
    await b.settled();
    expect(deletion.pending()).toBe(0);
    // Once the old data is gone, what the new installation makes stays, across sweeps.
    const after = await command(b, team, 'access grant <@U0NEWOP03> operator');
    await expect.poll(() => answered(after), { timeout: 5_000 }).toContain('now operator');
    clock.advance(3_700_000);
    await Promise.all([a.bot.deps.slack.departures!.sweep(), b.bot.deps.slack.departures!.sweep()]);
    expect(await granted(team)).toBe(1);
  });

  // A run that cleared a reinstalled job's tombstone and died before removing the job: the job
  // left behind must end without deleting (its generation is over), not delete the new data.
  it('HOLDS: a job whose tombstone is gone (a run died between the two writes) ends without deleting', async () => {
    const team = T('DIED');
    await install(team);
    const grant = await command(a, team, 'access grant <@U0NEWOP04> operator');
    await expect.poll(() => answered(grant), { timeout: 5_000 }).toContain('now operator');
    const state = a.bot.deps.slack.departures!.marks.state;
    const job = { since: 1, gen: 'gone', attempts: 1, nextAt: 0, teamId: team, reinstalled: true };
    await state.update(`departure:team:${team}`, () => JSON.stringify(job));
    await state.setAdd('departures:pending', `team:${team}`);
    await b.bot.deps.slack.departures!.sweep();
    expect(await granted(team)).toBe(1);
    expect(await state.get(`departure:team:${team}`)).toBeUndefined();
    expect(await state.setMembers('departures:pending')).not.toContain(`team:${team}`);
  });
});
