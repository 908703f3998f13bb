import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../../dev/fake-slack/fake-slack.js';
import { UpCloudSimulator } from '../../../dev/simulators/upcloud/index.js';
import { approvalsOf } from '../../../src/capabilities/approvals/approvals-state.js';
import type { Connection } from '../../../src/connections/connection.js';
import { parseConnections } from '../../../src/connections/load-connections-file.js';
import { postedApproval } from '../../harness/approval-requests.js';
import { Interactions, type ShownView, ViewTracker } from '../../harness/interactions.js';
import { messageText, omsConnection, TestBot } from '../../harness/test-bot.js';

/**
 * Issue 49 §1, the pre-flight on the approval request: when a create request is made, the card
 * (channel post, approver DM, Home entry) says what the bot found out before anything runs, where
 * each figure came from and how sure it is; a pre-flight that times out never blocks the request.
 */

const OPERATOR = 'U0OPER001';
const APPROVER = 'U0APPR001';
const ASKED_IN = 'C0FAKE001';
const APPROVALS = 'C0APPROVE';
const TEAM = 'T0FAKE001';
const UPCLOUD_TOKEN = 'ucat_upcloud-sim-token-0000000000000001';
const SERVICE_ID = '1200ecde-db95-4d1d-9c2c-bd5b4a7a8c2f';
const GIB = 1024 ** 3;

const t = new TestBot();
const upcloud = new UpCloudSimulator({ serviceIds: [SERVICE_ID], tokens: [UPCLOUD_TOKEN] });
const ix = new Interactions(t);
let views: ViewTracker;

function connections(omsUrl: string): Connection[] {
  return [
    // A private endpoint names no region: the connections file says it (cn-north-4), with a price.
    omsConnection('hw-prod', omsUrl, { region: 'cn-north-4', egressPricePerGiB: 0.09 }),
    omsConnection('hw-free', omsUrl),
    {
      name: 'up-fi',
      provider: 'upcloud',
      endpoint: upcloud.url,
      serviceId: SERVICE_ID,
      auth: { type: 'bearer', token: UPCLOUD_TOKEN },
      storage: { source: { name: 'aws-src', accessKey: 'AKIASOURCE0000000001', secretKey: 'x'.repeat(40) } },
    },
  ];
}

beforeAll(async () => {
  await upcloud.start();
  await t.start({ connections, env: { POLL_INTERVAL_SECONDS: '0' } });
  views = new ViewTracker(t.fakeSlack);
  // A large prefix: 2,500 objects of 2 GiB under big/ (more than the sample reads), and a folder
  // marker with nothing under it (OMS's prefix check finds `empty/`; the listing finds no object).
  t.oms.addBucket({
    cloudType: 'AWS',
    region: 'us-east-1',
    name: 'big-bucket',
    objects: [
      ...Array.from({ length: 2_500 }, (_, i) => ({
        key: `big/${String(i).padStart(5, '0')}.bin`,
        size: 2 * GIB,
      })),
      { key: 'empty/', size: 0 },
      { key: 'small/a.txt', size: 1_048_576 },
    ],
  });
  // Two OMS tasks already running on the connection.
  for (const name of ['running-1', 'running-2']) t.oms.addTask({ name, status: 2, totalSize: 10 ** 15 });
  await t.ask(`access grant <@${OPERATOR}|oper> operator`);
  await t.ask(`access grant <@${APPROVER}|appr> approver`);
  await t.ask(`settings approvals <#${APPROVALS}|approvals>`);
}, 60_000);
afterAll(async () => {
  views?.stop();
  await t.stop();
  await upcloud.stop();
});

const OMS_VALUES = {
  task_type: 'prefix',
  src_cloud: 'AWS',
  src_region: 'us-east-1',
  src_bucket: 'big-bucket',
  src_objects: 'big/',
  dst_region: 'cn-north-4',
  dst_bucket: 'dst-bucket',
  bandwidth: '00:00-06:00=200MB/s',
};

