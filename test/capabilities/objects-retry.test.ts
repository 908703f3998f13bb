import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GiB, NcpSimulator } from '../../dev/simulators/ncp/index.js';
import { ObjectStoreSimulator } from '../../dev/simulators/object-store/index.js';
import { UpCloudSimulator } from '../../dev/simulators/upcloud/index.js';
import { approvalsOf } from '../../src/capabilities/approvals/approvals-state.js';
import type { Connection } from '../../src/connections/connection.js';
import { decideApproval, postedApproval } from '../harness/approval-requests.js';
import { Interactions } from '../harness/interactions.js';
import { messageText, TestBot } from '../harness/test-bot.js';
import { until } from '../harness/until.js';

// Issue 62, Retry these on NCP and UpCloud: a policy or a job takes one source prefix and no list
// of objects (seeds 000, 001). A check whose missing and different objects all sit under one
// narrower prefix offers a new run of just that prefix, through the approval, numbered "retry n" in
// the run's chain; one whose objects are spread says the provider cannot take a list and points at
// the CSV and the delta run. Keys anyone could have named stay inert in the post, card and request.

const TEAM = 'T0FAKE001';
const CHANNEL = 'C0RETRYPFX';
const ALICE = { userId: 'U0ALICE01', channelId: CHANNEL };
const APPROVER = 'U0RETRYBOB';
const SERVICE = '1200ecde-db95-4d1d-9c2c-00000000f00d';
const TOKEN = 'ucat_retry_token_00000000000000000001';
const NCP = { ak: 'NCPRETRYACCESSKEY001', sk: 'ncp-retry-secret-key-000000000000000001' };
const SRC = { ak: 'AKIASOURCE0000000001', sk: 'aws-source-secret-key-retry-000000001' };
const DST = { ak: 'UCOSKEY0000000000001', sk: 'upcloud-storage-secret-key-retry-0001' };
/** A key an outsider named: a mention, markup, a CSV formula, a control character. */
const NASTY = 'data/2024/05/<!channel> *bold* =HYPERLINK("x")\u0007.bin';
const LONG = `data/2024/05/${'k'.repeat(1_024 - 'data/2024/05/'.length)}`;

const upcloud = new UpCloudSimulator({ serviceIds: [SERVICE], tokens: [TOKEN] });
const ncp = new NcpSimulator({ keys: { [NCP.ak]: NCP.sk }, timings: { speedBytesPerSecond: GiB } });
const store = new ObjectStoreSimulator({
  keys: {
    [SRC.ak]: { secret: SRC.sk, buckets: ['retry-src'] },
    [DST.ak]: { secret: DST.sk, buckets: ['retry-dst'] },
  },
});
const t = new TestBot();
const storage = {
  source: { name: 'aws', accessKey: SRC.ak, secretKey: SRC.sk, endpoint: store.url },
  destination: { name: 'dst', accessKey: DST.ak, secretKey: DST.sk, endpoint: store.url },
};

function connections(): Connection[] {
  return [
    {
      name: 'uc-fi',
      provider: 'upcloud',
      endpoint: upcloud.url,
      region: 'europe-1',
      serviceId: SERVICE,
      auth: { type: 'bearer', token: TOKEN },
      storage,
    },
    {
      name: 'ncp-kr',
      provider: 'ncp',
      endpoint: ncp.url,
      auth: { type: 'aksk', accessKey: NCP.ak, secretKey: NCP.sk },
      storage,
    },
  ];
}

beforeAll(async () => {
  await Promise.all([upcloud.start(), ncp.start(), store.start()]);
  Object.assign(storage.source, { endpoint: store.url });
  Object.assign(storage.destination, { endpoint: store.url });
  await t.start({ connections, env: { POLL_INTERVAL_SECONDS: '0' } });
  await t.ask(`access grant <@${APPROVER}> approver`, ALICE);
  // UpCloud job: data/ → copy/; everything wanting is under data/2024/05/.
  for (let i = 0; i < 300; i++) {
    const month = String((i % 6) + 1).padStart(2, '0');
    const key = `data/2024/${month}/${String(i).padStart(3, '0')}.bin`;
    store.putObject('retry-src', key, `v${i}`);
    if (key === 'data/2024/05/004.bin' || key === 'data/2024/05/010.bin') continue;
    store.putObject(
      'retry-dst',
      `copy/${key.slice(5)}`,
      key === 'data/2024/05/016.bin' ? 'changed' : `v${i}`,
    );
  }
  store.putObject('retry-src', NASTY, 'nasty');
  store.putObject('retry-src', LONG, 'long');
  // NCP policy: spread/ → ncp/; wanting objects at both ends of the prefix.
  for (let i = 0; i < 50; i++) {
    store.putObject('retry-src', `spread/${i}.bin`, `s${i}`);
    if (i !== 0 && i !== 49) store.putObject('retry-dst', `ncp/${i}.bin`, `s${i}`);
  }
});
afterAll(async () => {
  await t.stop();
  await Promise.all([upcloud.stop(), ncp.stop(), store.stop()]);
});

