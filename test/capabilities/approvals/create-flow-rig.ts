import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { blockLimitProblems } from '../../../dev/fake-slack/block-limits.js';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { NcpSimulator } from '../../../dev/simulators/ncp/index.js';
import { UpCloudSimulator } from '../../../dev/simulators/upcloud/index.js';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import type { Connection } from '../../../src/connections/connection.js';
import { decideApproval, postedApproval } from '../../harness/approval-requests.js';
import { Interactions, type ShownView, ViewTracker, viewLimitProblems } from '../../harness/interactions.js';
import {
  buttons,
  DST_SK,
  HW_SK,
  messageText,
  omsConnection,
  SRC_SK,
  TestBot,
} from '../../harness/test-bot.js';

// The bot of the create-flow-*.test.ts files: one OMS, one NCP and one UpCloud connection, an
// operator, two approvers and an approvals channel; what each file's run sent is checked whole at
// its end (checkTheWholeRun).

export type Json = Record<string, unknown>;

export const ADMIN = 'U0ALICE01';
export const VIEWER = 'U0VIEW001';
export const OPERATOR = 'U0OPER001';
export const APPROVER = 'U0APPR001';
export const APPROVER2 = 'U0APPR002';
export const REQUEST_CHANNEL = 'C0FAKE001';
export const APPROVALS = 'C0APPROVE';
export const TEAM = 'T0FAKE001';
const NCP_AK = 'NCPSIMACCESSKEY00001';
const NCP_SK = 'ncp-sim-secret-key-000000000000000001';
const UPCLOUD_TOKEN = 'ucat_upcloud-sim-token-0000000000000001';
const SERVICE_ID = '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f';
const SECRETS = [SRC_SK, DST_SK, HW_SK, NCP_SK, UPCLOUD_TOKEN];

export const isForm = (v: ShownView) => v.view.callback_id === 'migrate_create.form';
export const isPicker = (v: ShownView) => v.view.callback_id === 'migrate_create.pick';

export function blockIds(view: Json): string[] {
  return ((view.blocks as Json[]) ?? []).map((b) => String(b.block_id ?? ''));
}

export function selectOptions(view: Json, field: string): string[] {
  const block = ((view.blocks as Json[]) ?? []).find((b) => String(b.block_id).split('.')[0] === field);
  return (((block?.element as Json)?.options as Json[]) ?? []).map((o) => String(o.value));
}

export const OMS_VALUES = {
  task_type: 'prefix',
  src_cloud: 'AWS',
  src_region: 'us-east-1',
  src_bucket: 'src-bucket',
  src_objects: 'photos/\nlogs/',
  dst_region: 'cn-north-4',
  dst_bucket: 'dst-bucket',
  dst_prefix: 'from-aws',
  description: 'photos to OBS',
  bandwidth: '00:00-06:00=200MB/s\n22:00-23:00=50MB/s',
};