/** `/migrate create <target>` as the operator, `values` submitted; the request as posted and when. */
async function request(target: string, values: Record<string, string>) {
  const before = views.shown.length;
  await t.command(`create ${target}`, { userId: OPERATOR, channelId: ASKED_IN });
  const form: ShownView = await t.fakeSlack.waitFor(() =>
    views.shown
      .slice(before)
      .find(
        (v) =>
          v.view.callback_id === 'migrate_create.form' &&
          (v.method === 'views.update' || !target.startsWith('hw')),
      ),
  );
  const since = t.fakeSlack.calls.length;
  const submitted = Date.now();
  const res = await ix.submit(form, values, { userId: OPERATOR });
  expect(res.status).toBe(200);
  expect(res.body).toBeUndefined();
  const posted = await postedApproval(t, { team: TEAM, channel: APPROVALS }, since);
  return { ...posted, since, text: messageText(posted.message), ms: Date.now() - submitted };
}

function dmTo(user: string, since: number, match: RegExp): Promise<RecordedCall> {
  return t.fakeSlack.waitFor(() =>
    t.fakeSlack.calls
      .slice(since)
      .find(
        (c) => c.method === 'chat.postMessage' && c.body.channel === user && match.test(messageText(c.body)),
      ),
  );
}

async function homeOf(user: string, match: RegExp): Promise<string> {
  const before = t.fakeSlack.callsTo('views.publish').length;
  await t.event({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' });
  const call = await t.fakeSlack.waitFor(() =>
    t.fakeSlack
      .callsTo('views.publish')
      .slice(before)
      .find((c) => c.body.user_id === user && match.test(JSON.stringify(c.body.view))),
  );
  return JSON.stringify(call.body.view);
}

describe('the pre-flight on an approval request', () => {
  it('samples a large prefix with its bound, times it at the cap, counts what runs and prices the egress', async () => {
    const req = await request('hw-prod task', OMS_VALUES);
    expect(req.text).toContain('*Pre-flight*');
    // 1,000 of the 2,500 objects (ten listings of 100): a lower bound, and said to be one.
    expect(req.text).toContain(
      'At least 1,000 objects, 2.0 TiB under the 1 prefix: a sample, as the pre-flight reads at most 1,000 objects from Huawei OMS; more remain unlisted.',
    );
    // 2,000 GiB at 200 MiB/s is 2.8 hours.
    expect(req.text).toContain('Takes about 3 h or more at its 200 MiB/s bandwidth cap.');
    expect(req.text).toContain(
      'Already on `hw-prod` (cn-north-4): 2 running, 0 waiting, as Huawei OMS lists them now. OMS allows 1,500 tasks waiting (OMS.0077) and 1,500 new tasks in 24 hours (OMS.1021) per account.',
    );
    // 2,000 GiB (2.0 TiB) × $0.09.
    expect(req.text).toContain('Egress at least ≈ $180 at your $0.09/GiB (priced on the sample).');
    expect(req.text).toMatch(/Found out when the request was made \(.+\), before anything runs/);
    const record = await approvalsOf(t.bot.deps).get(TEAM, req.id);
    expect(record.preflight?.size).toEqual({
      basis: 'sampled',
      objects: 1_000,
      bytes: 2_000 * GIB,
      prefixes: 1,
      bound: 1_000,
    });
    // The approver's direct message and Home tab say it in one line, linking to the full card.
    const dm = await dmTo(APPROVER, req.since, /asks you to approve/);
    expect(messageText(dm.body)).toContain(
      'Pre-flight: at least 1,000 objects, 2.0 TiB · about 3 h · ≈ $180',
    );
    expect(await homeOf(APPROVER, /Pre-flight:/)).toContain(
      'Pre-flight: at least 1,000 objects, 2.0 TiB · about 3 h · ≈ $180',
    );
  });

  it('lists a small prefix in full, and says nothing about money without a price', async () => {
    const req = await request('hw-free task', { ...OMS_VALUES, src_objects: 'small/', bandwidth: '' });
    expect(req.text).toContain('1 object, 1.0 MiB under the 1 prefix: listed in full through Huawei OMS.');
    expect(req.text).toContain(
      'No bandwidth cap: Huawei OMS moves it as fast as it can, so no time is estimated.',
    );
    expect(req.text).not.toMatch(/Egress|\$/);
  });

  it('warns of what the form shows: an empty prefix, another region, an overwrite mode replacing newer objects', async () => {
    const req = await request('hw-prod task', {
      ...OMS_VALUES,
      src_objects: 'small/\nempty/',
      dst_region: 'cn-east-3',
      overwrite: 'FULL_OVERWRITE',
    });
    expect(req.text).toContain(
      ':warning: The overwrite mode “Always overwrite” replaces every paired object at the destination, newer ones included.',
    );
    expect(req.text).toContain(
      ":warning: The destination region cn-east-3 is not this endpoint's (cn-north-4): OMS refuses it (OMS.0080).",
    );
    expect(req.text).toContain(':warning: The listing found no object under empty/: it moves nothing.');
    expect(req.text).toContain('Egress ≈ < $0.01 at your $0.09/GiB.');
  });

  it('says the size is unknown where the provider lists no objects (UpCloud)', async () => {
    const req = await request('upcloud', {
      name: 'logs-to-upcloud',
      src_endpoint: 'https://s3.eu-central-1.amazonaws.com',
      src_region: 'eu-central-1',
      src_bucket: 'logs',
      dst_bucket: 'logs-upcloud',
    });
    expect(req.text).toContain('Size unknown: UpCloud lists no objects.');
    expect(req.text).toContain(
      'No bandwidth cap: UpCloud moves it as fast as it can, so no time is estimated.',
    );
    expect(req.text).toContain(
      'Already on `up-fi`: 0 running, 0 waiting, as UpCloud lists them now. UpCloud documents no limit on how many run at once.',
    );
    expect(req.text).not.toMatch(/Egress|\$/);
  });

  it('posts the request when the pre-flight times out, saying why in words', async () => {
    const approvals = approvalsOf(t.bot.deps);
    approvals.preflightDeadlineMs = 300;
    // The listing answers after the deadline; the form's own prefix check answers at once.
    t.oms.faults.script({ path: '/buckets/objects', delayMs: 3_000 });
    try {
      const req = await request('hw-prod task', OMS_VALUES);
      // Posted without waiting for the 3 s listing: an order, not a measured time. Had it waited,
      // the listing's answer would have given a size.
      expect(req.text).toContain('Size could not be estimated: Huawei OMS did not answer within 1 s.');
      expect(req.text).toContain('Already on `hw-prod` (cn-north-4): 2 running');
      // With a price but no size, the cost is said to be unknown, and why.
      expect(req.text).toContain('Egress cost unknown without a size (your price: $0.09/GiB).');
      expect((await approvals.get(TEAM, req.id)).status).toBe('pending');
    } finally {
      approvals.preflightDeadlineMs = 5_000;
      t.oms.faults.reset();
    }
  });

  it('says in words why the provider refused, never its raw answer', async () => {
    t.oms.faults.script({
      path: '/buckets/objects',
      status: 400,
      body: { error_code: 'OMS.0153', error_msg: 'RAW-PROVIDER-BODY: internal detail' },
    });
    try {
      const req = await request('hw-prod task', OMS_VALUES);
      expect(req.text).toMatch(/Size could not be estimated: Huawei OMS refused it: .+ \(OMS\.0153\)\./);
      expect(req.text).not.toContain('RAW-PROVIDER-BODY');
    } finally {
      t.oms.faults.reset();
    }
  });
});

describe('egressPricePerGiB in the connections file', () => {
  const file = (price: string) =>
    `connections:\n  - name: hw\n    provider: huawei-oms\n    endpoint: https://oms.cn-north-4.myhuaweicloud.com\n    projectId: p1\n    egressPricePerGiB: ${price}\n    auth: { type: aksk, accessKeyEnv: AK, secretKeyEnv: SK }\n`;
  const env = { AK: 'HWSIMACCESSKEY000001', SK: 'hw-sim-secret-key-0000000000000000000001' };

  it('is read as dollars per GiB', () => {
    expect(parseConnections(file('0.09'), 'c.yaml', env)[0]!.egressPricePerGiB).toBe(0.09);
  });

  it('refuses what is not a positive number, saying how to write it', () => {
    expect(() => parseConnections(file('-1'), 'c.yaml', env)).toThrow(
      /connections\.0\.egressPricePerGiB: must be more than 0 dollars per GiB, such as 0\.09/,
    );
    expect(() => parseConnections(file('"$0.09"'), 'c.yaml', env)).toThrow(
      /egressPricePerGiB: must be a number of dollars per GiB, such as 0\.09 \(no quotes, no \$\)/,
    );
  });
});