function finalPost(id: string): string | undefined {
  return t.fakeSlack
    .callsTo('chat.update')
    .map((c) => ({ text: messageText(c.body), body: c.body }))
    .filter((c) => c.text.includes(id) && !c.text.includes('Checking…'))
    .at(-1)?.text;
}

function retryButton(id: string) {
  return t.fakeSlack
    .callsTo('chat.update')
    .flatMap(
      (c) =>
        (c.body.blocks as {
          elements?: { action_id?: string; value?: string; text?: { text?: string } }[];
        }[]) ?? [],
    )
    .flatMap((b) => b.elements ?? [])
    .find((e) => e.action_id === 'objects.retry' && e.value?.includes(id));
}

describe('Retry these on UpCloud: one prefix', { timeout: 90_000 }, () => {
  it('asks for a new job of just the prefix the wanting objects share, numbered in the chain', async () => {
    const job = upcloud.addJob({
      name: 'archive',
      status: 'completed',
      source: {
        endpoint: 'https://s3.eu-central-1.amazonaws.com',
        region: 'eu-central-1',
        bucket: 'retry-src',
        prefix: 'data/',
      },
      target: { bucket: 'retry-dst', prefix: 'copy/' },
    });
    await t.ask(`verify uc-fi:${job.uuid}`, ALICE);
    const post = await until(() => finalPost(job.uuid), { what: 'the check’s result', timeoutMs: 30_000 });
    expect(post).toContain('4 missing at the destination · 1 different');
    expect(post).toContain('UpCloud takes one prefix per run, not a list of objects');
    expect(post).toContain('everything under `data/2024/05/`, where all 5 are');
    expect(post).not.toContain('<!channel>');
    const button = await until(() => retryButton(job.uuid), { what: 'Retry these', timeoutMs: 10_000 });
    expect(button.text?.text).toBe('Retry these 5 objects');
    // The button names only the run: no key, no prefix travels in it.
    expect(button.value).not.toContain('data/');

    const jobs = upcloud.jobs.size;
    const since = t.fakeSlack.calls.length;
    const click = await t.click('objects.retry', button.value!, ALICE);
    expect(String((await click.answer()).text)).toContain(
      'Asked for approval: archive · retry 1, a run of everything under `data/2024/05/`',
    );
    const request = await postedApproval(t, { team: TEAM, channel: CHANNEL }, since);
    const card = messageText(request.message);
    expect(card).toContain('Retry 1');
    expect(card).toContain(
      'everything under `data/2024/05/` again, where the 5 missing or different objects are',
    );
    expect(card).not.toContain('<!channel>');
    const record = await approvalsOf(t.bot.deps).get(TEAM, request.id);
    expect(record.request).toMatchObject({
      name: 'archive · retry 1',
      sourceBucket: 'retry-src',
      sourcePrefix: 'data/2024/05/',
      targetBucket: 'retry-dst',
      targetPrefix: 'copy/2024/05/',
    });
    expect(record.rerun).toMatchObject({
      n: 1,
      retry: { what: 'prefix', objects: 5, prefix: 'data/2024/05/' },
    });
    expect(upcloud.jobs.size).toBe(jobs);

    await decideApproval(t, new Interactions(t), { ...request, channel: CHANNEL }, 'approve', APPROVER);
    const made = await until(() => [...upcloud.jobs.values()].find((j) => j.name === 'archive · retry 1'), {
      what: 'the retry job',
      timeoutMs: 10_000,
    });
    expect(made.source).toMatchObject({ bucket: 'retry-src', prefix: 'data/2024/05/' });
    expect(made.target).toMatchObject({ bucket: 'retry-dst', prefix: 'copy/2024/05/' });

    // A second press is the chain's retry 2, not a second "retry 1".
    const again = await t.click('objects.retry', button.value!, ALICE);
    expect(String((await again.answer()).text)).toContain('archive · retry 2');
  });
});