/** Starts the bot and the NCP and UpCloud simulators for the calling file; the helpers its tests drive. */
export function useCreateFlow() {
  const t = new TestBot();
  const ncp = new NcpSimulator({ keys: { [NCP_AK]: NCP_SK } });
  const upcloud = new UpCloudSimulator({ serviceIds: [SERVICE_ID], tokens: [UPCLOUD_TOKEN] });
  const ix = new Interactions(t);
  let tracker: ViewTracker;
  /** The views shown so far (the tracker starts with the bot). */
  const views = {
    get shown() {
      return tracker.shown;
    },
    get latest() {
      return tracker.latest;
    },
  };
  /** Every Web API answer that was not ok (the fake refuses payloads over Block Kit limits). */
  const refused: { method: string; answer: Json }[] = [];
  /** Provider request counts at the moment each `views.open` reached Slack. */
  const countsAtOpen: { trigger: unknown; oms: number; ncp: number; upcloud: number }[] = [];

  const source = { name: 'aws-src', accessKey: 'AKIASOURCE0000000001', secretKey: SRC_SK };

  function connections(omsUrl: string): Connection[] {
    return [
      omsConnection('hw-prod', omsUrl),
      {
        name: 'ncp-kr',
        provider: 'ncp',
        endpoint: ncp.url,
        region: 'KR',
        auth: { type: 'aksk', accessKey: NCP_AK, secretKey: NCP_SK },
        storage: { source },
      },
      {
        name: 'up-fi',
        provider: 'upcloud',
        endpoint: upcloud.url,
        serviceId: SERVICE_ID,
        auth: { type: 'bearer', token: UPCLOUD_TOKEN },
        storage: { source },
      },
    ];
  }

  function counts() {
    return {
      oms: t.oms.server.requestCount,
      ncp: ncp.server.requestCount,
      upcloud: upcloud.server.requestCount,
    };
  }

  beforeAll(async () => {
    await Promise.all([ncp.start(), upcloud.start()]);
    await t.start({ connections, env: { POLL_INTERVAL_SECONDS: '0' } });
    tracker = new ViewTracker(t.fakeSlack);
    t.fakeSlack.observe((call, answer) => {
      if (answer.ok === false) refused.push({ method: call.method, answer });
      if (call.method === 'views.open') countsAtOpen.push({ trigger: call.body.trigger_id, ...counts() });
    });
    await t.ask(`access grant <@${OPERATOR}|oper> operator`);
    await t.ask(`access grant <@${APPROVER}|appr> approver`);
    await t.ask(`access grant <@${APPROVER2}|appr2> approver`);
    await t.ask(`settings approvals <#${APPROVALS}|approvals>`);
  });
  afterAll(async () => {
    tracker?.stop();
    await t.stop();
    await Promise.all([ncp.stop(), upcloud.stop()]);
  });
  beforeEach(() => {
    t.oms.faults.reset();
  });

  /** `/migrate create …` as `userId`; resolves with the modal once it shows `callback`'s form. */
  async function openForm(
    text: string,
    userId: string,
    ready: (v: ShownView) => boolean,
  ): Promise<ShownView> {
    const before = views.shown.length;
    const { http } = await t.command(text, { userId });
    expect(http.status).toBe(200);
    return t.fakeSlack.waitFor(() => views.shown.slice(before).find(ready));
  }

  /** Web API calls to `method` made after `since` calls were recorded. */
  function callsSince(since: number, method: string, where: (c: RecordedCall) => boolean = () => true) {
    return t.fakeSlack.calls.slice(since).filter((c) => c.method === method && where(c));
  }

  /** The approval request posted after `since`: its id (button value), ts and message. */
  function postedRequest(since: number): Promise<{ id: string; ts: string; message: Json }> {
    return postedApproval(t, { team: TEAM, channel: APPROVALS }, since);
  }

  /** Clicks Approve or Reject on the request as `userId`; resolves with what the clicker was told. */
  function decide(req: { id: string; ts: string }, action: 'approve' | 'reject', userId: string) {
    return decideApproval(t, ix, { ...req, channel: APPROVALS }, action, userId);
  }

  /** The latest edit of the request message. */
  async function requestUpdate(req: { ts: string }, since: number, match: RegExp): Promise<Json> {
    const call = await t.fakeSlack.waitFor(() =>
      callsSince(since, 'chat.update', (c) => c.body.ts === req.ts && match.test(messageText(c.body))).at(-1),
    );
    return call.body;
  }

  async function ephemeralTo(userId: string, since: number, match: RegExp): Promise<RecordedCall> {
    return t.fakeSlack.waitFor(() =>
      callsSince(
        since,
        'chat.postEphemeral',
        (c) => c.body.user === userId && match.test(messageText(c.body)),
      ).at(-1),
    );
  }

  /** A decision reaches the requester as a direct message (a post to their user id). */
  async function dmTo(userId: string, since: number, match: RegExp): Promise<RecordedCall> {
    return t.fakeSlack.waitFor(() =>
      callsSince(
        since,
        'chat.postMessage',
        (c) => c.body.channel === userId && match.test(messageText(c.body)),
      ).at(-1),
    );
  }

  /** Opens the OMS task form as `userId`, submits `values` and returns the posted request. */
  async function requestOmsTask(userId: string, values: Record<string, string> = OMS_VALUES) {
    const form = await openForm(
      'create hw-prod task',
      userId,
      (v) => isForm(v) && v.method === 'views.update',
    );
    const since = t.fakeSlack.calls.length;
    const res = await ix.submit(form, values, { userId });
    expect(res.status).toBe(200);
    expect(res.body).toBeUndefined();
    return postedRequest(since);
  }

  return {
    t,
    ncp,
    upcloud,
    ix,
    views,
    refused,
    countsAtOpen,
    counts,
    openForm,
    callsSince,
    postedRequest,
    decide,
    requestUpdate,
    ephemeralTo,
    dmTo,
    requestOmsTask,
  };
}

