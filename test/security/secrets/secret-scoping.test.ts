import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmsSimulator } from '../../../dev/simulators/huawei-oms/index.js';
import { installVia, oauthEnv } from '../../harness/oauth-install.js';
import { messageText, omsConnection, SIGNING_SECRET, TestBot } from '../../harness/test-bot.js';
import { type OpenedView, postViewSubmission } from '../../harness/views.js';

/**
 * The secret masker is no shared channel between workspaces (issue #10, defect 1): what a refused
 * `/migrate connect` submission typed changes no reply anywhere, and a saved connection's secret is
 * masked in its own workspace's messages and in the logs only. Two workspaces installed over OAuth,
 * driven with signed requests; each has a connection from the connections file, so its `help` lists
 * the migration states (`… running, paused, failed, succeeded …`).
 */

const TEAM_A = 'T0FAKE001';
const TEAM_B = 'T0TEAMB01';
const ADMIN = 'U0ALICE01';
const VIEWER = 'U0BOB0001';
const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const AK = 'HWSCOPEACCESSKEY0001';
const SK = 'hw-scope-secret-key-0000000000000000001';
/** A real key pair of the simulator whose secret is an ordinary word of the bot's replies. */
const WORD_AK = 'HWSCOPEWORDKEY000001';
const WORD_SK = 'succeeded';
const MASK = '••••••';

const t = new TestBot();
const oms = new OmsSimulator({ projectId: PROJECT, keys: { [AK]: SK, [WORD_AK]: WORD_SK } });
const baseline: Record<string, Record<string, unknown>> = {};

beforeAll(async () => {
  await oms.start();
  await t.start({
    env: { ...oauthEnv(t.fakeSlack), MIGRATE_BOT_ALLOWED_ENDPOINTS: oms.url },
    connections: (url) => [
      omsConnection('hw-file-a', url, { team: TEAM_A }),
      omsConnection('hw-file-b', url, { team: TEAM_B }),
    ],
  });
  await install(TEAM_A);
  await install(TEAM_B);
  baseline[TEAM_A] = await help(TEAM_A);
  baseline[TEAM_B] = await help(TEAM_B);
});
afterAll(async () => {
  await t.stop();
  await oms.stop();
});

/** The browser part of an install (installVia fails on any answer but 200). */
async function install(teamId: string): Promise<void> {
  await installVia(t.url, t.fakeSlack, { teamId, userId: ADMIN });
}

function help(teamId: string) {
  return t.ask('help', { teamId, userId: ADMIN });
}

/** `/migrate connect` by an admin of `teamId`, and the modal the bot opened. */
async function openConnect(teamId: string): Promise<OpenedView> {
  const before = t.fakeSlack.callsTo('views.open').length;
  const { http } = await t.command('connect', { teamId, userId: ADMIN });
  expect(http.status).toBe(200);
  const call = await t.fakeSlack.waitFor(() => t.fakeSlack.callsTo('views.open')[before]);
  return { ...(call.body.view as OpenedView), id: `V0SCOPE${before}` };
}

function omsForm(name: string, accessKey: string, secretKey: string): Record<string, string> {
  return {
    name,
    'endpoint.huawei-oms': oms.url,
    project_id: PROJECT,
    access_key: accessKey,
    secret_key: secretKey,
  };
}

/** Both workspaces still answer, exactly as before anything was typed. */
async function expectRepliesUnchanged(): Promise<void> {
  expect(await help(TEAM_A)).toEqual(baseline[TEAM_A]);
  expect(await help(TEAM_B)).toEqual(baseline[TEAM_B]);
}

describe('a refused /migrate connect submission changes no reply', () => {
  it('the baseline replies hold the words typed below', () => {
    for (const team of [TEAM_A, TEAM_B]) {
      expect(messageText(baseline[team]!)).toContain('running');
      expect(JSON.stringify(baseline[team])).toContain('"blocks":');
    }
  });

  it('refused by the role check (a viewer of B): replies of A and B unchanged', async () => {
    const view = await openConnect(TEAM_B);
    const values = { ...omsForm('hw-viewer', AK, '"blocks":'), src_secret_key: 'running' };
    const ack = await postViewSubmission(t.eventsUrl, SIGNING_SECRET, view, values, {
      teamId: TEAM_B,
      userId: VIEWER,
    });
    expect(ack.body?.response_action).toBe('errors');
    await expectRepliesUnchanged();
  });

  it('refused by validation (an admin of B, invalid form): replies of A and B unchanged', async () => {
    const view = await openConnect(TEAM_B);
    // `running` is also too short for a secret key: the form is refused on two counts.
    const values = { ...omsForm('Not A Name!', AK, 'running'), dst_secret_key: '"blocks":' };
    const ack = await postViewSubmission(t.eventsUrl, SIGNING_SECRET, view, values, {
      teamId: TEAM_B,
      userId: ADMIN,
    });
    expect(ack.body?.response_action).toBe('errors');
    await expectRepliesUnchanged();
  });

  it('refused by the live check (an admin of A, wrong key): replies of A and B unchanged', async () => {
    const view = await openConnect(TEAM_A);
    const ack = await postViewSubmission(
      t.eventsUrl,
      SIGNING_SECRET,
      view,
      omsForm('hw-wrong', AK, '"blocks":'),
      {
        teamId: TEAM_A,
        userId: ADMIN,
      },
    );
    expect(ack.body?.response_action).toBe('errors');
    expect(ack.raw).not.toContain('\\"blocks\\":');
    await expectRepliesUnchanged();
  });
});

describe('a saved connection is masked in its own workspace only', () => {
  it("masked in A's messages and in the logs; B's replies unchanged", async () => {
    const view = await openConnect(TEAM_A);
    const ack = await postViewSubmission(
      t.eventsUrl,
      SIGNING_SECRET,
      view,
      omsForm('hw-word', WORD_AK, WORD_SK),
      {
        teamId: TEAM_A,
        userId: ADMIN,
      },
    );
    expect(ack.body?.response_action).toBe('update');
    expect(JSON.stringify(ack.body)).toContain('Connection saved');

    // A: its secret is masked wherever it turns up, and the reply is otherwise intact.
    const helpA = messageText(await help(TEAM_A));
    expect(helpA).not.toContain(WORD_SK);
    expect(helpA).toContain(`States: waiting, running, paused, failed, ${MASK}, all.`);
    const mark = t.logs.lines.length;
    expect(messageText(await t.ask(`status ${WORD_SK}:123`, { teamId: TEAM_A }))).not.toContain(WORD_SK);

    // B: exactly as before, even where B's own reply quotes the word.
    expect(await help(TEAM_B)).toEqual(baseline[TEAM_B]);
    expect(messageText(await t.ask(`status ${WORD_SK}:123`, { teamId: TEAM_B }))).toContain(
      `No connection named "${WORD_SK}"`,
    );

    // Logs mask every workspace's secrets, and every line is still JSON.
    const lines = t.logs.lines.slice(mark);
    const refusals = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const fromB = refusals.find((l) => l.msg === 'request refused' && l.team === TEAM_B);
    expect(fromB?.reason).toContain(`No connection named "${MASK}"`);
    expect(lines.filter((line) => line.includes(WORD_SK))).toEqual([]);
  });
});