describe('Retry these in the run’s thread', { timeout: 90_000 }, () => {
  it('tells the watched run’s thread "Retry 1 requested", through its outbox', async () => {
    const job = upcloud.addJob({
      name: 'watched',
      status: 'completed',
      source: {
        endpoint: 'https://s3.eu-central-1.amazonaws.com',
        region: 'eu-central-1',
        bucket: 'retry-src',
        prefix: 'data/',
      },
      target: { bucket: 'retry-dst', prefix: 'copy/' },
    });
    await t.ask(`watch uc-fi:${job.uuid} <#${CHANNEL}|ops>`, ALICE);
    const card = await until(
      async () => {
        await t.bot.deps.watcher.runCycle();
        return t.fakeSlack
          .callsTo('chat.postMessage')
          .find(
            (c) => !c.body.thread_ts && c.body.channel === CHANNEL && messageText(c.body).includes(job.uuid),
          );
      },
      { what: 'the run’s card', timeoutMs: 20_000 },
    );
    await t.ask(`verify uc-fi:${job.uuid}`, ALICE);
    const button = await until(() => retryButton(job.uuid), { what: 'Retry these', timeoutMs: 30_000 });
    const since = t.fakeSlack.calls.length;
    await t.click('objects.retry', button.value!, ALICE);
    await postedApproval(t, { team: TEAM, channel: CHANNEL }, since);
    const line = await until(
      async () => {
        await t.bot.deps.watcher.runCycle();
        return t.fakeSlack
          .callsTo('chat.postMessage')
          .find(
            (c) => c.body.thread_ts === card.ts && messageText(c.body).includes('requested by <@U0ALICE01>'),
          );
      },
      { what: 'the chain line in the run’s thread', timeoutMs: 20_000 },
    );
    expect(messageText(line.body)).toContain('*Retry 1* requested by <@U0ALICE01>');
  });
});

describe('Retry these on NCP: objects spread over the whole prefix', { timeout: 60_000 }, () => {
  it('says NCP takes no list of objects and points at the CSV and the delta run', async () => {
    ncp.addPolicy({
      title: 'spread-policy',
      jobState: 'DONE',
      sourceCspType: 'AWS',
      sourceRegion: 'ap-northeast-2',
      sourceBucket: 'retry-src',
      sourcePrefix: 'spread/',
      targetBucket: 'retry-dst',
      targetPrefix: 'ncp/',
      totalSize: GiB,
      totalObjects: 50,
      progress: 1,
    });
    await t.ask('verify ncp-kr:spread-policy', ALICE);
    const post = await until(() => finalPost('spread-policy'), {
      what: 'the check’s result',
      timeoutMs: 30_000,
    });
    expect(post).toContain('2 missing at the destination');
    expect(post).toContain('NCP Object Migration takes one prefix per run, not a list of objects');
    expect(post).toContain('every key is in the CSV in the thread');
    expect(post).toContain('*Start again* on the run’s verification post');
    expect(retryButton('spread-policy')).toBeUndefined();
  });

  it('asks for a new policy of one narrower prefix, its title made one NCP takes', async () => {
    for (let i = 0; i < 20; i++) {
      store.putObject('retry-src', `narrow/${i % 2 ? 'a' : 'b'}/${i}.bin`, `n${i}`);
      if (i !== 3 && i !== 5) store.putObject('retry-dst', `n/${i % 2 ? 'a' : 'b'}/${i}.bin`, `n${i}`);
    }
    ncp.addPolicy({
      title: 'narrow_policy',
      jobState: 'DONE',
      sourceCspType: 'AWS',
      sourceRegion: 'ap-northeast-2',
      sourceBucket: 'retry-src',
      sourcePrefix: 'narrow/',
      targetBucket: 'retry-dst',
      targetPrefix: 'n/',
      totalSize: GiB,
      totalObjects: 20,
      progress: 1,
    });
    await t.ask('verify ncp-kr:narrow_policy', ALICE);
    const button = await until(() => retryButton('narrow_policy'), {
      what: 'Retry these',
      timeoutMs: 30_000,
    });
    const since = t.fakeSlack.calls.length;
    await t.click('objects.retry', button.value!, ALICE);
    const request = await postedApproval(t, { team: TEAM, channel: CHANNEL }, since);
    const record = await approvalsOf(t.bot.deps).get(TEAM, request.id);
    expect(record.request).toMatchObject({
      title: 'narrow_policy-retry-1',
      sourcePrefix: 'narrow/a/',
      targetPrefix: 'n/a/',
    });
    await decideApproval(t, new Interactions(t), { ...request, channel: CHANNEL }, 'approve', APPROVER);
    const made = await until(() => ncp.policy('narrow_policy-retry-1'), {
      what: 'the policy',
      timeoutMs: 10_000,
    });
    expect(made).toMatchObject({ source: { prefix: 'narrow/a/' }, target: { prefix: 'n/a/' } });
  });
});