/**
 * What the file's whole run sent, checked after its last flow: no secret anywhere, no error logged,
 * every payload within Block Kit's limits; `leastRequests` approval requests at least were read.
 */
export function checkTheWholeRun(flow: ReturnType<typeof useCreateFlow>, leastRequests: number): void {
  const { t, views, refused } = flow;
  describe('secrets and limits over the whole run', () => {
    it('no secret in any Slack payload, private_metadata, log line or stored approval record', async () => {
      const everything = [
        ...t.fakeSlack.calls.map((c) => JSON.stringify(c.body)),
        ...t.fakeSlack.responses.map((c) => JSON.stringify(c.body)),
        ...t.logs.lines,
      ].join('\n');
      for (const secret of SECRETS) expect(everything).not.toContain(secret);
      for (const shown of views.shown) {
        const meta = shown.view.private_metadata;
        if (meta === undefined) continue;
        if (shown.view.callback_id === 'approval.reject.reason') {
          expect(Object.keys(JSON.parse(String(meta))).sort()).toEqual(['channel', 'from', 'id']);
          continue;
        }
        const allowed =
          shown.view.callback_id === 'migrate_create.pick' ? ['ch', 'r'] : ['c', 'ch', 'k', 'p', 'r'];
        const keys = Object.keys(JSON.parse(String(meta)));
        expect(keys.filter((k) => !allowed.includes(k))).toEqual([]);
        expect(keys).toContain('r');
      }
      const pending = await approvalsOf(t.bot.deps).records.pending();
      const ids = new Set([
        ...pending.map((p) => p.id),
        ...t.fakeSlack.calls
          .filter((c) => c.method === 'chat.postMessage' && c.body.channel === APPROVALS)
          .flatMap((c) => buttons(c.body).map((b) => b.value)),
      ]);
      expect(ids.size).toBeGreaterThanOrEqual(leastRequests);
      for (const id of ids) {
        const stored = JSON.stringify(await approvalsOf(t.bot.deps).get(TEAM, id));
        for (const secret of SECRETS) expect(stored).not.toContain(secret);
        expect(stored).not.toMatch(/"(ak|sk|secretKey|secret_access_key|access_key_id|src_ak|dst_sk)"/);
      }
    });

    it('logged no error along the way (the expected warnings are the refused OMS create and the lost answer)', () => {
      expect(t.logs.lines.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
      const warnings = t.logs.lines.filter((l) => /"level":"warn"/.test(l));
      expect(warnings.every((l) => l.includes('OMS.0080') || l.includes('CreateTask failed'))).toBe(true);
    });

    it('Slack accepted every payload (the fake refuses anything over Block Kit limits)', () => {
      expect(refused).toEqual([]);
      for (const call of t.fakeSlack.calls) {
        if (call.method.startsWith('chat.'))
          expect(blockLimitProblems(call.body.blocks, 'message')).toEqual([]);
        if (call.method.startsWith('views.') && call.method !== 'views.publish')
          expect(viewLimitProblems(call.body.view as Json)).toEqual([]);
      }
      for (const response of t.fakeSlack.responses) {
        expect(blockLimitProblems(response.body.blocks, 'message')).toEqual([]);
      }
    });
  });
}
